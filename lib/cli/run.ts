/**
 * `qd-studio run`: one in-process experiment from flags. Domains and emitters
 * are the registries' (lib/registry): their kinds, flags, defaults and checks.
 */
import { parseArgs } from "node:util";
import type { AlgorithmConfig, ArchiveSpec, EmitterSpec } from "@/lib/qd/algorithm";
import { SEARCH_ARCHIVE_TYPES } from "@/lib/qd/search-algorithm";
import { domainFromFlags, SIZE_FLAGS } from "./domains";
import { CLI_EMITTERS, emitterFlags, emitterFromFlags, extraEmittersFromFlag, PRESENCE_FLAGS } from "./emitters";
import { num, oneOf, UsageError } from "./flags";

/** Flags of every run: the domains' size flags and the emitters' own flags come from the registries. */
const STATIC_OPTIONS = {
  domain: { type: "string" },
  emitter: { type: "string" },
  batch: { type: "string" },
  emitters: { type: "string" },
  "learning-rate": { type: "string" },
  "threshold-min": { type: "string" },
  archive: { type: "string" },
  cells: { type: "string" },
  samples: { type: "string" },
  bins: { type: "string" },
  iterations: { type: "string" },
  seed: { type: "string" },
  "progress-every": { type: "string" },
  threads: { type: "string" },
  scheduler: { type: "string" },
  active: { type: "string" },
  "extra-emitters": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  "k-neighbors": { type: "string" },
  "novelty-threshold": { type: "string" },
  "local-competition": { type: "boolean" },
  bandwidth: { type: "string" },
  "buffer-size": { type: "string" },
  "density-method": { type: "string" },
  reservoir: { type: "string" },
} as const;

type Option = { type: "string" | "boolean"; short?: string };
export const RUN_OPTIONS: Record<string, Option> = {
  ...STATIC_OPTIONS,
  ...Object.fromEntries(SIZE_FLAGS.map((f) => [f, { type: "string" }])),
  ...Object.fromEntries(CLI_EMITTERS.flatMap(emitterFlags).map((f) => [f.flag, { type: PRESENCE_FLAGS.has(f.flag) ? "boolean" : "string" }])),
};


