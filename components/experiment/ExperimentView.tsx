"use client";
/**
 * The experiment page: header, metrics, the live elite grid, the elite panel,
 * lineage, curves and the queue. Holds the run's live state; children draw it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import dynamic from "next/dynamic";
import { api, endpoints, fetchArchive, fetchSnapshots, normalizeExperiment, normalizeLineage, normalizeSolution, ApiError } from "@/components/lib/api";
import { decodeF32, decodeF64, decodeI32 } from "@/components/lib/codec";
import type { ExperimentSummary, InitialData, LineageNode, Snapshot, SolutionDetail } from "@/components/lib/types";
import { ArchiveStore, defaultView, type ViewSpec } from "@/components/archive/store";
import { ExperimentHeader } from "./ExperimentHeader";
import { KpiRow } from "./KpiRow";
import { useLiveEvents, type LiveFrame } from "./use-live";
import { useIslands } from "./use-islands";
import { useReplay } from "./use-replay";
import { useEvaluations } from "@/components/evaluations/use-evaluations";
import { countInRanges, filteredStore } from "@/components/archive/filter";
import { useBudget } from "@/components/lib/use-budget";
import { useStages } from "@/components/lib/use-stages";
import { useSearchArchive } from "@/components/search/use-search-archive";
import { useBandit } from "@/components/bandit/use-bandit";
import { useModels } from "@/components/lib/use-models";
import { usePrompts } from "@/components/lib/use-prompts";
import type { DescriptorRange } from "@/components/lib/use-elite-table";
import { defaultEliteQuery, useEliteTable, type EliteQuery } from "@/components/lib/use-elite-table";
import { usePhylogeny } from "@/components/phylogeny/use-phylogeny";
import { ArchiveCard } from "./panels/ArchiveCard";
import { EliteCard } from "./panels/EliteCard";

// Panels below the fold load after the page is interactive (their own chunks: syntax highlighting, diffs,
// d3-zoom, the charts, the tables), and are not rendered on the server: the first paint needs only the
// header, the metrics, the grid and the elite panel. The hooks that feed them stay here (they hold state).
const panels = {
  genome: () => import("./panels/GenomeCard").then((m) => m.GenomeCard),
  replay: () => import("./panels/ReplayCard").then((m) => m.ReplayCard),
  lineage: () => import("./panels/LineageCard").then((m) => m.LineageCard),
  phylogeny: () => import("./panels/PhylogenyCard").then((m) => m.PhylogenyCard),
  descriptors: () => import("./panels/DescriptorCards").then((m) => m.DescriptorCards),
  elites: () => import("./panels/ElitesCard").then((m) => m.ElitesCard),
  searchArchive: () => import("./panels/SearchArchiveCard").then((m) => m.SearchArchiveCard),
  bandit: () => import("./panels/BanditCard").then((m) => m.BanditCard),
  spending: () => import("./panels/SpendingCards").then((m) => m.SpendingCards),
  evaluator: () => import("./panels/EvaluatorCards").then((m) => m.EvaluatorCards),
  progress: () => import("./panels/ProgressRow").then((m) => m.ProgressRow),
};
const GenomeCard = dynamic(panels.genome, { ssr: false });
const ReplayCard = dynamic(panels.replay, { ssr: false });
const LineageCard = dynamic(panels.lineage, { ssr: false });
const PhylogenyCard = dynamic(panels.phylogeny, { ssr: false });
const DescriptorCards = dynamic(panels.descriptors, { ssr: false });
const ElitesCard = dynamic(panels.elites, { ssr: false });
const SearchArchiveCard = dynamic(panels.searchArchive, { ssr: false });
const BanditCard = dynamic(panels.bandit, { ssr: false });
const SpendingCards = dynamic(panels.spending, { ssr: false });
const EvaluatorCards = dynamic(panels.evaluator, { ssr: false });
const ProgressRow = dynamic(panels.progress, { ssr: false });

/**
 * The panels below the fold mount in page order, one per idle period after the first paint, each once its chunk
 * has loaded (STAGE.x is the stage that mounts x): mounted together, their first renders and draws (10,000
 * parallel-coordinate lines, the elite table, the charts) made one long task of up to ~900 ms right after the
 * page became interactive.
 */
