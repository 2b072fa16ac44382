/**
 * Browser client of the REST API (issue 5). Every response goes through a
 * normaliser, so the views depend on the shapes in ./types only.
 */
import type { z } from "zod";
import type { QueueHealth } from "@/lib/api/responses";
import type { ArchivePayload, EvaluationItem, ExperimentStatus, ExperimentSummary, Geometry, IslandsInfo, LineageNode, MetricKeyInfo, QueueInfo, Snapshot, SolutionDetail } from "./types";
import { normalizeSelection } from "@/components/lineage/selection";
import { readArchiveColumnsTyped, uuidInto } from "@/lib/api/archive-columns";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function api<T = Json>(path: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const { json, ...rest } = init ?? {};
  const res = await fetch(path, {
    ...rest,
    headers: { accept: "application/json", ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
    cache: "no-store",
  });
  const text = await res.text();
  let body: Json | null = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = body?.error ?? body;
    const issues = Array.isArray(err?.issues)
      ? err.issues.map((i: Json) => ({ path: Array.isArray(i.path) ? i.path.join(".") : String(i.path ?? ""), message: String(i.message ?? "") }))
      : [];
    throw new ApiError(String(err?.message ?? (text || res.statusText)), res.status, issues);
  }
  return body as T;
}

const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v !== "" && Number.isFinite(+v) ? +v : fallback);
const numOrNull = (v: unknown): number | null => (v == null ? null : num(v, NaN) === num(v, NaN) ? num(v) : null);
const str = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));

/** The API's `islands` object, or the row's columns (first paint reads the database row). */
function normalizeIslands(x: Json): IslandsInfo | null {
  const i = x.islands ?? (num(x.islandCount) > 0 ? { count: x.islandCount, migrations: x.migrations, migrantsAccepted: x.migrantsAccepted } : null);
  if (!i || !(num(i.count) > 0)) return null;
  const perIsland = Array.isArray(i.perIsland)
    ? (i.perIsland as Json[]).map((p) => ({ island: num(p.island), elites: num(p.elites), maxFitness: numOrNull(p.maxFitness), qdScore: num(p.qdScore) }))
    : undefined;
  return { count: num(i.count), migrations: num(i.migrations), migrantsAccepted: num(i.migrantsAccepted), ...(perIsland ? { perIsland } : {}) };
}

export function normalizeExperiment(e: Json): ExperimentSummary {
  const x = e.experiment ?? e;
  const config = (x.config ?? {}) as Json;
  const m = (x.metrics ?? {}) as Json;
  const cells = num(x.cells ?? m.cells, 1) || 1;
  const numElites = num(x.numElites ?? m.numElites ?? (m.coverage != null ? m.coverage * cells : 0));
  return {
    id: String(x.id),
    name: String(x.name ?? config.name ?? "untitled"),
    status: (x.status ?? "draft") as ExperimentStatus,
    statusReason: str(x.statusReason),
    domainType: String(x.domainType ?? config.domain?.type ?? "?"),
    archiveType: String(x.archiveType ?? config.archive?.type ?? "grid"),
    emitterType: String(x.emitterType ?? config.emitter?.type ?? "?"),
    evaluations: num(x.evaluations),
    failedEvaluations: num(x.failedEvaluations),
    duplicates: num(x.duplicates),
    budgetEvaluations: num(x.budgetEvaluations ?? x.budget?.evaluations ?? config.budget?.evaluations, 1),
    cells,
    numElites,
    batchSize: num(x.batchSize ?? config.batchSize),
    seed: num(x.seed ?? config.seed),
    createdAt: str(x.createdAt) ?? new Date(0).toISOString(),
    startedAt: str(x.startedAt),
    finishedAt: str(x.finishedAt),
    metrics: {
      coverage: num(m.coverage, numElites / cells),
      qdScore: num(m.qdScore ?? x.qdScore),
      normQdScore: num(m.normQdScore, num(x.qdScore) / cells),
      maxFitness: numOrNull(m.maxFitness ?? x.maxFitness),
      meanFitness: numOrNull(m.meanFitness),
    },
    usage: {
      promptTokens: num(x.usage?.promptTokens ?? x.promptTokens),
      completionTokens: num(x.usage?.completionTokens ?? x.completionTokens),
      costUsd: num(x.usage?.costUsd ?? x.costUsd),
    },
    budgetCostUsd: numOrNull(x.budget?.costUsd ?? x.budgetCostUsd ?? config.budget?.costUsd),
    config,
    notes: typeof x.notes === "string" ? x.notes : "",
    tags: Array.isArray(x.tags) ? x.tags.map(String) : [],
    islands: normalizeIslands(x),
  };
}

