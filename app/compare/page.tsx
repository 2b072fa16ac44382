import type { Metadata } from "next";
import { prisma } from "@/lib/db/client";
import { CompareView } from "@/components/compare/CompareView";
import { AutoRefresh } from "@/components/experiments/AutoRefresh";
import type { ExperimentStatus, Snapshot } from "@/components/lib/types";
import { thin, toSnapshot } from "@/components/lib/thin";
import { loadFinalArchives } from "./final-archives";

export const metadata: Metadata = { title: "Compare runs" };
export const dynamic = "force-dynamic";

/** Curves stay readable up to this many runs (and the palette stays distinguishable). */
const MAX_COMPARED = 6;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string }> }) {
  const { ids: raw } = await searchParams;
  const ids = [...new Set((raw ?? "").split(",").map((s) => s.trim()).filter((s) => UUID.test(s)))].slice(0, MAX_COMPARED);
  const [runs, snaps, strategies, finals] = await Promise.all([
    prisma.experiment.findMany({
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { id: true, name: true, status: true, domainType: true, evaluations: true, cells: true, numElites: true, qdScore: true, maxFitness: true, costUsd: true, tags: true },
    }),
    ids.length
      ? prisma.metricSnapshot.findMany({ where: { experimentId: { in: ids } }, orderBy: { evaluations: "asc" }, take: 200_000 })
      : Promise.resolve([]),
    // LLM runs' emitter.strategy ("best-of-n" is the baseline), without reading whole configs.
    prisma.$queryRaw<{ id: string; strategy: string | null }[]>`SELECT id::text AS id, config -> 'emitter' ->> 'strategy' AS strategy FROM "Experiment" WHERE "emitterType" = 'llm' ORDER BY "createdAt" DESC LIMIT 200`,
    loadFinalArchives(ids),
  ]);
  const strategyOf = new Map(strategies.map((r) => [r.id, r.strategy ?? "evolve"]));
  const known = new Set(runs.map((r) => r.id));
  const selected = ids.filter((id) => known.has(id));
  const snapshots: Record<string, Snapshot[]> = {};
  for (const s of snaps) {
    (snapshots[s.experimentId] ??= []).push(toSnapshot(s));
  }
  for (const id of Object.keys(snapshots)) snapshots[id] = thin(snapshots[id]!, 800);
  const active = runs.some((r) => selected.includes(r.id) && (r.status === "running" || r.status === "queued"));
  return (
    <div className="space-y-6">
      <AutoRefresh enabled={active} every={3000} />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Compare runs</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">QD-score, coverage, max and mean fitness (and cost, for LLM runs) of up to {MAX_COMPARED} runs against evaluations, where each ended, and their final archives side by side on one colour scale. Pick a best-of-N run and an evolutionary one to see whether evolution pays on the task.</p>
      </div>
      <CompareView runs={runs.map((r) => ({ ...r, status: r.status as ExperimentStatus, strategy: strategyOf.get(r.id) ?? null }))} selected={selected} snapshots={snapshots} finals={finals} max={MAX_COMPARED} />
    </div>
  );
}
