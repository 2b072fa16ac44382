"use client";
/**
 * The experiment page: header, metrics, the live elite grid, the elite panel,
 * lineage, curves and the queue. Holds the run's live state; children draw it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { api, endpoints, fetchArchive, fetchSnapshots, normalizeArchive, normalizeExperiment, normalizeLineage, normalizeSolution, ApiError } from "@/components/lib/api";
import { decodeF32, decodeF64, decodeI32 } from "@/components/lib/codec";
import type { ExperimentSummary, InitialData, LineageNode, Snapshot, SolutionDetail } from "@/components/lib/types";
import { ArchiveStore, defaultView, type ViewSpec } from "@/components/archive/store";
import { EliteGrid } from "@/components/archive/EliteGrid";
import { ColorLegend } from "@/components/archive/ColorLegend";
import { ViewControls } from "@/components/archive/ViewControls";
import { IslandPicker } from "@/components/archive/IslandPicker";
import { ElitePanel } from "@/components/elite/ElitePanel";
import { GenomeView, KIND_LABEL } from "@/components/elite/GenomeView";
import { LineageTree } from "@/components/lineage/LineageTree";
import { MetricCurves } from "@/components/charts/MetricCurves";
import { QueuePanel } from "@/components/queue/QueuePanel";
import { Card } from "@/components/ui/Card";
import { ExperimentHeader } from "./ExperimentHeader";
import { KpiRow } from "./KpiRow";
import { RunNotes } from "./RunNotes";
import { useLiveEvents, type LiveFrame } from "./use-live";
import { useEvaluations } from "@/components/evaluations/use-evaluations";
import { FailuresPanel } from "@/components/evaluations/FailuresPanel";
import { DuplicatesPanel } from "@/components/evaluations/DuplicatesPanel";
import { MetricKeysPanel } from "@/components/evaluations/MetricKeysPanel";
import { EliteTable } from "@/components/elites/EliteTable";
import { ParallelCoordinates } from "@/components/descriptors/ParallelCoordinates";
import { Scatter3D } from "@/components/descriptors/Scatter3D";
import { countInRanges, filteredStore } from "@/components/archive/filter";
import { BudgetPanel } from "@/components/budget/BudgetPanel";
import { useBudget } from "@/components/lib/use-budget";
import { ModelsPanel } from "@/components/models/ModelsPanel";
import { SearchArchivePanel, useSearchArchive } from "@/components/search/SearchArchivePanel";
import { useModels } from "@/components/lib/use-models";
import { PromptsPanel } from "@/components/prompts/PromptsPanel";
import { usePrompts } from "@/components/lib/use-prompts";
import type { DescriptorRange } from "@/components/lib/use-elite-table";
import { defaultEliteQuery, useEliteTable, type EliteQuery } from "@/components/lib/use-elite-table";
import { PhylogenyPanel } from "@/components/phylogeny/PhylogenyPanel";
import { usePhylogeny } from "@/components/phylogeny/use-phylogeny";
import { ReplayControls } from "@/components/history/ReplayControls";
import { useArchiveHistory } from "@/components/history/use-history";
import { evaluationsAt } from "@/components/history/replay";
import { buttonClass } from "@/components/ui/Card";

declare global {
  interface Window {
    /** Bench hook: ms per replay seek (the archive state only; the grid's draw is in __qdGrid.draws). */
    __qdReplay?: { seeks: number[]; length: number; seek(k: number): void };
  }
}

/** Domains whose candidates are scored by the user's evaluator (which may fail, and may report metrics). */
const USER_EVALUATED = new Set(["command", "webhook", "javascript", "external", "program"]);

const ACTIVE = new Set(["running", "queued", "paused"]);

/** Runs whose candidates come from an LLM: they spend tokens and money. */
export const isLlmRun = (e: { emitterType: string; usage: { costUsd: number; promptTokens: number } }) => e.emitterType === "llm" || e.usage.costUsd > 0 || e.usage.promptTokens > 0;

