"use client";
/** The hover card of the grid: cell, descriptor values (or the cell's box) and fitness. */
import { fmtNum } from "@/components/lib/format";
import type { ArchiveStore } from "./store";

interface Props {
  store: ArchiveStore;
  cell: number;
  x: number;
  y: number;
  containerWidth: number;
}

export function GridTooltip({ store, cell, x, y, containerWidth }: Props) {
  const f = store.fitness[cell]!;
  const empty = f !== f;
  const bounds = store.cellBounds(cell);
  const left = x + 14 + 220 > containerWidth ? x - 14 - 220 : x + 14;
  return (
    <div
      role="tooltip"
      className="pointer-events-none absolute z-10 w-[220px] rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900/95"
      style={{ left: Math.max(0, left), top: Math.max(0, y - 12) }}
    >
      <div className="flex items-baseline justify-between">
        <span className="font-medium">Cell {cell.toLocaleString("en-US")}</span>
        <span className={empty ? "text-slate-400" : "font-semibold tabular-nums"}>{empty ? "empty" : `fitness ${fmtNum(f, 4)}`}</span>
      </div>
      <dl className="mt-1 space-y-0.5 text-slate-600 dark:text-slate-400">
        {store.names.map((name, d) => {
          const v = store.descriptors[cell * store.dim + d]!;
          const b = bounds[d];
          return (
            <div key={d} className="flex justify-between gap-2">
              <dt className="truncate">{name}</dt>
              <dd className="tabular-nums">
                {!empty && v === v ? fmtNum(v, 4) : b ? (b.lo === b.hi ? fmtNum(b.lo, 4) : `${fmtNum(b.lo)} – ${fmtNum(b.hi)}`) : "—"}
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}
