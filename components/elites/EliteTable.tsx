"use client";
/**
 * Every elite of the archive as a table: sortable columns, filters (fitness range, operator, model,
 * brushed descriptor ranges), pages from the server. Selecting a row selects its cell, so the elite
 * panel next to the grid shows it. Rows are keyboard-reachable (Tab, ↑/↓, Enter).
 */
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { cssColor } from "@/components/archive/colors";
import { fmtDate, fmtInt, fmtNum, fmtUsd } from "@/components/lib/format";
import type { ElitePage, EliteQuery, EliteSort } from "@/components/lib/use-elite-table";
import { buttonClass } from "@/components/ui/Card";

interface Props {
  page: ElitePage | null;
  query: EliteQuery;
  onQueryChange(q: EliteQuery): void;
  names: string[];
  /** Number of filled cells (to say "filtered from N"). */
  archiveSize: number;
  /** Fitness colour scale of the grid, so a row's swatch matches its cell. */
  min: number;
  max: number;
  selectedCell: number | null;
  onSelect(cell: number): void;
  loading: boolean;
  error: string | null;
}

const PAGE_SIZES = [25, 50, 100, 200];
const input = "w-24 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm tabular-nums dark:border-slate-700 dark:bg-slate-900";
const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/** A number box that commits on Enter, blur or a pause in typing (not on every key). */
function NumberFilter({ label, value, onCommit }: { label: string; value: number | null; onCommit(v: number | null): void }) {
  const [text, setText] = useState(value == null ? "" : String(value));
  useEffect(() => setText(value == null ? "" : String(value)), [value]);
  const parsed = text.trim() === "" ? null : Number(text);
  const valid = parsed === null || Number.isFinite(parsed);
  const commit = () => valid && parsed !== value && onCommit(parsed);
  useEffect(() => {
    if (!valid || parsed === value) return;
    const t = setTimeout(() => onCommit(parsed), 500);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <label className="flex items-center gap-1.5">
      <span className="text-slate-600 dark:text-slate-400">{label}</span>
      <input
        type="number"
        step="any"
        inputMode="decimal"
        className={`${input} ${valid ? "" : "border-rose-500"}`}
        aria-invalid={!valid}
        value={text}
        placeholder="any"
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
    </label>
  );
}

export const EliteTable = memo(function EliteTable({ page, query, onQueryChange, names, archiveSize, min, max, selectedCell, onSelect, loading, error }: Props) {
  const body = useRef<HTMLTableSectionElement>(null);
  const set = (patch: Partial<EliteQuery>) => onQueryChange({ ...query, offset: 0, ...patch });
  const sortBy = (key: EliteSort) => set({ sort: key, order: query.sort === key ? (query.order === "desc" ? "asc" : "desc") : key === "fitness" || key === "createdAt" ? "desc" : "asc" });
  const filtered = query.fitnessMin != null || query.fitnessMax != null || query.operator != null || query.model != null || query.ranges.length > 0;
  const total = page?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / query.limit));
  const current = Math.floor(query.offset / query.limit) + 1;
  const goto = (p: number) => onQueryChange({ ...query, offset: (Math.min(Math.max(p, 1), pages) - 1) * query.limit });
  const models = page?.facets.model ?? [];
  const withModel = models.length > 0;
  const withCost = page?.elites.some((r) => r.costUsd != null && r.costUsd > 0) ?? false;
  const withVerified = page?.elites.some((r) => r.verified != null) ?? false;

  const columns: { key: EliteSort | null; label: string; numeric?: boolean }[] = [
    { key: "cell", label: "Cell", numeric: true },
    { key: "fitness", label: "Fitness", numeric: true },
    ...names.map((n, i) => ({ key: `d${i}` as EliteSort, label: n, numeric: true })),
    { key: "operator", label: "Operator" },
    ...(withModel ? [{ key: "model" as EliteSort, label: "Model" }] : []),
    ...(withCost ? [{ key: null, label: "Cost", numeric: true }] : []),
    ...(withVerified ? [{ key: null, label: "Verified" }] : []),
    { key: "createdAt", label: "Created" },
  ];

  /** ↑/↓ move between rows, Home/End to the ends, Enter/Space selects. */
  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, cell: number) => {
    const row = e.currentTarget;
    const move = (el: Element | null | undefined) => el instanceof HTMLElement && (e.preventDefault(), el.focus());
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onSelect(cell);
    } else if (e.key === "ArrowDown") move(row.nextElementSibling);
    else if (e.key === "ArrowUp") move(row.previousElementSibling);
    else if (e.key === "Home") move(body.current?.firstElementChild);
    else if (e.key === "End") move(body.current?.lastElementChild);
  };

  // The live archive re-renders this table every frame (min, max and archiveSize move): the rows (50–200
  // of them, each with formatted numbers) are rebuilt only with their page, the selection or the columns.
  // Swatches use the archive's colour range as of the page's arrival, which moves with every refetch.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const colorRange = useMemo(() => ({ min, max }), [page]);
  const rows = useMemo(
    () =>
      page?.elites.map((r, i) => {
        const on = r.cell === selectedCell;
        return (
          <tr
            key={r.cell}
            tabIndex={0}
            aria-rowindex={query.offset + i + 2}
            aria-selected={on}
            data-cell={r.cell}
            onClick={() => onSelect(r.cell)}
            onKeyDown={(e) => onRowKey(e, r.cell)}
            className={`cursor-pointer tabular-nums outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500 ${on ? "bg-indigo-50 dark:bg-indigo-950/50" : "hover:bg-slate-50 dark:hover:bg-slate-800/40"}`}
          >
            <td className="px-3 py-1.5 text-right text-slate-500 dark:text-slate-400">{r.cell}</td>
            <td className="whitespace-nowrap px-3 py-1.5 text-right font-medium">
              <span className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: cssColor(r.fitness, colorRange.min, colorRange.max) }} aria-hidden="true" />
              {fmtNum(r.fitness, 4)}
            </td>
            {names.map((_, k) => (
              <td key={k} className="px-3 py-1.5 text-right">
                {fmtNum(r.descriptors[k])}
              </td>
            ))}
            <td className="max-w-48 truncate px-3 py-1.5 font-mono text-xs" title={r.operator}>
              {r.operator}
            </td>
            {withModel && (
              <td className="max-w-40 truncate px-3 py-1.5 font-mono text-xs" title={r.model ?? undefined}>
                {r.model ?? "—"}
              </td>
            )}
            {withCost && <td className="px-3 py-1.5 text-right text-xs">{fmtUsd(r.costUsd)}</td>}
            {withVerified && (
              <td className="whitespace-nowrap px-3 py-1.5 text-xs" title={r.fitnessSpread != null ? `re-evaluations spread ${fmtNum(r.fitnessSpread, 4)}` : undefined} data-testid="elite-verified">
                {r.verified == null ? "—" : r.verified ? "✓ verified" : "✗ spread " + fmtNum(r.fitnessSpread, 3)}
              </td>
            )}
            <td className="whitespace-nowrap px-3 py-1.5 text-xs text-slate-600 dark:text-slate-400">{fmtDate(r.createdAt)}</td>
          </tr>
        );
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [page, selectedCell, names, colorRange, query.offset, withModel, withCost, withVerified, onSelect],
  );

  return (
    <div className="space-y-3" data-testid="elite-table">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" role="group" aria-label="Filter elites">
        <NumberFilter label="Fitness ≥" value={query.fitnessMin} onCommit={(v) => set({ fitnessMin: v })} />
        <NumberFilter label="≤" value={query.fitnessMax} onCommit={(v) => set({ fitnessMax: v })} />
        <label className="flex items-center gap-1.5">
          <span className="text-slate-600 dark:text-slate-400">Operator</span>
          <select className={select} value={query.operator ?? ""} onChange={(e) => set({ operator: e.target.value || null })}>
            <option value="">all</option>
            {page?.facets.operator.map((f) => (
              <option key={f.value} value={f.value}>
                {f.value} ({fmtInt(f.count)})
              </option>
            ))}
          </select>
        </label>
        {withModel && (
          <label className="flex items-center gap-1.5">
            <span className="text-slate-600 dark:text-slate-400">Model</span>
            <select className={select} value={query.model ?? ""} onChange={(e) => set({ model: e.target.value || null })}>
              <option value="">all</option>
              {models.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.value} ({fmtInt(f.count)})
                </option>
              ))}
            </select>
          </label>
        )}
        {query.ranges.map((r) => (
          <span key={r.index} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 text-xs text-indigo-800 dark:bg-indigo-950/60 dark:text-indigo-200" data-testid="range-chip">
            {names[r.index] ?? `d${r.index}`} ∈ [{fmtNum(r.min)}, {fmtNum(r.max)}]
            <button type="button" className="rounded-full px-1 hover:bg-indigo-100 dark:hover:bg-indigo-900" aria-label={`Remove the ${names[r.index] ?? r.index} range`} onClick={() => set({ ranges: query.ranges.filter((x) => x.index !== r.index) })}>
              ×
            </button>
          </span>
        ))}
        {filtered && (
          <button type="button" className="text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => set({ fitnessMin: null, fitnessMax: null, operator: null, model: null, ranges: [] })}>
            Clear filters
          </button>
        )}
      </div>

      {error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          Could not load the elites: {error}
        </p>
      )}

      <div className={`max-h-[520px] overflow-auto rounded-lg border border-slate-200 dark:border-slate-800 ${loading ? "opacity-70" : ""}`} aria-busy={loading}>
        <table className="w-full text-left text-sm" aria-label="Elites" aria-rowcount={total + 1}>
          <thead className="sticky top-0 z-10 bg-slate-50 text-xs text-slate-500 dark:bg-slate-900 dark:text-slate-400">
            <tr>
              {columns.map((c) => {
                const active = c.key != null && query.sort === c.key;
                return (
                  <th key={c.label} scope="col" aria-sort={active ? (query.order === "asc" ? "ascending" : "descending") : undefined} className={`whitespace-nowrap border-b border-slate-200 px-3 py-2 font-medium dark:border-slate-800 ${c.numeric ? "text-right" : ""}`}>
                    {c.key ? (
                      <button type="button" onClick={() => sortBy(c.key!)} className={`inline-flex items-center gap-1 rounded hover:text-slate-900 dark:hover:text-white ${active ? "text-slate-900 dark:text-white" : ""}`} title={`Sort by ${c.label}`}>
                        {c.label}
                        <span aria-hidden="true" className={active ? "" : "opacity-30"}>
                          {active && query.order === "asc" ? "▲" : "▼"}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody ref={body} className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows}
          </tbody>
        </table>
        {page && page.elites.length === 0 && <p className="px-3 py-8 text-center text-sm text-slate-500 dark:text-slate-400">{filtered ? "No elite matches these filters." : "The archive is empty so far."}</p>}
        {!page && !error && <p className="px-3 py-8 text-center text-sm text-slate-500 dark:text-slate-400">Loading elites…</p>}
      </div>

      <nav className="flex flex-wrap items-center justify-between gap-3 text-xs text-slate-600 dark:text-slate-400" aria-label="Elite pages">
        <span className="tabular-nums" data-testid="elite-table-range">
          {total ? `${fmtInt(query.offset + 1)}–${fmtInt(Math.min(query.offset + query.limit, total))} of ${fmtInt(total)} elites` : "0 elites"}
          {filtered && ` (filtered from ${fmtInt(archiveSize)})`}
        </span>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-1.5">
            Rows
            <select className={select} value={query.limit} onChange={(e) => set({ limit: Number(e.target.value) })}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className={buttonClass} onClick={() => goto(1)} disabled={current <= 1} aria-label="First page">
            «
          </button>
          <button type="button" className={buttonClass} onClick={() => goto(current - 1)} disabled={current <= 1}>
            Previous
          </button>
          <span className="tabular-nums">
            Page {fmtInt(current)} of {fmtInt(pages)}
          </span>
          <button type="button" className={buttonClass} onClick={() => goto(current + 1)} disabled={current >= pages}>
            Next
          </button>
          <button type="button" className={buttonClass} onClick={() => goto(pages)} disabled={current >= pages} aria-label="Last page">
            »
          </button>
        </div>
      </nav>
    </div>
  );
});