export function ExperimentView({ initial, initialCell }: { initial: InitialData; initialCell: number | null }) {
  const id = initial.experiment.id;
  const [experiment, setExperiment] = useState<ExperimentSummary>(initial.experiment);
  const store = useMemo(() => {
    const a = initial.archive;
    return new ArchiveStore({
      cells: a.cells,
      geometry: a.geometry,
      descriptorNames: a.names,
      cell: decodeI32(a.cell),
      fitness: decodeF64(a.fitness),
      descriptors: Float64Array.from(decodeF32(a.descriptors)),
      solutionIds: [],
    });
  }, [initial.archive]);
  const revision = useRef(initial.archive.revision);
  const [version, setVersion] = useState(store.version);
  const [view, setView] = useState<ViewSpec>(() => defaultView(store.dim));
  const [snapshots, setSnapshots] = useState<Snapshot[]>(initial.snapshots);
  const [live, setLive] = useState(false);

  const [selected, setSelected] = useState<number | null>(initialCell);
  const [elite, setElite] = useState<SolutionDetail | null>(null);
  const [eliteError, setEliteError] = useState<string | null>(null);
  const [eliteLoading, setEliteLoading] = useState(false);
  const [inspected, setInspected] = useState<SolutionDetail | null>(null);
  const [lineageOpen, setLineageOpen] = useState(false);
  const [lineage, setLineage] = useState<{ steps: LineageNode[]; complete: boolean } | null>(null);

  const running = experiment.status === "running" || experiment.status === "queued";

  // ---- islands: the grid shows the union (the experiment's archive) or one island's archive ----
  const [island, setIsland] = useState<number | null>(null);
  const [islandStore, setIslandStore] = useState<ArchiveStore | null>(null);
  const hasIslands = experiment.islands != null;
  useEffect(() => {
    if (!hasIslands) return;
    let stop = false;
    const load = async () => {
      try {
        const fresh = normalizeExperiment(await api(endpoints.experiment(id)));
        if (!stop) setExperiment((e) => ({ ...e, islands: fresh.islands }));
        if (island == null) return;
        const b = await fetchArchive(id, { island });
        const p = normalizeArchive(b, { ranges: store.geometry.ranges, dims: store.geometry.type === "grid" ? store.geometry.dims : [], names: store.names });
        if (!stop) setIslandStore(new ArchiveStore(p));
      } catch {
        /* next tick */
      }
    };
    void load();
    if (!running) return () => void (stop = true);
    const t = setInterval(() => void load(), 3000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [hasIslands, island, running, id, store]);
  const chooseIsland = useCallback((k: number | null) => {
    setIslandStore(null);
    setIsland(k);
  }, []);
  const islandStoreRef = useRef(islandStore);
  useEffect(() => {
    islandStoreRef.current = islandStore;
  }, [islandStore]);
  const islandReady = islandStore != null;
  /** The archive on screen: the union, or the chosen island's once loaded. */
  const shownStore = island != null && islandStore ? islandStore : store;

  // ---- the elite table (refetched, throttled, when the archive moves) ----
  const [eliteQuery, setEliteQuery] = useState<EliteQuery>(defaultEliteQuery);
  const eliteTable = useEliteTable(id, eliteQuery, version);
  // The parallel-coordinates brush: one filter for the grid and the table.
  const ranges = eliteQuery.ranges;
  const setRanges = useCallback((r: DescriptorRange[]) => setEliteQuery((q) => ({ ...q, ranges: r, offset: 0 })), []);
  // ---- the archive over time: a replay of its accepted writes drives the grid, the curves' cursor and the phylogeny ----
  const [replayOn, setReplayOn] = useState(false);
  const [phyloOpen, setPhyloOpen] = useState(false);
  const history = useArchiveHistory(id, replayOn, experiment.status);
  // While the run goes on, the open tree follows the archive (reloaded, throttled, when elites changed).
  const phylo = usePhylogeny(id, phyloOpen, experiment.status, running && !replayOn, version);
  const replay = replayOn ? (history.history?.replay ?? null) : null;
  const [replayPos, setReplayPos] = useState<number | null>(null);
  const seekReplay = useCallback(
    (k: number) => {
      if (!replay) return;
      const t0 = performance.now();
      replay.seek(k);
      const w = (window.__qdReplay ??= { seeks: [], length: 0, seek: () => {} });
      w.seeks.push(performance.now() - t0);
      if (w.seeks.length > 4000) w.seeks.splice(0, 2000);
      setReplayPos(replay.position);
    },
    [replay],
  );
  useEffect(() => {
    if (!replay) return setReplayPos(null);
    replay.seek(replay.length);
    setReplayPos(replay.position);
    const w = (window.__qdReplay ??= { seeks: [], length: 0, seek: () => {} });
    w.length = replay.length;
    w.seek = seekReplay;
  }, [replay, seekReplay]);
  const replayView = useMemo(
    () => (replay && replayPos != null ? (Object.create(store, { fitness: { value: replay.fitness }, filled: { value: replay.filled }, sum: { value: replay.sum } }) as ArchiveStore) : null),
    [replay, replayPos, store],
  );
  const replayTime = replay && replayPos != null && replay.length ? replay.timeAt(replayPos) : null;
  const replayEvaluations = replayTime != null && history.history ? evaluationsAt(history.history.snapshots, replayTime) : null;
  const exitReplay = useCallback(() => setReplayOn(false), []);
  const frameCanvas = useCallback(() => document.querySelector<HTMLCanvasElement>('[data-testid="elite-grid-canvas"]'), []);
  const replayEvaluationsAt = useCallback((k: number) => (replay && history.history ? evaluationsAt(history.history.snapshots, replay.timeAt(k)) : null), [replay, history.history]);
  const replayTimeAt = useCallback((k: number) => (replay ? replay.timeAt(k) : NaN), [replay]);

  // The replay is of the whole archive; without it the grid shows the chosen island's (or the whole) archive.
  const gridStore = useMemo(() => filteredStore(replayView ?? shownStore, ranges), [shownStore, version, ranges, replayView]); // eslint-disable-line react-hooks/exhaustive-deps
  const brushed = useMemo(() => (ranges.length ? countInRanges(store, ranges) : store.filled), [store, version, ranges]); // eslint-disable-line react-hooks/exhaustive-deps
  const budget = useBudget(id, running, experiment.status);
  const duplicateCount = Math.max(budget.report?.duplicates ?? 0, experiment.duplicates ?? 0);
  const models = useModels(id, experiment.emitterType === "llm", running, experiment.status);
  // Proximity / density runs: the search archive beside the result grid.
  const hasSearchArchive = experiment.archiveType === "proximity" || experiment.archiveType === "density";
  const searchArchive = useSearchArchive(id, hasSearchArchive, running, experiment.status);
  const evolvesPrompts = experiment.emitterType === "llm" && (experiment.config as { emitter?: { prompts?: { evolve?: boolean } } } | undefined)?.emitter?.prompts?.evolve === true;
  const prompts = usePrompts(id, evolvesPrompts, running, experiment.status);

  // ---- the user's evaluator: failures and metrics ----
  const userEvaluated = USER_EVALUATED.has(experiment.domainType);
  const withFailures = userEvaluated || experiment.failedEvaluations > 0;
  const onFailedCount = useCallback((n: number) => setExperiment((e) => (n > e.failedEvaluations ? { ...e, failedEvaluations: n } : e)), []);
  const evals = useEvaluations({
    id,
    active: running,
    withFailures,
    withKeys: userEvaluated,
    refreshKey: `${experiment.status}:${experiment.failedEvaluations}`,
    onFailedCount,
  });
  const metricUsedBy = useMemo(() => {
    const out: Record<string, string> = {};
    const rows = (experiment.config as { descriptors?: { name: string; metric?: string }[] }).descriptors ?? [];
    for (const r of rows) if (r.metric) out[r.metric] = r.name;
    return out;
  }, [experiment.config]);

  // ---- live updates ----
  const countersFromStore = useCallback(
    (e: ExperimentSummary, c: Partial<ExperimentSummary> = {}): ExperimentSummary => {
      const numElites = c.numElites ?? e.numElites;
      const qdScore = c.metrics?.qdScore ?? e.metrics.qdScore;
      return {
        ...e,
        ...c,
        numElites,
        metrics: {
          coverage: numElites / e.cells,
          qdScore,
          normQdScore: qdScore / e.cells,
          maxFitness: c.metrics?.maxFitness ?? e.metrics.maxFitness,
          meanFitness: store.filled ? store.sum / store.filled : e.metrics.meanFitness,
        },
      };
    },
    [store],
  );

  const router = useRouter();
  const onFrame = useCallback(
    (f: LiveFrame) => {
      // Auto-range bounds grew: reload the page's archive (new geometry, new cells) from the server.
      if (f.rebin) router.refresh();
      if (f.improved.length && store.apply(f.improved)) setVersion(store.version);
      if (f.snapshots.length) {
        setSnapshots((old) => mergeSnapshots(old, f.snapshots));
        const cost = f.snapshots.at(-1)!.costUsd;
        if (cost != null) setExperiment((e) => (cost > e.usage.costUsd ? { ...e, usage: { ...e.usage, costUsd: cost } } : e));
      }
      if (f.counters || f.status || f.hello) {
        setExperiment((e) => {
          let next = e;
          if (f.hello) next = { ...normalizeExperiment(f.hello), config: e.config };
          if (f.counters) {
            const c = f.counters;
            if ((c.evaluations ?? 0) >= next.evaluations)
              next = countersFromStore(next, {
                evaluations: c.evaluations,
                numElites: c.numElites,
                metrics: { ...next.metrics, qdScore: c.qdScore ?? next.metrics.qdScore, maxFitness: c.maxFitness ?? next.metrics.maxFitness },
              });
          }
          if (f.status) next = { ...next, status: f.status.status, statusReason: f.status.reason };
          return next;
        });
      }
      if (f.status && !ACTIVE.has(f.status.status)) void refreshAll();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, countersFromStore],
  );

  useLiveEvents(id, initial.lastEventId, onFrame, setLive);

  /** Exact descriptors and solution ids for cells changed since the last read. */
  const refreshArchive = useCallback(async () => {
    const b = await fetchArchive(id, { after: revision.current });
    const p = normalizeArchive(b, { ranges: store.geometry.ranges, dims: store.geometry.type === "grid" ? store.geometry.dims : [], names: store.names });
    const rev = Number((b as { elites?: { revision?: number } }).elites?.revision);
    if (Number.isFinite(rev)) revision.current = rev;
    if (p.cell.length) {
      store.merge(p);
      setVersion(store.version);
    }
  }, [id, store]);

  const refreshAll = useCallback(async () => {
    try {
      const [e] = await Promise.all([api(endpoints.experiment(id)), refreshArchive()]);
      setExperiment((old) => ({ ...normalizeExperiment(e), config: old.config }));
      const last = snapshotsRef.current.at(-1)?.evaluations ?? -1;
      const more = await fetchSnapshots(id, last);
      if (more.length) setSnapshots((old) => mergeSnapshots(old, more));
    } catch {
      /* next tick */
    }
  }, [id, refreshArchive]);

  const snapshotsRef = useRef(snapshots);
  useEffect(() => {
    snapshotsRef.current = snapshots;
  }, [snapshots]);

  // While running: pull exact elite rows now and then (SSE carries fitness only).
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void refreshArchive().catch(() => {}), 3000);
    return () => clearInterval(t);
  }, [running, refreshArchive]);

  // LLM runs: tokens and cost are not in the live batch events; read them with the experiment.
  const llm = isLlmRun(experiment);
  useEffect(() => {
    if (!running || !llm) return;
    const t = setInterval(() => {
      api(endpoints.experiment(id))
        .then((b) => {
          const fresh = normalizeExperiment(b);
          setExperiment((e) => (fresh.usage.costUsd >= e.usage.costUsd && fresh.usage.promptTokens >= e.usage.promptTokens ? { ...e, usage: fresh.usage } : e));
        })
        .catch(() => {});
    }, 2000);
    return () => clearInterval(t);
  }, [running, llm, id]);

  // ---- selection ----
  const select = useCallback((cell: number | null) => {
    setSelected(cell);
    setInspected(null);
    const url = new URL(window.location.href);
    if (cell == null) url.searchParams.delete("cell");
    else url.searchParams.set("cell", String(cell));
    window.history.replaceState(window.history.state, "", url);
  }, []);

  const loadElite = useCallback(
    async (cell: number, quiet = false) => {
      if (!quiet) setEliteLoading(true);
      try {
        // An island's view: that island's elite of the cell (it may differ from the union's).
        const isl = island != null ? islandStoreRef.current : null;
        const onIsland = isl ? isl.solutionIds.get(cell) : undefined;
        if (isl && !onIsland) throw new ApiError("empty on this island", 404);
        const s = normalizeSolution(await api(onIsland ? endpoints.solution(onIsland) : endpoints.elite(id, cell)));
        setElite(s);
        setEliteError(null);
      } catch (e) {
        setElite(null);
        setEliteError(
          e instanceof ApiError && e.status === 404
            ? island != null
              ? `This cell is empty on island ${island}.`
              : "This cell is empty: no solution has landed here yet."
            : (e as Error).message,
        );
      } finally {
        setEliteLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [id, island, islandReady],
  );

  useEffect(() => {
    setLineage(null);
    if (selected == null) {
      setElite(null);
      return;
    }
    setElite(null);
    void loadElite(selected);
  }, [selected, loadElite]);

  // The selected cell improved live: offer its new elite (swapping it under the reader's eyes would be jarring).
  const sf = selected != null ? shownStore.fitness[selected] : undefined;
  const newer = !inspected && elite?.fitness != null && sf !== undefined && sf === sf && sf > elite.fitness;

  const eliteId = elite?.id ?? null;
  useEffect(() => {
    if (!lineageOpen || !eliteId) return;
    let stop = false;
    api(endpoints.lineage(eliteId))
      .then((b) => !stop && setLineage({ steps: normalizeLineage(b), complete: Boolean((b as { complete?: boolean }).complete ?? true) }))
      .catch(() => !stop && setLineage({ steps: [], complete: false }));
    return () => {
      stop = true;
    };
  }, [lineageOpen, eliteId]);

  const inspect = useCallback(
    async (solutionId: string) => {
      if (elite && solutionId === elite.id) return setInspected(null);
      try {
        setInspected(normalizeSolution(await api(endpoints.solution(solutionId))));
      } catch (e) {
        setEliteError((e as Error).message);
      }
    },
    [elite],
  );

  const lineageCells = useMemo(() => {
    if (!lineageOpen || !lineage) return [];
    return lineage.steps
      .map((s) => s.cell)
      .filter((c): c is number => c != null)
      .reverse();
  }, [lineageOpen, lineage]);

  const selectFromTable = useCallback(
    (cell: number) => {
      select(cell);
      document.getElementById("elite")?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    },
    [select],
  );
  const back = useCallback(() => setInspected(null), []);
  /** A phylogeny node opened: the elite panel shows it (with its diff to the parent for program/text/JSON genomes). */
  const openSolution = useCallback(
    (solutionId: string) => {
      void inspect(solutionId);
      document.getElementById("elite")?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    },
    [inspect],
  );
  const toggleLineage = useCallback(() => setLineageOpen((o) => !o), []);
  const saveNotes = useCallback(
    async (patch: { notes?: string; tags?: string[] }) => {
      const fresh = normalizeExperiment(await api(endpoints.experiment(id), { method: "PATCH", json: patch }));
      setExperiment((e) => ({ ...e, notes: fresh.notes, tags: fresh.tags }));
    },
    [id],
  );
  const onHeaderChange = useCallback((e: ExperimentSummary) => setExperiment((old) => ({ ...e, config: old.config })), []);
  const shown = inspected ?? elite;
  const g = store.geometry;
  const shownKind = shown && shown.genomeKind !== "vector" ? shown.genomeKind : null;

  return (
    <div className="space-y-6">
      <ExperimentHeader experiment={experiment} live={live} onChange={onHeaderChange} />
      <KpiRow experiment={experiment} llm={llm} />

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
        <Card
          title="Elite archive"
          actions={
            <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400" data-testid="filled-cells">
              {replayView ? (
                <span className="mr-2 rounded bg-orange-100 px-1.5 py-0.5 font-medium text-orange-800 dark:bg-orange-950 dark:text-orange-200">replay</span>
              ) : null}
              {(replayView ?? shownStore).filled.toLocaleString("en-US")} / {shownStore.cells.toLocaleString("en-US")} cells filled{!replayView && island != null ? ` on island ${island}` : ""}
            </span>
          }
        >
          {experiment.islands && (
            <div className="mb-3">
              <IslandPicker islands={experiment.islands} value={island} onChange={chooseIsland} />
            </div>
          )}
          <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
            <ColorLegend min={shownStore.min} max={shownStore.max} />
            {store.dim >= 2 && <ViewControls names={store.names} bins={g.type === "grid" ? g.dims : null} view={view} onChange={setView} />}
          </div>
          <EliteGrid store={gridStore} version={version + (replayPos ?? 0)} view={view} selected={selected} lineageCells={lineageCells} focusCell={inspected?.cell ?? null} onSelect={select} />
          {store.dim >= 3 && (
            <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
              {g.type === "cvt"
                ? "Centroids projected onto the two chosen descriptors."
                : view.mode === "fold"
                  ? "Each square shows the best elite over the other descriptors."
                  : "Showing one slice through the other descriptors."}
            </p>
          )}
        </Card>
        <Card id="elite" title={inspected ? "Ancestor" : "Elite"} className="lg:max-h-[760px] lg:overflow-y-auto">
          {newer && (
            <button type="button" onClick={() => selected != null && void loadElite(selected, true)} className="mb-3 w-full rounded-md bg-indigo-50 px-2.5 py-1.5 text-left text-xs font-medium text-indigo-700 hover:bg-indigo-100 dark:bg-indigo-950/60 dark:text-indigo-300 dark:hover:bg-indigo-900/60">
              A better elite has landed in this cell · show it
            </button>
          )}
          <ElitePanel
            cell={selected}
            solution={shown}
            names={store.names}
            loading={eliteLoading}
            error={eliteError}
            ancestor={inspected != null}
            onBack={back}
            lineageOpen={lineageOpen}
            onShowLineage={toggleLineage}
            onInspect={inspect}
          />
        </Card>
      </div>

      {shown && shownKind && (
        <Card
          id="genome"
          title={`${KIND_LABEL[shownKind] ?? "Genome"} of the ${inspected ? "ancestor" : "elite"}${shown.cell != null ? ` in cell ${shown.cell.toLocaleString("en-US")}` : ""}`}
          actions={<span className="font-mono text-xs text-slate-500 dark:text-slate-400">{shown.operator}</span>}
        >
          <GenomeView key={shown.id} solution={shown} language={(experiment.config as { domain?: { language?: string } }).domain?.language} />
        </Card>
      )}

      <Card title="Archive over time" id="replay">
        {!replayOn ? (
          <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
            <button type="button" className={buttonClass} onClick={() => setReplayOn(true)}>
              Replay the archive
            </button>
            <span className="text-xs text-slate-500 dark:text-slate-400">Scrub or play the archive&apos;s history: the grid, the curves&apos; cursor and the phylogeny follow.</span>
          </div>
        ) : history.error ? (
          <p className="text-sm text-red-600 dark:text-red-400">Could not load the history: {history.error}</p>
        ) : replay && replayPos != null ? (
          <ReplayControls
            length={replay.length}
            position={replayPos}
            onPosition={seekReplay}
            timeAt={replayTimeAt}
            evaluationsAt={replayEvaluationsAt}
            filled={replay.filled}
            cells={store.cells}
            frameCanvas={frameCanvas}
            onExit={exitReplay}
          />
        ) : (
          <p className="text-sm text-slate-500">Loading the archive&apos;s history…</p>
        )}
      </Card>

      {lineageOpen && elite && (
        <Card title="Lineage" actions={<button type="button" className="text-xs text-slate-500 hover:underline" onClick={() => setLineageOpen(false)}>Close</button>}>
          {lineage ? (
            lineage.steps.length ? (
              <LineageTree steps={lineage.steps} complete={lineage.complete} inspected={inspected?.id ?? elite.id} min={store.min} max={store.max} onInspect={inspect} showOperators={elite.genomeKind !== "vector"} />
            ) : (
              <p className="text-sm text-slate-500">No lineage stored for this solution.</p>
            )
          ) : (
            <p className="text-sm text-slate-500">Walking back through the ancestors…</p>
          )}
        </Card>
      )}

      <Card
        title="Phylogeny"
        id="phylogeny"
        actions={
          phyloOpen ? (
            <span className="flex items-center gap-3 text-xs">
              {running && !replayOn && phylo.data && (
                <span className="flex items-center gap-1.5 tabular-nums text-slate-500 dark:text-slate-400" data-testid="phylogeny-live" title="The tree reloads as elites land">
                  <span className={`inline-block h-1.5 w-1.5 rounded-full bg-emerald-500 ${phylo.loading ? "animate-pulse" : ""}`} aria-hidden="true" />
                  live · {phylo.data.n.toLocaleString("en-US")} nodes
                </span>
              )}
              <button type="button" className="text-slate-500 hover:underline" onClick={() => setPhyloOpen(false)}>
                Close
              </button>
            </span>
          ) : undefined
        }
      >
        {!phyloOpen ? (
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" className={buttonClass} onClick={() => setPhyloOpen(true)}>
              Show the phylogeny
            </button>
            <span className="text-xs text-slate-500 dark:text-slate-400">Every stored solution that leads to a current elite, from the seeds down.</span>
          </div>
        ) : phylo.error && !phylo.data ? (
          <p className="text-sm text-red-600 dark:text-red-400">Could not load the phylogeny: {phylo.error}</p>
        ) : phylo.data ? (
          phylo.data.n ? (
            <PhylogenyPanel data={phylo.data} total={phylo.total} focusSolutionId={elite?.id ?? null} timeCursor={replayTime} onOpen={openSolution} />
          ) : (
            <p className="text-sm text-slate-500">No elites yet.</p>
          )
        ) : (
          <p className="text-sm text-slate-500">Walking back from the elites…</p>
        )}
      </Card>

      {store.dim >= 2 && (
        <Card
          title="Descriptors"
          actions={
            <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400" data-testid="brushed-count">
              {ranges.length ? `${brushed.toLocaleString("en-US")} elites in range` : `${store.filled.toLocaleString("en-US")} elites`}
            </span>
          }
        >
          <ParallelCoordinates store={store} version={version} ranges={ranges} onRangesChange={setRanges} selected={selected} />
        </Card>
      )}

      {store.dim === 3 && (
        <Card title="3-D scatter" id="scatter-3d" actions={<span className="text-xs text-slate-500 dark:text-slate-400">{g.type === "cvt" ? "Every elite at its descriptors, no projection" : "Every elite at its descriptors, nothing folded"}</span>}>
          <Scatter3D store={gridStore} version={version + (replayPos ?? 0)} selected={selected} onSelect={select} />
        </Card>
      )}

      <Card title="Elites" actions={<span className="text-xs text-slate-500 dark:text-slate-400">Sorted and filtered on the server; select a row to inspect it</span>}>
        <EliteTable
          page={eliteTable.page}
          query={eliteQuery}
          onQueryChange={setEliteQuery}
          names={store.names}
          archiveSize={store.filled}
          min={store.min}
          max={store.max}
          selectedCell={selected}
          onSelect={selectFromTable}
          loading={eliteTable.loading}
          error={eliteTable.error}
        />
      </Card>

      {hasSearchArchive && (
        <Card title={experiment.archiveType === "proximity" ? "Proximity archive" : "Density archive"} id="search-archive">
          <SearchArchivePanel report={searchArchive.report} error={searchArchive.error} />
        </Card>
      )}

      {experiment.emitterType === "llm" && (
        <Card title="Models" id="models">
          <ModelsPanel report={models.report} error={models.error} />
        </Card>
      )}

      {evolvesPrompts && (
        <Card title="Prompt variants" id="prompts">
          <PromptsPanel experimentId={id} report={prompts.report} error={prompts.error} />
        </Card>
      )}

      <Card title="Where the budget went">
        <BudgetPanel report={budget.report} loading={budget.loading} error={budget.error} />
      </Card>

      {duplicateCount > 0 && (
        <Card id="duplicates" title="Duplicates rejected before evaluation">
          <DuplicatesPanel experimentId={id} duplicates={duplicateCount} evaluations={budget.report?.evaluations ?? experiment.evaluations} refreshKey={duplicateCount} by={experiment.domainType === "llm-text" ? "words" : "lines"} />
        </Card>
      )}

      {(withFailures || userEvaluated) && (
        <div className={`grid gap-6 ${userEvaluated ? "lg:grid-cols-[minmax(0,1fr)_340px]" : ""}`}>
          <Card
            id="failures"
            title="Failures"
            actions={
              running ? (
                <span className="text-xs text-slate-500 dark:text-slate-400" title="Refreshed every few seconds while the run is active">
                  ● refreshing
                </span>
              ) : undefined
            }
          >
            <FailuresPanel
              failures={evals.failures}
              total={Math.max(experiment.failedEvaluations, evals.failures.length)}
              evaluations={experiment.evaluations}
              loading={evals.loading}
              error={evals.error}
              hasMore={evals.nextCursor != null}
              loadingMore={evals.loadingMore}
              onLoadMore={evals.loadMore}
            />
          </Card>
          {userEvaluated && (
            <Card title="Metrics produced">
              <MetricKeysPanel keys={evals.keys} from={evals.keysFrom} usedBy={metricUsedBy} stages={evals.stages} />
            </Card>
          )}
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
        <Card title="Progress">
          <MetricCurves snapshots={snapshots} cost={llm} cursor={replayEvaluations} />
        </Card>
        <div className="space-y-6">
          <Card title="Notes">
            <RunNotes notes={experiment.notes} tags={experiment.tags} onSave={saveNotes} />
          </Card>
          <Card title="Workers & queue">
            <QueuePanel active={running} />
          </Card>
        </div>
      </div>
    </div>
  );
}

function mergeSnapshots(old: Snapshot[], add: Snapshot[]): Snapshot[] {
  const last = old.at(-1)?.evaluations ?? -1;
  const fresh = add.filter((s) => s.evaluations > last);
  if (fresh.length === add.length) return fresh.length ? [...old, ...fresh] : old;
  const map = new Map(old.map((s) => [s.evaluations, s]));
  for (const s of add) map.set(s.evaluations, s);
  return [...map.values()].sort((a, b) => a.evaluations - b.evaluations);
}
