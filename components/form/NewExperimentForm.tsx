"use client";
/**
 * New experiment: every field of the configuration, validated inline with the
 * same zod schema the REST API uses; submit creates and starts the run.
 * Vector runs (built-in benchmarks, your evaluator), JSON genomes with your
 * mutation, and LLM runs (programs for a shipped task, judged texts).
 * The state and its transitions are in ./form-state, the config builder in
 * ./form-config; each section (./sections, per-domain ./domains) draws a part.
 */
import { useCallback, useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ExperimentSpec } from "@/lib/experiments/config";
import { api, ApiError } from "@/components/lib/api";
import { Field, Section } from "./Field";
import type { FormPreset } from "./preset";
import { TemplateBar, type TemplateOption } from "./TemplateBar";
import { derive, initialState, type FormState, type SetForm } from "./form-state";
import { buildConfig, issueMap, parseJsonSeeds } from "./form-config";
import { DomainSection } from "./sections/DomainSection";
import { DescriptorsSection } from "./sections/DescriptorsSection";
import { ArchiveSection } from "./sections/ArchiveSection";
import { EmitterSection } from "./sections/EmitterSection";
import { IslandsSection } from "./sections/IslandsSection";
import { BudgetSection } from "./sections/BudgetSection";
import type { SectionProps } from "./sections/props";

/** `preset`: fields from a run being cloned or a template (see ./preset); `templates`: the saved ones to offer. */
export function NewExperimentForm({ preset, templates = [], templateId = null }: { preset?: FormPreset; templates?: TemplateOption[]; templateId?: string | null } = {}) {
  const router = useRouter();
  const [s, setState] = useState<FormState>(() => initialState(preset));
  const set: SetForm = useCallback((patch) => setState((st) => ({ ...st, ...(typeof patch === "function" ? patch(st) : patch) })), []);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});

  const d = useMemo(() => derive(s), [s]);
  const jsonSeedsParsed = useMemo(() => parseJsonSeeds(s.jsonSeeds), [s.jsonSeeds]);
  const config = useMemo(() => buildConfig(s, jsonSeedsParsed.value), [s, jsonSeedsParsed]);
  const parsed = useMemo(() => ExperimentSpec.safeParse(config), [config]);
  const jsonSeedsError = d.userDomain && s.genome === "json" ? jsonSeedsParsed.error : undefined;
  const errors = useMemo(() => {
    const local: Record<string, string> = jsonSeedsError ? { "domain.seeds": jsonSeedsError } : {};
    if (parsed.success) return local;
    // A parse error of the seeds says more than the schema's "give the starting population".
    return { ...issueMap(parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }))), ...local };
  }, [parsed, jsonSeedsError]);
  const valid = parsed.success && !jsonSeedsError;
  const shown = submitted ? { ...serverIssues, ...errors } : {};
  const err = (path: string) => shown[path];
  const name = s.name;
  const section: SectionProps = { s, set, d, issues: shown, err };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerError(null);
    setServerIssues({});
    if (!valid) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setBusy(true);
    try {
      const res = await api<{ id?: string; experiment?: { id: string } }>("/api/experiments", { method: "POST", json: { ...config, start: true } });
      const id = res.id ?? res.experiment?.id;
      router.push(`/experiments/${id}`);
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError) {
        setServerError(error.message);
        setServerIssues(issueMap(error.issues));
      } else setServerError(String(error));
    }
  };

  const errorCount = submitted ? Object.keys(shown).length : 0;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2" aria-label="New experiment">
      {(serverError || errorCount > 0) && (
        <div role="alert" className="mb-6 rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200">
          {serverError ?? `Please fix ${errorCount === 1 ? "the highlighted field" : `the ${errorCount} highlighted fields`}.`}
        </div>
      )}

      <TemplateBar templates={templates} current={templateId} config={valid ? config : null} defaultName={name} />
      {preset && preset.unshown.length > 0 && (
        <p className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-900/70 dark:bg-amber-950/40 dark:text-amber-100" data-testid="unshown-settings">
          The form has no field for {preset.unshown.map((k) => <code key={k} className="mx-0.5 font-mono">{k}</code>)}: the new run uses their defaults. Create it over the REST API to keep them.
        </p>
      )}

      <Section title="Basics" description="A name to find the run by later.">
        <Field label="Name" value={s.name} onChange={(e) => set({ name: e.target.value })} error={err("name")} />
      </Section>

      <DomainSection {...section} />
      <DescriptorsSection {...section} />
      <ArchiveSection {...section} />
      <EmitterSection {...section} />
      {d.islandsAllowed && <IslandsSection {...section} />}
      <BudgetSection {...section} />

      <div className="flex items-center justify-end gap-3 border-t border-slate-200 pt-6 dark:border-slate-800">
        <button type="button" onClick={() => router.push("/")} className="rounded-md px-4 py-2 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
          Cancel
        </button>
        <button type="submit" disabled={busy} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60">
          {busy ? "Starting…" : "Create and start"}
        </button>
      </div>
    </form>
  );
}
