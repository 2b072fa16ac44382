"use client";
/**
 * Candidates rejected before evaluation as repeats of stored programs (LLM runs): each says which
 * solution it duplicates and how similar it is; opening one shows it against that original.
 */
import { memo, useEffect, useState } from "react";
import { api, endpoints } from "@/components/lib/api";
import { fmtDate, fmtInt, fmtNum, fmtPct, fmtUsd } from "@/components/lib/format";
import { DiffView } from "@/components/elite/DiffView";

/** A duplicate's diff is against the stored program it repeats, not its parent. */
const ORIGINAL = { name: "the original it duplicates", identical: "Identical to the original it duplicates." };

interface DuplicateItem {
  id: string;
  duplicateOf: string | null;
  similarity: number | null;
  error: string | null;
  createdAt: string | null;
}

interface SolutionBody {
  genome: unknown;
  model: string | null;
  costUsd: number | null;
  status: string;
}

const text = (g: unknown) => (typeof g === "string" ? g : JSON.stringify(g, null, 2));

/** The duplicate against the program it repeats, loaded when opened. */
function Comparison({ item, by }: { item: DuplicateItem; by: "lines" | "words" }) {
  const [pair, setPair] = useState<[SolutionBody, SolutionBody | null] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    Promise.all([api<SolutionBody>(endpoints.solution(item.id)), item.duplicateOf ? api<SolutionBody>(endpoints.solution(item.duplicateOf)).catch(() => null) : Promise.resolve(null)])
      .then((p) => !stop && setPair(p))
      .catch((e) => !stop && setError(String(e?.message ?? e)));
    return () => {
      stop = true;
    };
  }, [item.id, item.duplicateOf]);
  if (error) return <p className="text-xs text-rose-700 dark:text-rose-300">Could not load: {error}</p>;
  if (!pair) return <p className="text-xs text-slate-500 dark:text-slate-400">Loading…</p>;
  const [dup, original] = pair;
  return (
    <div className="mt-2 space-y-1.5">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        {dup.model && <>proposed by <span className="font-mono">{dup.model}</span> · </>}
        {dup.costUsd != null && <>cost {fmtUsd(dup.costUsd)} · </>}
        {original ? "differences from the original (− original, + duplicate):" : "the original is not stored (its job has not landed yet)."}
      </p>
      {original ? <DiffView parent={text(original.genome)} child={text(dup.genome)} by={by} against={ORIGINAL} /> : <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] dark:bg-slate-950">{text(dup.genome)}</pre>}
    </div>
  );
}

export const DuplicatesPanel = memo(function DuplicatesPanel({ experimentId, duplicates, evaluations, refreshKey, by }: { experimentId: string; duplicates: number; evaluations: number; refreshKey: unknown; by: "lines" | "words" }) {
  const [items, setItems] = useState<DuplicateItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    api<{ solutions: DuplicateItem[] }>(endpoints.solutions(experimentId, { status: "duplicate", limit: 50 }))
      .then((b) => !stop && (setItems(b.solutions), setError(null)))
      .catch((e) => !stop && setError(String(e?.message ?? e)));
    return () => {
      stop = true;
    };
  }, [experimentId, refreshKey]);

  const proposals = duplicates + evaluations;
  return (
    <div className="space-y-3" data-testid="duplicates-panel">
      <p className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
        <span className="font-medium text-fuchsia-700 dark:text-fuchsia-300">{fmtInt(duplicates)}</span> proposals ({fmtPct(proposals ? duplicates / proposals : null)}) were repeats of stored programs and were not evaluated; their tokens and cost are counted. Rates per model are in the budget panel.
      </p>
      {error && <p className="text-xs text-rose-700 dark:text-rose-300">Could not load duplicates: {error}</p>}
      <ol className="max-h-[420px] divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800" aria-label="Duplicate candidates">
        {items.map((d) => (
          <li key={d.id} className="px-3 py-2 text-sm" data-testid="duplicate">
            <details>
              <summary className="flex cursor-pointer flex-wrap items-baseline justify-between gap-x-3 text-xs text-slate-600 tabular-nums dark:text-slate-400">
                <span>
                  <span className="font-mono" title={d.id}>
                    {d.id.slice(0, 8)}
                  </span>{" "}
                  <span className="text-slate-800 dark:text-slate-200" data-testid="duplicate-of">
                    duplicate of <span className="font-mono" title={d.duplicateOf ?? ""}>{d.duplicateOf?.slice(0, 8) ?? "?"}</span>
                  </span>{" "}
                  <span className="rounded bg-fuchsia-100 px-1 py-px text-[10px] font-medium text-fuchsia-800 dark:bg-fuchsia-900/50 dark:text-fuchsia-200">
                    {d.similarity === 1 ? "identical after normalisation" : `similarity ${fmtNum(d.similarity ?? null, 3)}`}
                  </span>
                </span>
                <span>{fmtDate(d.createdAt)}</span>
              </summary>
              <Comparison item={d} by={by} />
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
});
