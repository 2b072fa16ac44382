"use client";
/**
 * Evolving prompts of an LLM run: the archive of system-message variants with the prompt bandit's
 * record (children, improvements, archive gain, value); a row opens the variant: its whole text,
 * where it came from (the meta-prompt and the reply that wrote it) and what its children did.
 */
import { memo, useEffect, useState } from "react";
import { api, ApiError } from "@/components/lib/api";
import { fmtInt, fmtNum, fmtPct, fmtUsd } from "@/components/lib/format";
import type { PromptVariantDetail, PromptsReport } from "@/components/lib/use-prompts";

export const PromptsPanel = memo(function PromptsPanel({ experimentId, report, error }: { experimentId: string; report: PromptsReport | null; error: string | null }) {
  const [open, setOpen] = useState<number | null>(null);
  if (error && !report) return <p className="text-sm text-rose-700 dark:text-rose-300">Could not load the prompts: {error}</p>;
  if (!report) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading the prompts…</p>;
  if (!report.variants.length) return <p className="text-sm text-slate-500 dark:text-slate-400">No prompt variant yet: the first job writes variant 0, the task&apos;s own system message.</p>;
  return (
    <div className="space-y-4" data-testid="prompts-panel">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        The system message evolves: the model rewrites the most promising variant from what its children did, and each call&apos;s variant is chosen by UCB on its children&apos;s archive gain. Open a variant to read it.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Prompt variants">
          <thead className="border-b border-slate-200 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1.5 pr-3 font-medium">Variant</th>
              <th scope="col" className="px-3 py-1.5 font-medium">System message</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Children</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Improvements</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Archive gain</th>
              <th scope="col" className="py-1.5 pl-3 text-right font-medium" title="The bandit's value without exploration (mean gain per child), the best variant = 100%">
                Value
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
            {report.variants.map((v) => (
              <tr key={v.variant} className={open === v.variant ? "bg-indigo-50/60 dark:bg-indigo-950/40" : undefined}>
                <td className="py-1.5 pr-3 whitespace-nowrap">
                  <button type="button" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" onClick={() => setOpen(open === v.variant ? null : v.variant)} aria-expanded={open === v.variant}>
                    #{v.variant}
                  </button>
                  {v.parentVariant !== null && <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">from #{v.parentVariant}</span>}
                </td>
                <td className="max-w-md truncate px-3 py-1.5 text-xs text-slate-700 dark:text-slate-300" title={v.text}>
                  {v.summary}
                </td>
                <td className="px-3 py-1.5 text-right">{fmtInt(v.pulls)}</td>
                <td className="px-3 py-1.5 text-right">
                  {fmtInt(v.improvements)} <span className="text-xs text-slate-500 dark:text-slate-400">({fmtPct(v.pulls ? v.improvements / v.pulls : null, 0)})</span>
                </td>
                <td className="px-3 py-1.5 text-right">{fmtNum(v.gain)}</td>
                <td className="py-1.5 pl-3 text-right">{v.value == null ? "—" : fmtPct(v.value, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open !== null && <VariantDetail experimentId={experimentId} variant={open} onClose={() => setOpen(null)} />}
    </div>
  );
});

function VariantDetail({ experimentId, variant, onClose }: { experimentId: string; variant: number; onClose(): void }) {
  const [d, setD] = useState<PromptVariantDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    setD(null);
    api<PromptVariantDetail>(`/api/experiments/${experimentId}/prompts/${variant}`)
      .then((r) => !stop && (setD(r), setError(null)))
      .catch((e) => !stop && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      stop = true;
    };
  }, [experimentId, variant]);
  return (
    <section className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-800" aria-label={`Prompt variant ${variant}`} data-testid="prompt-variant">
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-medium text-slate-800 dark:text-slate-200">
          Variant #{variant}
          {d?.parentVariant != null && <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">rewritten from #{d.parentVariant}{d.model ? ` by ${d.model}` : ""}{d.costUsd > 0 ? ` for ${fmtUsd(d.costUsd)}` : ""}</span>}
        </h3>
        <button type="button" className="text-xs text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <p className="text-sm text-rose-700 dark:text-rose-300">{error}</p>}
      {!d && !error && <p className="text-xs text-slate-500 dark:text-slate-400">Loading…</p>}
      {d && (
        <>
          <pre className="max-h-72 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap text-slate-800 dark:bg-slate-900 dark:text-slate-200">{d.text}</pre>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Children: {Object.entries(d.children).map(([s, n]) => `${fmtInt(n)} ${s}`).join(", ") || "none yet"} · improvements {fmtInt(d.improvements)} · archive gain {fmtNum(d.gain)}
          </p>
          {d.metaPrompt && (
            <details className="text-xs">
              <summary className="cursor-pointer text-slate-600 dark:text-slate-400">The meta-prompt and reply that wrote it</summary>
              <pre className="mt-1 max-h-72 overflow-auto rounded bg-slate-50 p-2 whitespace-pre-wrap dark:bg-slate-900">{d.metaPrompt}</pre>
              {d.reply && <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-50 p-2 whitespace-pre-wrap dark:bg-slate-900">{d.reply}</pre>}
            </details>
          )}
        </>
      )}
    </section>
  );
}