const STAGE = { searchArchive: 1, replay: 2, phylogeny: 3, descriptors: 4, elites: 5, bandit: 6, spending: 7, evaluator: 8, progress: 9 } as const;

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
  const islands = useIslands(id, experiment.islands != null, running, store, setExperiment);
  const island = islands.island;
  const shownStore = islands.shownStore;

  // ---- the elite table (refetched, throttled, when the archive moves) ----
  const [eliteQuery, setEliteQuery] = useState<EliteQuery>(defaultEliteQuery);
  const eliteTable = useEliteTable(id, eliteQuery, version);
  // The parallel-coordinates brush: one filter for the grid and the table.
  const ranges = eliteQuery.ranges;
  const setRanges = useCallback((r: DescriptorRange[]) => setEliteQuery((q) => ({ ...q, ranges: r, offset: 0 })), []);
  // ---- the archive over time: a replay of its accepted writes drives the grid, the curves' cursor and the phylogeny ----
  const [phyloOpen, setPhyloOpen] = useState(false);
  const replay = useReplay(id, store, experiment.status);
  // While the run goes on, the open tree follows the archive (reloaded, throttled, when elites changed).
  const phylo = usePhylogeny(id, phyloOpen, experiment.status, running && !replay.on, version);
  const replayView = replay.view;
  const frameCanvas = useCallback(() => document.querySelector<HTMLCanvasElement>('[data-testid="elite-grid-canvas"]'), []);

  // The replay is of the whole archive; without it the grid shows the chosen island's (or the whole) archive.
  const gridStore = useMemo(() => filteredStore(replayView ?? shownStore, ranges), [shownStore, version, ranges, replayView]); // eslint-disable-line react-hooks/exhaustive-deps
  const brushed = useMemo(() => (ranges.length ? countInRanges(store, ranges) : store.filled), [store, version, ranges]); // eslint-disable-line react-hooks/exhaustive-deps
  const budget = useBudget(id, running, experiment.status);
  const duplicateCount = Math.max(budget.report?.duplicates ?? 0, experiment.duplicates ?? 0);
  const models = useModels(id, experiment.emitterType === "llm", running, experiment.status);
  // Proximity / density / discount runs: the search archive (or the discount model's surface) beside the result grid.
  const hasSearchArchive = experiment.archiveType === "proximity" || experiment.archiveType === "density" || experiment.archiveType === "discount";
  const searchArchive = useSearchArchive(id, hasSearchArchive, running, experiment.status);
  // Bandit runs (ME-MAP-Elites): the emitter pool with the UCB1 counts.
  const hasBandit = (experiment.config as { scheduler?: { type?: string } } | undefined)?.scheduler?.type === "bandit";
  const bandit = useBandit(id, hasBandit, running, experiment.status);
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

  // In STAGE order; a panel not shown loads nothing.
  const stage = useStages([
    () => (hasSearchArchive ? panels.searchArchive() : null),
    panels.replay,
    panels.phylogeny,
    panels.descriptors,
    panels.elites,
    () => (hasBandit ? panels.bandit() : null),
    panels.spending,
    () => (withFailures || userEvaluated ? panels.evaluator() : null),
    panels.progress,
  ]);

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
    const { payload: p, revision: rev } = await fetchArchive(id, { after: revision.current }, { ranges: store.geometry.ranges, dims: store.geometry.type === "grid" ? store.geometry.dims : [], names: store.names });
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
        const isl = island != null ? islands.storeRef.current : null;
        const onIsland = isl ? isl.solutionId(cell) : undefined;
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
    [id, island, islands.ready],
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
  const showNewer = useCallback(() => selected != null && void loadElite(selected, true), [selected, loadElite]);
  const closeLineage = useCallback(() => setLineageOpen(false), []);

  return (
    <div className="space-y-6">
      <ExperimentHeader experiment={experiment} live={live} onChange={onHeaderChange} />
      <KpiRow experiment={experiment} llm={llm} />

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
        <ArchiveCard
          store={store}
          gridStore={gridStore}
          shownStore={shownStore}
          replayView={replayView}
          version={version + (replay.position ?? 0)}
          islands={experiment.islands}
          island={island}
          onIsland={islands.choose}
          view={view}
          onView={setView}
          selected={selected}
          lineageCells={lineageCells}
          focusCell={inspected?.cell ?? null}
          onSelect={select}
        />
        <EliteCard
          cell={selected}
          solution={shown}
          names={store.names}
          loading={eliteLoading}
          error={eliteError}
          ancestor={inspected != null}
          newer={newer}
          onShowNewer={showNewer}
          onBack={back}
          lineageOpen={lineageOpen}
          onShowLineage={toggleLineage}
          onInspect={inspect}
        />
      </div>

      {hasSearchArchive && stage >= STAGE.searchArchive && (
        <SearchArchiveCard type={experiment.archiveType} report={searchArchive.report} error={searchArchive.error} fitnessRange={store.colorRange} geometry={store.geometry} onOpenCell={selectFromTable} />
      )}

      {shown && shown.genomeKind !== "vector" && <GenomeCard solution={shown} ancestor={inspected != null} language={(experiment.config as { domain?: { language?: string } }).domain?.language} />}

      {stage >= STAGE.replay && <ReplayCard r={replay} cells={store.cells} frameCanvas={frameCanvas} />}

      {lineageOpen && elite && <LineageCard elite={elite} lineage={lineage} inspectedId={inspected?.id ?? null} min={store.colorRange.min} max={store.colorRange.max} onInspect={inspect} onClose={closeLineage} />}

      {stage >= STAGE.phylogeny && (
        <PhylogenyCard open={phyloOpen} onOpen={setPhyloOpen} phylo={phylo} live={running && !replay.on} focusSolutionId={elite?.id ?? null} timeCursor={replay.time} onOpenSolution={openSolution} />
      )}

      {stage >= STAGE.descriptors && (
        <DescriptorCards store={store} gridStore={gridStore} version={version} drawVersion={version + (replay.position ?? 0)} ranges={ranges} onRanges={setRanges} brushed={brushed} selected={selected} onSelect={select} />
      )}

      {stage >= STAGE.elites && <ElitesCard table={eliteTable} query={eliteQuery} onQuery={setEliteQuery} store={store} selected={selected} onSelect={selectFromTable} />}

      {hasBandit && stage >= STAGE.bandit && <BanditCard report={bandit.report} error={bandit.error} />}

      {stage >= STAGE.spending && <SpendingCards experiment={experiment} models={models} prompts={evolvesPrompts ? prompts : null} budget={budget} duplicates={duplicateCount} />}

      {(withFailures || userEvaluated) && stage >= STAGE.evaluator && (
        <EvaluatorCards evals={evals} userEvaluated={userEvaluated} running={running} failedEvaluations={experiment.failedEvaluations} evaluations={experiment.evaluations} metricUsedBy={metricUsedBy} />
      )}

      {stage >= STAGE.progress && (
        <ProgressRow snapshots={snapshots} cost={llm} cursor={replay.evaluations} notes={experiment.notes} tags={experiment.tags} onSaveNotes={saveNotes} running={running} />
      )}
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
