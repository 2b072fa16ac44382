"use client";
/** Workers & queue: jobs by state, workers connected, latest failures with their reasons (polled from /api/queues). */
import { useEffect, useState, memo } from "react";
import { api, endpoints, normalizeQueues, normalizeWorkers, type WorkerInfo } from "@/components/lib/api";
import { fmtAgo, fmtInt } from "@/components/lib/format";
import type { QueueInfo } from "@/components/lib/types";

const STATES = ["waiting", "active", "failed", "completed"] as const;
const SHORT: Record<(typeof STATES)[number], string> = { waiting: "wait", active: "active", failed: "failed", completed: "done" };

export const QueuePanel = memo(function QueuePanel({ active }: { active: boolean }) {
  const [queues, setQueues] = useState<QueueInfo[] | null>(null);
  const [workers, setWorkers] = useState<WorkerInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const b = await api(endpoints.queues());
        if (stop) return;
        setQueues(normalizeQueues(b));
        setWorkers(normalizeWorkers(b));
        setError(null);
      } catch (e) {
        if (!stop) setError((e as Error).message);
      }
      if (!stop) timer = setTimeout(tick, active ? 2000 : 10000);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [active]);

  if (error && !queues) return <p className="text-sm text-rose-600 dark:text-rose-400">Queue status unavailable: {error}</p>;
  if (!queues) return <p className="text-sm text-slate-500">Loading…</p>;
  const failures = queues.flatMap((q) => q.failures.map((f) => ({ ...f, queue: q.name }))).slice(0, 5);
  return (
    <div className="space-y-4 text-sm">
      <p>
        <span className="text-lg font-semibold tabular-nums" data-testid="workers-connected">
          {workers.length}
        </span>{" "}
        <span className="text-slate-600 dark:text-slate-400">worker{workers.length === 1 ? "" : "s"} connected</span>
      </p>
      {workers.length > 0 && (
        <ul className="flex flex-wrap gap-1.5 text-xs">
          {workers.map((w) => (
            <li key={w.id} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono dark:bg-slate-800" title={`pid ${w.pid} · started ${fmtAgo(w.startedAt)}`}>
              {w.id.length > 24 ? `${w.id.slice(0, 24)}…` : w.id}
            </li>
          ))}
        </ul>
      )}
      <table className="w-full text-xs tabular-nums">
        <thead className="text-left text-slate-500 dark:text-slate-400">
          <tr>
            <th className="py-1 font-medium">Queue</th>
            {STATES.map((s) => (
              <th key={s} className="py-1 pl-2 text-right font-medium" title={s}>
                {SHORT[s]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.name} className="border-t border-slate-100 dark:border-slate-800">
              <td className="py-1 font-mono whitespace-nowrap">{q.name.replace(/^qd-/, "")}</td>
              {q.error ? (
                <td colSpan={STATES.length} className="py-1 text-right text-rose-600 dark:text-rose-400">
                  {q.error}
                </td>
              ) : (
                STATES.map((s) => (
                  <td key={s} className={`py-1 pl-2 text-right ${s === "failed" && (q.counts[s] ?? 0) > 0 ? "text-rose-600 dark:text-rose-400" : ""}`}>
                    {fmtInt(q.counts[s] ?? 0)}
                  </td>
                ))
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Recent failures</h3>
        {failures.length === 0 ? (
          <p className="text-xs text-slate-500 dark:text-slate-400">None.</p>
        ) : (
          <ul className="space-y-1 text-xs">
            {failures.map((f, i) => (
              <li key={(f.id ?? "") + i} className="rounded-md bg-rose-50 px-2 py-1 text-rose-800 dark:bg-rose-950/50 dark:text-rose-200">
                <span className="font-mono">{f.name ?? f.queue}</span> · {f.at ? fmtAgo(f.at) : ""}
                <div className="truncate" title={f.reason}>
                  {f.reason}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
});
