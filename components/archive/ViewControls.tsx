"use client";
/** Axis choice for archives of three or more descriptors: x, y, and fold (best over the rest) or slice. */
import type { ViewSpec } from "./store";

interface Props {
  names: string[];
  bins: number[] | null;
  view: ViewSpec;
  onChange(view: ViewSpec): void;
}

const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

export function ViewControls({ names, bins, view, onChange }: Props) {
  if (names.length < 2) return null;
  const others = names.map((_, d) => d).filter((d) => d !== view.x && d !== view.y);
  const setAxis = (axis: "x" | "y", d: number) => {
    const other = axis === "x" ? view.y : view.x;
    if (d === other) onChange({ ...view, x: view.y, y: view.x });
    else onChange({ ...view, [axis]: d });
  };
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      {(["x", "y"] as const).map((axis) => (
        <label key={axis} className="flex items-center gap-2">
          <span className="text-slate-600 dark:text-slate-400">{axis.toUpperCase()} axis</span>
          <select className={select} value={view[axis]} onChange={(e) => setAxis(axis, +e.target.value)}>
            {names.map((n, d) => (
              <option key={d} value={d}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ))}
      {others.length > 0 && bins && (
        <>
          <fieldset className="flex items-center gap-2">
            <legend className="sr-only">Other descriptors</legend>
            <span className="text-slate-600 dark:text-slate-400">Others</span>
            {(["fold", "slice"] as const).map((m) => (
              <label key={m} className="flex items-center gap-1">
                <input type="radio" name="grid-mode" checked={view.mode === m} onChange={() => onChange({ ...view, mode: m })} />
                {m === "fold" ? "best over them" : "slice"}
              </label>
            ))}
          </fieldset>
          {view.mode === "slice" &&
            others.map((d) => (
              <label key={d} className="flex items-center gap-2">
                <span className="text-slate-600 dark:text-slate-400">
                  {names[d]} bin
                </span>
                <input
                  type="range"
                  min={0}
                  max={bins[d]! - 1}
                  value={view.slice[d] ?? 0}
                  onChange={(e) => {
                    const slice = [...view.slice];
                    slice[d] = +e.target.value;
                    onChange({ ...view, slice });
                  }}
                />
                <span className="w-8 tabular-nums">{view.slice[d] ?? 0}</span>
              </label>
            ))}
        </>
      )}
    </div>
  );
}
