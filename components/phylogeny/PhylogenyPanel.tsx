"use client";
/**
 * The phylogeny panel: every stored solution that leads to a current elite, from the seeds down, with
 * colour (fitness or cell), a filter to one elite's ancestry (and to one island, when the run has
 * islands), and the selected node in words. Takes its data as props; opening a node is the caller's job
 * (the experiment page shows it in the elite panel with its diff to the parent).
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ancestryMask, countAt, islandMask, type PhyloData } from "./data";
import { layoutPhylogeny, wholeLayout } from "./layout";
import { NodeSummary, PhylogenyCanvas, type ColorBy } from "./PhylogenyCanvas";

interface Props {
  data: PhyloData;
  /** Total nodes on the server (more than data.n when the download was capped). */
  total?: number;
  /** The solution id of the elite selected elsewhere (grid, table): the ancestry filter follows it. */
  focusSolutionId?: string | null;
  /** Archive replay: ms since the epoch; nodes created later are faded. */
  timeCursor?: number | null;
  onOpen(solutionId: string): void;
  height?: number;
}

const btn = (on: boolean) =>
  `rounded px-2 py-0.5 text-xs font-medium outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${on ? "bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-slate-50" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"}`;

export const PhylogenyPanel = memo(function PhylogenyPanel({ data, total, focusSolutionId = null, timeCursor = null, onOpen, height }: Props) {
  const [colorBy, setColorBy] = useState<ColorBy>("fitness");
  const [onlyFocus, setOnlyFocus] = useState(false);
  const [island, setIsland] = useState<number | null>(null);
  // By id: a live reload renumbers the nodes, the selection stays on the same solution.
  const [selectedId, setSelectedId] = useState<string | null>(null);

  // A scan per changed id, not a Map of every id: building one for 100,000 nodes was part of the long task of opening the tree.
  const indexOf = (sid: string | null) => {
    const i = sid != null ? data.ids.indexOf(sid) : -1;
    return i >= 0 ? i : null;
  };
  const selected = useMemo(() => indexOf(selectedId), [data, selectedId]); // eslint-disable-line react-hooks/exhaustive-deps
  const setSelected = useCallback((i: number | null) => setSelectedId(i == null ? null : (data.ids[i] ?? null)), [data]);
  const focus = useMemo(() => indexOf(focusSolutionId), [data, focusSolutionId]); // eslint-disable-line react-hooks/exhaustive-deps
  const filtering = onlyFocus && focus != null;
  const islands = useMemo(() => (data.island ? [...new Set(data.island)].filter((v) => v >= 0).sort((a, b) => a - b) : []), [data]);

  const mask = useMemo(() => {
    let m: Uint8Array | undefined = filtering ? ancestryMask(data, focus!) : undefined;
    if (island != null && data.island) {
      const im = islandMask(data, island);
      if (m) for (let i = 0; i < data.n; i++) m[i]! &= im[i]!;
      else m = im;
    }
    return m;
  }, [data, filtering, focus, island]);

  const layout = useMemo(() => {
    const t0 = performance.now();
    const l = mask ? layoutPhylogeny(data, mask) : wholeLayout(data);
    if (typeof window !== "undefined") (window as unknown as { __qdPhyloLayoutMs?: number }).__qdPhyloLayoutMs = performance.now() - t0;
    return l;
  }, [data, mask]);

  // Outline the selected node's ancestry (cheap: a walk over its ancestors only).
  const highlight = useMemo(() => (selected != null && !filtering ? ancestryMask(data, selected) : null), [data, selected, filtering]);
  // The replay's moment reaches the tree at most every 250 ms: fading 100,000 nodes is a full render, and
  // the grid (which must keep up with the slider) should not wait for it.
  const [lagged, setLagged] = useState(timeCursor);
  const lastLag = useRef(0);
  useEffect(() => {
    const t = setTimeout(() => {
      lastLag.current = Date.now();
      setLagged(timeCursor);
    }, Math.max(0, 250 - (Date.now() - lastLag.current)));
    return () => clearTimeout(t);
  }, [timeCursor]);
  const timeCount = useMemo(() => (lagged != null ? countAt(data, lagged) : null), [data, lagged]);
  const sel = selected != null && selected < data.n && layout.x[selected] === layout.x[selected] ? selected : null;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3 text-xs">
        <div className="flex flex-wrap items-center gap-3">
          <div role="group" aria-label="Colour nodes by" className="inline-flex rounded-md bg-slate-100 p-0.5 dark:bg-slate-800">
            <button type="button" className={btn(colorBy === "fitness")} aria-pressed={colorBy === "fitness"} onClick={() => setColorBy("fitness")}>
              Fitness
            </button>
            <button type="button" className={btn(colorBy === "cell")} aria-pressed={colorBy === "cell"} onClick={() => setColorBy("cell")}>
              Cell
            </button>
          </div>
          <label className={`inline-flex items-center gap-1.5 ${focus == null ? "text-slate-400 dark:text-slate-500" : "text-slate-700 dark:text-slate-300"}`}>
            <input type="checkbox" checked={filtering} disabled={focus == null} onChange={(e) => setOnlyFocus(e.target.checked)} className="accent-indigo-600" />
            Only the selected elite&apos;s ancestry
          </label>
          {islands.length > 0 && (
            <label className="inline-flex items-center gap-1.5 text-slate-700 dark:text-slate-300">
              Island
              <select value={island ?? ""} onChange={(e) => setIsland(e.target.value === "" ? null : Number(e.target.value))} className="rounded border border-slate-300 bg-white px-1 py-0.5 dark:border-slate-600 dark:bg-slate-900">
                <option value="">all</option>
                {islands.map((i) => (
                  <option key={i} value={i}>
                    {i}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <span className="tabular-nums text-slate-500 dark:text-slate-400" data-testid="phylogeny-count">
          {layout.count.toLocaleString("en-US")} solutions · {layout.maxDepth.toLocaleString("en-US")} generations
          {total != null && total > data.n ? ` · first ${data.n.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}` : ""}
          {timeCount != null ? ` · ${timeCount.toLocaleString("en-US")} existed then` : ""}
        </span>
      </div>
      <PhylogenyCanvas data={data} layout={layout} colorBy={colorBy} selected={sel} highlight={highlight} timeCount={timeCount} onSelect={setSelected} onOpen={(i) => onOpen(data.ids[i]!)} height={height} fitKey={`${filtering ? focusSolutionId : ""}:${island ?? ""}`} />
      <div className="flex flex-wrap items-start justify-between gap-3 text-xs text-slate-500 dark:text-slate-400">
        <p>
          Seeds at the top, one row per generation. <span className="text-slate-400">━</span> first parent, <span className="text-orange-600 dark:text-orange-400">━</span> second parent (crossover; iso-line&apos;s line direction). Orange squares: the selected node&apos;s ancestry. Drag or use the arrow keys to pan, wheel or +/− to zoom, 0 to fit; click a node to open it.
        </p>
        {sel != null && (
          <div className="rounded-md border border-slate-200 px-2.5 py-1.5 dark:border-slate-700" data-testid="phylogeny-selected">
            <NodeSummary data={data} node={sel} depth={layout.depth[sel]!} />
            <button type="button" className="mt-1 font-medium text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => onOpen(data.ids[sel]!)}>
              Open with its diff to the parent
            </button>
          </div>
        )}
      </div>
    </div>
  );
});