export function parseRunConfig(argv: string[]): { config: AlgorithmConfig; iterations: number; json: boolean; progressEvery: number; threads: number } {
  const { values: v } = parseArgs({ args: argv, options: RUN_OPTIONS, strict: true, allowPositionals: false }) as { values: Record<string, string | boolean | undefined> };
  const s = (k: string) => v[k] as string | undefined;
  const domain = domainFromFlags(v);
  const { emitter, type: emitterType, count, perEmitter, chains: cma } = emitterFromFlags(v);
  const schedulerType = oneOf(s("scheduler"), "scheduler", ["default", "bandit"] as const, "default");
  let scheduler: AlgorithmConfig["scheduler"];
  let extraEmitters: EmitterSpec[] | undefined;
  if (s("extra-emitters") !== undefined) {
    if (schedulerType !== "bandit") throw new UsageError("--extra-emitters makes the bandit scheduler's mixed pool: add --scheduler bandit --active N");
    if (emitterType !== "cma-me") throw new UsageError("--extra-emitters: a mixed pool's first group is --emitter cma-me (its --emitters count)");
    extraEmitters = extraEmittersFromFlag(s("extra-emitters")!, perEmitter);
  }
  if (schedulerType === "bandit") {
    if (s("active") === undefined) throw new UsageError("--scheduler bandit needs --active N (emitters run per iteration)");
    const active = num(s("active"), "active", 1, { int: true, min: 1 });
    const pool = count + (extraEmitters ?? []).reduce((n, e) => n + ("count" in e ? (e.count ?? 1) : 1), 0);
    if (active > pool) throw new UsageError(`--active ${active} exceeds the pool of ${pool} emitters (--emitters${extraEmitters ? " plus the --extra-emitters counts" : ""})`);
    if (emitterType.startsWith("gradient-")) throw new UsageError("the bandit scheduler does not run DQD emitters");
    scheduler = { type: "bandit", numActive: active };
  } else if (s("active") !== undefined) {
    throw new UsageError("--active is for --scheduler bandit");
  }
  const archiveType = oneOf(s("archive"), "archive", ["grid", "cvt", ...SEARCH_ARCHIVE_TYPES] as const, "grid");
  const search = searchArchiveSpec(archiveType, v, emitter);
  if (search && scheduler) throw new UsageError(`--archive ${archiveType} runs with the default scheduler`);
  const archive: ArchiveSpec = search ??
    (archiveType === "grid"
      ? s("bins") === undefined ? { type: "grid" } : { type: "grid", bins: [num(s("bins"), "bins", 100, { int: true, min: 1 }), num(s("bins"), "bins", 100, { int: true, min: 1 })] }
      : { type: "cvt", cells: num(s("cells"), "cells", 10_000, { int: true, min: 1 }), samples: num(s("samples"), "samples", 100_000, { int: true, min: 1 }) });
  if (archive.type === "cvt" && (archive.samples ?? 0) < archive.cells) throw new UsageError("--samples must be >= --cells");
  const iterations = num(s("iterations"), "iterations", 1000, { int: true, min: 1 });
  const seed = num(s("seed"), "seed", 1, { int: true, min: 0 });
  const threads = num(s("threads"), "threads", 1, { int: true, min: 1 });
  if (threads > 1 && (cma || emitterType === "gradient-operator" || scheduler)) throw new UsageError("--threads > 1 supports the gaussian and iso-line emitters only (default scheduler)");
  return {
    threads,
    config: { domain, archive, emitter, seed, ...(extraEmitters ? { extraEmitters } : {}), ...(scheduler ? { scheduler } : {}) },
    iterations,
    json: v.json === true,
    progressEvery: num(s("progress-every"), "progress-every", Math.max(1, Math.floor(iterations / 10)), { int: true, min: 1 }),
  };
}

/** Proximity, density and discount archives from their flags (null for grid/CVT). */
function searchArchiveSpec(type: string, v: Record<string, string | boolean | undefined>, emitter: EmitterSpec): ArchiveSpec | null {
  const str = (k: string) => v[k] as string | undefined;
  if (type !== "proximity" && type !== "density" && type !== "discount") return null;
  if (emitter.type !== "cma-me") throw new UsageError(`--archive ${type} runs with --emitter cma-me`);
  if (type === "proximity") {
    if (str("novelty-threshold") === undefined) throw new UsageError("--archive proximity needs --novelty-threshold");
    return {
      type,
      kNeighbors: num(str("k-neighbors"), "k-neighbors", 15, { int: true, min: 1 }),
      noveltyThreshold: num(str("novelty-threshold"), "novelty-threshold", 0, { min: 0 }),
      localCompetition: v["local-competition"] === true,
    };
  }
  if (type === "density") {
    if (str("bandwidth") === undefined) throw new UsageError("--archive density needs --bandwidth");
    return {
      type,
      bandwidth: num(str("bandwidth"), "bandwidth", 1, { min: 1e-12 }),
      bufferSize: num(str("buffer-size"), "buffer-size", 10_000, { int: true, min: 1 }),
      method: oneOf(str("density-method"), "density-method", ["kde", "kde_sklearn"] as const, "kde"),
      reservoir: oneOf(str("reservoir"), "reservoir", ["uniform", "pyribs"] as const, "uniform"),
    };
  }
  const lr = num(str("learning-rate"), "learning-rate", 0.1, { min: 1e-12 });
  if (lr > 1) throw new UsageError("--learning-rate must be <= 1");
  return { type, learningRate: lr, thresholdMin: str("threshold-min") === undefined ? undefined : num(str("threshold-min"), "threshold-min", 0) };
}

