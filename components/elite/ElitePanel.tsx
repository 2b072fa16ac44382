"use client";
import { memo } from "react";
/** The selected elite (or an ancestor being inspected): fitness, descriptors, operator, time, parents, metrics, genome, logs. */
import { fmtDate, fmtInt, fmtNum, fmtUsd } from "@/components/lib/format";
import type { SolutionDetail } from "@/components/lib/types";
import { buttonClass } from "@/components/ui/Card";
import { GenomeBars } from "./GenomeBars";
import { KIND_LABEL } from "./kind-label";
import { operatorLabel, parentlessOrigin } from "./origin";
import { parentChoiceLabel } from "@/components/lineage/selection";
import { verificationOf } from "@/lib/experiments/reevaluation";

interface Props {
  cell: number | null;
  solution: SolutionDetail | null;
  names: string[];
  loading: boolean;
  error: string | null;
  ancestor: boolean;
  onBack(): void;
  onShowLineage(): void;
  lineageOpen: boolean;
  onInspect(id: string): void;
}

export const ElitePanel = memo(function ElitePanel({ cell, solution: s, names, loading, error, ancestor, onBack, onShowLineage, lineageOpen, onInspect }: Props) {
  if (cell == null && !s) {
    return (
      <div className="flex h-full min-h-48 flex-col items-center justify-center gap-2 text-center text-sm text-slate-500 dark:text-slate-400">
        <GridGlyph />
        <p>Click a filled cell to inspect its elite.</p>
        <p className="text-xs">Or focus the grid and use the arrow keys, then Enter.</p>
      </div>
    );
  }
  if (loading && !s) return <p className="text-sm text-slate-500">Loading cell {cell}…</p>;
  if (error && !s) {
    return (
      <div className="text-sm">
        <p className="font-medium">Cell {cell?.toLocaleString("en-US")}</p>
        <p className="mt-1 text-slate-500 dark:text-slate-400">{error}</p>
      </div>
    );
  }
  if (!s) return null;
  const metrics = s.metrics && typeof s.metrics === "object" ? Object.entries(s.metrics) : [];
  const verification = verificationOf(s.metrics);
  const vector = Array.isArray(s.genome) && s.genome.every((v) => typeof v === "number") ? (s.genome as number[]) : null;
  return (
    <div className="space-y-4" aria-busy={loading}>
      {ancestor && (
        <div className="flex items-center justify-between rounded-md bg-orange-50 px-2.5 py-1.5 text-xs text-orange-800 dark:bg-orange-950/60 dark:text-orange-200">
          <span>Inspecting an ancestor</span>
          <button type="button" className="font-medium underline" onClick={onBack}>
            Back to the elite
          </button>
        </div>
      )}
      <div>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          {ancestor ? "Ancestor" : "Elite"} of cell {s.cell != null ? s.cell.toLocaleString("en-US") : "—"}
        </p>
        <p className="text-3xl font-semibold tabular-nums" data-testid="elite-fitness">
          {fmtNum(s.fitness, 5)}
        </p>
        <p className="text-xs text-slate-500 dark:text-slate-400">fitness</p>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {names.map((n, i) => (
          <Row key={n + i} label={n} value={fmtNum(s.descriptors[i], 5)} />
        ))}
        <Row label="operator" value={operatorLabel(s.operator)} />
        {s.status !== "evaluated" && <Row label="status" value={s.status} />}
        <Row label="found" value={fmtDate(s.createdAt)} />
        {s.evalMs != null && <Row label="evaluation" value={fmtMs(s.evalMs)} />}
        {verification && (
          <Row
            label="verified"
            value={`${verification.verified ? "✓ yes" : "✗ no"} · spread ${fmtNum(verification.spread, 4)} over ${verification.reevaluations + 1} evaluations (fitness is their mean)`}
            testId="elite-verified"
          />
        )}
        {s.model && <Row label="model" value={s.model} />}
        {(s.promptTokens != null || s.completionTokens != null) && (
          <Row label="tokens" value={`${fmtInt(s.promptTokens)} prompt · ${fmtInt(s.completionTokens)} completion`} testId="elite-tokens" />
        )}
        {s.costUsd != null && <Row label="cost" value={fmtUsd(s.costUsd)} testId="elite-cost" />}
        {s.selection && (
          <Row label="selection" value={`${s.selection.policy}${s.selection.crossover ? " · crossover of two cells" : ""}`} testId="elite-selection" />
        )}
        <dt className="text-slate-500 dark:text-slate-400">parents</dt>
        <dd className="min-w-0">
          {s.parentIds.length === 0 ? (
            <span className="text-slate-500">none ({parentlessOrigin(s.operator)})</span>
          ) : (
            <ul className="space-y-0.5">
              {s.parentIds.map((p, i) => (
                <li key={p + i}>
                  <button type="button" onClick={() => onInspect(p)} className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400" aria-label={`Inspect parent ${i + 1} ${p}`}>
                    {p.slice(0, 8)}…
                  </button>
                  {i === 0 && s.parentIds.length > 1 && <span className="ml-1 text-xs text-slate-400">{s.selection?.crossover ? "(parent A)" : "(mutated)"}</span>}
                  {i === 1 && s.selection?.crossover && <span className="ml-1 text-xs text-slate-400">(parent B)</span>}
                  {parentChoiceLabel(s.selection, i) && (
                    <span className="ml-1 text-xs text-slate-500 dark:text-slate-400" data-testid="parent-choice">
                      chosen by {parentChoiceLabel(s.selection, i)}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {!ancestor && (
        <button type="button" className={buttonClass} onClick={onShowLineage} aria-expanded={lineageOpen}>
          {lineageOpen ? "Hide lineage" : "Show lineage"}
        </button>
      )}
      {metrics.length > 0 && (
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Metrics</h3>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="elite-metrics">
            {metrics.map(([k, v]) => (
              <Row key={k} label={k} value={typeof v === "number" ? fmtNum(v, 5) : JSON.stringify(v)} mono />
            ))}
          </dl>
        </div>
      )}
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Genome</h3>
        {vector && s.genomeKind === "vector" ? (
          <GenomeBars values={vector} />
        ) : (
          <a href="#genome" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
            {KIND_LABEL[s.genomeKind] ?? "Genome"}, diff vs parent{s.prompt ? ", prompt and reply" : ""}: below ↓
          </a>
        )}
      </div>
      {(s.error || s.logs) && (
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{s.logs && !s.error ? "Logs" : "Evaluation"}</h3>
          {s.error && <pre className="overflow-auto whitespace-pre-wrap break-words rounded-md bg-rose-50 p-2 text-xs text-rose-800 dark:bg-rose-950/50 dark:text-rose-200">{s.error}</pre>}
          {s.logs && (
            <pre className="mt-1 max-h-40 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs dark:bg-slate-950" data-testid="elite-logs">
              {s.logs}
            </pre>
          )}
        </div>
      )}
      <p className="break-all font-mono text-[11px] text-slate-400">id {s.id}</p>
    </div>
  );
});

const fmtMs = (ms: number) => (ms >= 1000 ? `${fmtNum(ms / 1000)} s` : `${fmtNum(ms)} ms`);

function Row({ label, value, mono, testId }: { label: string; value: string; mono?: boolean; testId?: string }) {
  return (
    <>
      <dt className={`truncate text-slate-500 dark:text-slate-400 ${mono ? "font-mono text-xs leading-5" : ""}`} title={label}>
        {label}
      </dt>
      <dd className="min-w-0 break-words tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </>
  );
}

function GridGlyph() {
  return (
    <svg width="40" height="40" viewBox="0 0 30 30" aria-hidden="true">
      {Array.from({ length: 9 }, (_, i) => (
        <rect key={i} x={(i % 3) * 10 + 1} y={Math.floor(i / 3) * 10 + 1} width="8" height="8" rx="1.5" className={i === 4 ? "fill-indigo-500" : "fill-slate-200 dark:fill-slate-700"} />
      ))}
    </svg>
  );
}
