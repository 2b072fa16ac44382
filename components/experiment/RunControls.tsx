"use client";
/** Pause / resume / start / cancel, offered according to the run's status. */
import { useState } from "react";
import { api, endpoints, normalizeExperiment } from "@/components/lib/api";
import type { ExperimentStatus, ExperimentSummary } from "@/components/lib/types";
import { buttonClass, primaryButtonClass } from "@/components/ui/Card";

type Action = "start" | "pause" | "resume" | "cancel";

const ACTIONS: Record<ExperimentStatus, Action[]> = {
  draft: ["start", "cancel"],
  queued: ["pause", "cancel"],
  running: ["pause", "cancel"],
  paused: ["resume", "cancel"],
  failed: ["resume"],
  completed: [],
  cancelled: [],
};

const LABEL: Record<Action, string> = { start: "Start", pause: "Pause", resume: "Resume", cancel: "Cancel run" };

export function RunControls({ id, status, onChange }: { id: string; status: ExperimentStatus; onChange(e: ExperimentSummary): void }) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (a: Action) => {
    if (a === "cancel" && !window.confirm("Cancel this run? Evaluations in flight finish; nothing new starts.")) return;
    setBusy(a);
    setError(null);
    try {
      onChange(normalizeExperiment(await api(endpoints.action(id, a), { method: "POST" })));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const actions = ACTIONS[status] ?? [];
  return (
    <div className="flex flex-wrap items-center gap-2">
      {actions.map((a) => (
        <button key={a} type="button" disabled={busy !== null} onClick={() => run(a)} className={a === "resume" || a === "start" ? primaryButtonClass : buttonClass}>
          {a === "pause" ? <PauseIcon /> : a === "cancel" ? <StopIcon /> : <PlayIcon />}
          {busy === a ? `${LABEL[a]}…` : LABEL[a]}
        </button>
      ))}
      {error && (
        <p role="alert" className="text-xs text-rose-600 dark:text-rose-400">
          {error}
        </p>
      )}
    </div>
  );
}

const PlayIcon = () => (
  <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
    <path d="M3 1.5v9l7.5-4.5z" fill="currentColor" />
  </svg>
);
const PauseIcon = () => (
  <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
    <rect x="2.5" y="1.5" width="2.5" height="9" rx="0.5" fill="currentColor" />
    <rect x="7" y="1.5" width="2.5" height="9" rx="0.5" fill="currentColor" />
  </svg>
);
const StopIcon = () => (
  <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
    <rect x="2" y="2" width="8" height="8" rx="1" fill="currentColor" />
  </svg>
);
