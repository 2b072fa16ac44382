"use client";
/**
 * A child genome against its parent (jsdiff): programs and JSON line by line, with old/new line
 * numbers and long unchanged stretches folded; texts word by word, inline.
 */
import { memo, useMemo, useState } from "react";
import { diffWordsWithSpace } from "diff";
import { fold, toLines, type Line } from "./diff-lines";

interface Props {
  parent: string;
  child: string;
  /** "lines" for code and JSON, "words" for prose. */
  by: "lines" | "words";
  /** What `parent` is to the child, for the header ("the parent"; a duplicate's diff is against the original it repeats). */
  against?: { name: string; identical: string };
}

const PARENT = { name: "the parent", identical: "Identical to its parent." };

const ROW_CLASS: Record<Line["kind"], string> = {
  add: "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/60 dark:text-emerald-100",
  del: "bg-rose-50 text-rose-900 dark:bg-rose-950/60 dark:text-rose-100",
  same: "text-slate-700 dark:text-slate-300",
};
const SIGN: Record<Line["kind"], string> = { add: "+", del: "−", same: " " };

export const DiffView = memo(function DiffView({ parent, child, by, against = PARENT }: Props) {
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set());
  const lines = useMemo(() => (by === "lines" ? toLines(parent, child) : []), [parent, child, by]);
  const rows = useMemo(() => fold(lines), [lines]);
  const words = useMemo(() => (by === "words" ? diffWordsWithSpace(parent, child) : []), [parent, child, by]);

  if (by === "words") {
    const added = words.filter((w) => w.added).length;
    const removed = words.filter((w) => w.removed).length;
    return (
      <div data-testid="genome-diff">
        <DiffStats added={added} removed={removed} unit="change" same={parent === child} against={against} />
        <p className="whitespace-pre-wrap break-words rounded-md border border-slate-200 p-3 text-sm leading-6 dark:border-slate-800">
          {words.map((w, i) =>
            w.added ? (
              <ins key={i} className="rounded-sm bg-emerald-100 text-emerald-900 no-underline dark:bg-emerald-900/60 dark:text-emerald-100">
                {w.value}
              </ins>
            ) : w.removed ? (
              <del key={i} className="rounded-sm bg-rose-100 text-rose-900 dark:bg-rose-900/60 dark:text-rose-100">
                {w.value}
              </del>
            ) : (
              <span key={i}>{w.value}</span>
            ),
          )}
        </p>
      </div>
    );
  }

  const added = lines.filter((l) => l.kind === "add").length;
  const removed = lines.filter((l) => l.kind === "del").length;
  return (
    <div data-testid="genome-diff">
      <DiffStats added={added} removed={removed} unit="line" same={parent === child} against={against} />
      <div className="max-h-[560px] overflow-auto rounded-md border border-slate-200 dark:border-slate-800">
        <table className="w-full border-collapse font-mono text-xs leading-5">
          <caption className="sr-only">
            Changes from the parent: {added} lines added, {removed} removed
          </caption>
          <tbody>
            {rows.flatMap((r, i) => {
              if (r.kind === "fold") {
                if (!expanded.has(r.from)) {
                  return [
                    <tr key={`f${r.from}`} className="bg-slate-50 dark:bg-slate-900">
                      <td colSpan={4} className="px-2 py-0.5">
                        <button type="button" className="text-[11px] text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => setExpanded((s) => new Set(s).add(r.from))}>
                          ⋯ {r.count} unchanged lines
                        </button>
                      </td>
                    </tr>,
                  ];
                }
                return lines.slice(r.from, r.from + r.count).map((l, k) => <DiffLine key={`e${r.from}-${k}`} line={l} />);
              }
              return [<DiffLine key={i} line={r} />];
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
});

function DiffLine({ line: l }: { line: Line }) {
  return (
    <tr className={ROW_CLASS[l.kind]} data-kind={l.kind}>
      <td className="w-8 select-none border-r border-slate-200 px-1.5 text-right text-slate-400 tabular-nums dark:border-slate-800 dark:text-slate-500">{l.oldNo ?? ""}</td>
      <td className="w-8 select-none border-r border-slate-200 px-1.5 text-right text-slate-400 tabular-nums dark:border-slate-800 dark:text-slate-500">{l.newNo ?? ""}</td>
      <td className={`w-4 select-none pl-1.5 pr-1 ${l.kind === "add" ? "text-emerald-700 dark:text-emerald-300" : l.kind === "del" ? "text-rose-700 dark:text-rose-300" : ""}`} aria-label={l.kind === "add" ? "added" : l.kind === "del" ? "removed" : undefined}>
        {SIGN[l.kind]}
      </td>
      <td className="whitespace-pre pr-3">{l.text || " "}</td>
    </tr>
  );
}

function DiffStats({ added, removed, unit, same, against }: { added: number; removed: number; unit: string; same: boolean; against: { name: string; identical: string } }) {
  return (
    <p className="mb-2 text-xs text-slate-600 tabular-nums dark:text-slate-400" data-testid="diff-stats">
      {same ? (
        against.identical
      ) : (
        <>
          <span className="font-medium text-emerald-700 dark:text-emerald-300">
            +{added} {unit}
            {added === 1 ? "" : "s"}
          </span>{" "}
          <span className="font-medium text-rose-700 dark:text-rose-300">
            −{removed} {unit}
            {removed === 1 ? "" : "s"}
          </span>{" "}
          against {against.name}
        </>
      )}
    </p>
  );
}