export function normalizeSnapshot(s: Json): Snapshot {
  return {
    evaluations: num(s.evaluations),
    coverage: num(s.coverage),
    qdScore: num(s.qdScore),
    normQdScore: num(s.normQdScore),
    maxFitness: numOrNull(s.maxFitness),
    meanFitness: numOrNull(s.meanFitness),
    numElites: num(s.numElites),
    ...(s.costUsd != null ? { costUsd: numOrNull(s.costUsd) } : {}),
  };
}

function pickArray(body: Json, ...keys: string[]): Json[] {
  if (Array.isArray(body)) return body;
  for (const k of keys) if (Array.isArray(body?.[k])) return body[k];
  return [];
}

export function normalizeGeometry(g: Json, fallbackRanges: [number, number][], fallbackDims: number[]): Geometry {
  const ranges: [number, number][] = Array.isArray(g?.ranges)
    ? g.ranges.map((r: Json) => (Array.isArray(r) ? [num(r[0]), num(r[1])] : [num(r.min), num(r.max)]))
    : Array.isArray(g?.lower) && Array.isArray(g?.upper)
      ? g.lower.map((lo: number, i: number) => [lo, g.upper[i]])
      : Array.isArray(g?.descriptors)
        ? g.descriptors.map((d: Json) => [num(d.min), num(d.max)])
        : fallbackRanges;
  if (g?.type === "cvt" || Array.isArray(g?.centroids)) {
    const c = g.centroids;
    const d = ranges.length || 2;
    const centroids: number[][] = Array.isArray(c?.[0]) ? c : Array.from({ length: Math.floor((c?.length ?? 0) / d) }, (_, i) => c.slice(i * d, i * d + d));
    return { type: "cvt", centroids, ranges };
  }
  const dims: number[] = Array.isArray(g?.dims) ? g.dims : Array.isArray(g?.bins) ? g.bins : Array.isArray(g?.descriptors) ? g.descriptors.map((d: Json) => num(d.bins, 1)) : fallbackDims;
  return { type: "grid", dims, ranges };
}

/** Accepts elites as an array of objects, as parallel arrays, or as rows [cell, fitness, ...descriptors]. */
export function normalizeArchive(body: Json, fallback: { ranges: [number, number][]; dims: number[]; names: string[] }): ArchivePayload {
  const geometry = normalizeGeometry(body.geometry ?? body.archive ?? body, fallback.ranges, fallback.dims);
  const d = geometry.ranges.length;
  const names: string[] = Array.isArray(body.descriptors) && typeof body.descriptors[0] === "object" && body.descriptors[0]?.name
    ? body.descriptors.map((x: Json) => String(x.name))
    : Array.isArray(body.geometry?.descriptors) ? body.geometry.descriptors.map((x: Json) => String(x.name)) : fallback.names;
  const cells = num(body.cells ?? body.geometry?.cells, geometry.type === "grid" ? geometry.dims.reduce((a, b) => a * b, 1) : geometry.centroids.length);
  const raw = body.elites ?? body.rows ?? [];
  let n = 0;
  let cell: Int32Array, fitness: Float64Array, descriptors: Float64Array;
  const ids: (string | null)[] = [];
  if (Array.isArray(raw)) {
    n = raw.length;
    cell = new Int32Array(n);
    fitness = new Float64Array(n);
    descriptors = new Float64Array(n * d);
    raw.forEach((r: Json, i: number) => {
      if (Array.isArray(r)) {
        cell[i] = r[0];
        fitness[i] = r[1];
        for (let k = 0; k < d; k++) descriptors[i * d + k] = Array.isArray(r[2]) ? r[2][k] : r[2 + k];
        ids.push(typeof r[r.length - 1] === "string" ? r[r.length - 1] : null);
      } else {
        cell[i] = num(r.cell);
        fitness[i] = num(r.fitness ?? r.objective);
        const ds = r.descriptors ?? r.measures ?? [];
        for (let k = 0; k < d; k++) descriptors[i * d + k] = num(ds[k], NaN);
        ids.push(str(r.solutionId ?? r.solution_id ?? r.id));
      }
    });
  } else {
    const cols = raw as Json;
    n = (cols.cell ?? cols.cells ?? []).length;
    cell = Int32Array.from(cols.cell ?? cols.cells ?? []);
    fitness = Float64Array.from(cols.fitness ?? cols.objective ?? []);
    const ds = cols.descriptors ?? cols.measures ?? [];
    descriptors = Array.isArray(ds[0]) ? Float64Array.from((ds as number[][]).flat()) : Float64Array.from(ds);
    const given = cols.solutionId ?? cols.solutionIds ?? [];
    for (let i = 0; i < n; i++) ids.push(given[i] ?? null);
  }
  return { cells, geometry, descriptorNames: names, cell, fitness, descriptors, solutionIds: idBytes(ids) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Solution ids as the store keeps them (16 bytes each; zero for a missing or malformed one). */
function idBytes(ids: (string | null)[]): Uint8Array | undefined {
  if (!ids.some((x) => x)) return undefined;
  const out = new Uint8Array(16 * ids.length);
  ids.forEach((id, i) => id && UUID.test(id) && uuidInto(id.toLowerCase(), out, 16 * i));
  return out;
}

export function normalizeSolution(b: Json): SolutionDetail {
  const s = b.solution ?? b.elite?.solution ?? b.elite ?? b;
  const genome = s.genome ?? s.genomeVector ?? s.genomeText ?? s.genomeJson ?? s.vector ?? null;
  return {
    id: String(s.id ?? s.solutionId ?? b.solutionId ?? ""),
    fitness: numOrNull(s.fitness ?? b.fitness),
    descriptors: (s.descriptors ?? b.descriptors ?? []).map((v: unknown) => num(v, NaN)),
    cell: numOrNull(s.cell ?? b.cell),
    parentIds: (s.parentIds ?? s.parents ?? []).map((p: unknown) => (typeof p === "object" && p ? String((p as Json).id) : String(p))),
    operator: String(s.operator ?? "—"),
    createdAt: str(s.createdAt ?? b.updatedAt),
    genomeKind: String(s.genomeKind ?? (Array.isArray(genome) ? "vector" : typeof genome === "string" ? "text" : "json")),
    genome: typeof genome === "object" && genome && !Array.isArray(genome) && Array.isArray((genome as Json).values) ? (genome as Json).values : genome,
    error: str(s.error),
    logs: str(s.logs),
    evalMs: numOrNull(s.evalMs),
    metrics: (s.metrics as Record<string, unknown>) ?? null,
    status: String(s.status ?? "evaluated"),
    model: str(s.model),
    promptTokens: numOrNull(s.promptTokens),
    completionTokens: numOrNull(s.completionTokens),
    costUsd: numOrNull(s.costUsd),
    prompt: str(s.prompt),
    reply: str(s.reply),
    selection: normalizeSelection(s.selection),
  };
}

export function normalizeEvaluations(b: Json): { items: EvaluationItem[]; nextCursor: string | null } {
  return {
    items: pickArray(b, "solutions").map((s) => ({
      id: String(s.id),
      status: s.status === "failed" || s.status === "invalid" ? s.status : "evaluated",
      fitness: numOrNull(s.fitness),
      error: str(s.error),
      logs: str(s.logs),
      logsTruncated: Boolean(s.logsTruncated),
      evalMs: numOrNull(s.evalMs),
      metrics: s.metrics && typeof s.metrics === "object" ? (s.metrics as Record<string, unknown>) : null,
      operator: String(s.operator ?? "—"),
      createdAt: str(s.createdAt),
    })),
    nextCursor: typeof b?.nextCursor === "string" ? b.nextCursor : null,
  };
}

export function normalizeMetricKeys(b: Json): MetricKeyInfo[] {
  return pickArray(b, "keys").map((k) => ({ key: String(k.key), count: num(k.count), min: numOrNull(k.min), max: numOrNull(k.max) }));
}

export function normalizeLineage(b: Json): LineageNode[] {
  return pickArray(b, "steps", "lineage", "ancestors", "nodes", "solutions").map((s) => ({
    id: String(s.id),
    parentIds: (s.parentIds ?? s.parents ?? []).map((p: unknown) => (typeof p === "object" && p ? String((p as Json).id) : String(p))),
    fitness: numOrNull(s.fitness),
    operator: String(s.operator ?? "—"),
    cell: numOrNull(s.cell),
    descriptors: (s.descriptors ?? []).map((v: unknown) => num(v, NaN)),
    createdAt: str(s.createdAt),
    selection: normalizeSelection(s.selection),
  }));
}

/** A live worker of GET /api/queues (lib/api/responses QueueHealth), tolerant of missing fields. */
export type WorkerInfo = Pick<z.infer<typeof QueueHealth>["workers"][number], "id" | "hostname" | "queues"> & { pid: number | null; startedAt: string | null; lastSeenAt: string | null };

export function normalizeWorkers(b: Json): WorkerInfo[] {
  return (Array.isArray(b?.workers) ? b.workers : []).map((w: Json) => ({
    id: String(w.id),
    hostname: String(w.hostname ?? ""),
    pid: numOrNull(w.pid),
    queues: Array.isArray(w.queues) ? w.queues.map(String) : [],
    startedAt: str(w.startedAt),
    lastSeenAt: str(w.lastSeenAt),
  }));
}

export function normalizeQueues(b: Json): QueueInfo[] {
  const list = Array.isArray(b) ? b : Array.isArray(b?.queues) ? b.queues : b?.queues && typeof b.queues === "object" ? Object.entries(b.queues).map(([name, q]) => ({ name, ...(q as Json) })) : [];
  return list.map((q: Json) => ({
    name: String(q.name ?? q.queue ?? "queue"),
    counts: (q.counts ?? q.jobs ?? {}) as Record<string, number>,
    error: str(q.error),
    workers: Array.isArray(q.workers) ? q.workers.length : numOrNull(q.workers ?? q.workersConnected),
    failures: pickArray(q, "failures", "failed", "recentFailures", "latestFailures").map((f) => ({
      id: str(f.id) ?? undefined,
      name: str(f.name) ?? undefined,
      reason: String(f.reason ?? f.failedReason ?? f.message ?? "unknown"),
      at: str(f.failedAt ?? f.at ?? f.finishedOn ?? f.timestamp),
    })),
  }));
}

/**
 * The archive (or its elites after a revision, or one island's) in the compact form: typed-array
 * columns, gzipped (`?format=columns`, about half the bytes of the gzipped JSON), kept typed all the way
 * to the store: a live page reads this every few seconds, and boxing 10,000 rows into JSON-shaped arrays
 * and back was a long task each time. `fallback`: geometry and names when the body lacks them.
 */
export async function fetchArchive(
  id: string,
  query: { after?: number; island?: number },
  fallback: { ranges: [number, number][]; dims: number[]; names: string[] },
): Promise<{ payload: ArchivePayload; revision: number }> {
  const p = new URLSearchParams({ format: "columns" });
  if (query.after !== undefined) p.set("after", String(query.after));
  if (query.island !== undefined) p.set("island", String(query.island));
  const url = `/api/experiments/${id}/archive?${p}`;
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) {
    const b = await api(url); // throws the JSON error with its message
    return { payload: normalizeArchive(b, fallback), revision: Number(b?.elites?.revision) };
  }
  const c = await readArchiveColumnsTyped(res);
  // Geometry, names and cell count through the JSON normaliser (one reading of the header); the columns as they came.
  const meta = normalizeArchive({ experimentId: c.experimentId, geometry: c.geometry, elites: [] }, fallback);
  const d = meta.geometry.ranges.length;
  const descriptors = c.dim === d ? c.descriptors : new Float64Array(c.count * d).fill(NaN);
  return { revision: c.revision, payload: { ...meta, cell: c.cells, fitness: c.fitness, descriptors, solutionIds: c.ids } };
}

export const endpoints = {
  experiment: (id: string) => `/api/experiments/${id}`,
  action: (id: string, action: "start" | "pause" | "resume" | "cancel") => `/api/experiments/${id}/${action}`,
  archive: (id: string) => `/api/experiments/${id}/archive`,
  elite: (id: string, cell: number) => `/api/experiments/${id}/elites/${cell}`,
  solution: (id: string) => `/api/solutions/${id}`,
  lineage: (id: string) => `/api/solutions/${id}/lineage`,
  metrics: (id: string, after: number) => `/api/experiments/${id}/metrics?after=${after}`,
  events: (id: string) => `/api/experiments/${id}/events`,
  solutions: (id: string, q: { status?: "failed" | "evaluated" | "failed,invalid" | "duplicate"; limit?: number; cursor?: string | null } = {}) => {
    const p = new URLSearchParams();
    if (q.status) p.set("status", q.status);
    if (q.limit) p.set("limit", String(q.limit));
    if (q.cursor) p.set("cursor", q.cursor);
    const qs = p.toString();
    return `/api/experiments/${id}/solutions${qs ? `?${qs}` : ""}`;
  },
  metricKeys: (id: string) => `/api/experiments/${id}/metrics/keys`,
  export: (id: string, format: "csv" | "json") => `/api/experiments/${id}/export?format=${format}`,
  queues: () => `/api/queues`,
  phylogeny: (id: string, offset = 0, limit = 100_000) => `/api/experiments/${id}/phylogeny?offset=${offset}&limit=${limit}`,
  history: (id: string, after = -1) => `/api/experiments/${id}/history?after=${after}`,
};

export async function fetchSnapshots(id: string, after: number): Promise<Snapshot[]> {
  const b = await api(endpoints.metrics(id, after));
  return pickArray(b, "snapshots", "metrics", "points", "data").map(normalizeSnapshot);
}
