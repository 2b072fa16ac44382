/**
 * The CLI's emitters: every vector kind of the emitter registry, its flags
 * derived from its schema (./flags), validated by its schema (messages name
 * the flag), then turned into the engine's EmitterSpec for `count` emitters
 * sharing the batch. CLI-only differences are spelled out here: rankers that
 * need a search archive (nov, nslc, density) and CMA-MAEGA's flags.
 */
import type { EmitterSpec } from "@/lib/qd/algorithm";
import type { RestartRule } from "@/lib/qd/emitters/evolution-strategy";
import { RANKERS } from "@/lib/qd/emitters/rankers";
import { VECTOR_EMITTERS, type EmitterKind } from "@/lib/registry/emitters";
import { ExtraEmittersConfig } from "@/lib/registry/schedulers/bandit-pool";
import { bool, flagName, kindFlags, num, oneOf, UsageError, type KindFlag } from "./flags";

export const CLI_EMITTERS: readonly EmitterKind[] = VECTOR_EMITTERS;
export type CliEmitterType = (typeof VECTOR_EMITTERS)[number]["type"];

/** `count` is the CLI's `--emitters`; the rest are the kind's own flags. */
const SKIP = ["count"] as const;
/** Flags given without a value. */
export const PRESENCE_FLAGS = new Set(["measure-gradients"]);
/** Keys whose value the CLI checks itself (search archives rank by novelty or density too). */
const CLI_CHOICES: Record<string, readonly string[]> = { ranker: RANKERS };

export const emitterFlags = (k: EmitterKind): KindFlag[] => kindFlags(k, SKIP);

function restartRule(v: string): RestartRule {
  if (v === "basic" || v === "no_improvement") return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--restart-rule must be basic, no_improvement or a positive integer, got "${v}"`);
  return n;
}

/** A flag's typed value (undefined when not given). */
function flagValue(f: KindFlag, v: Record<string, string | boolean | undefined>): unknown {
  const raw = v[f.flag];
  if (raw === undefined) return undefined;
  if (typeof raw === "boolean") return raw;
  if (CLI_CHOICES[f.key]) return oneOf(raw, f.flag, CLI_CHOICES[f.key]!, raw);
  if (f.key === "restartRule") return restartRule(raw);
  switch (f.type.kind) {
    case "number":
      return num(raw, f.flag, NaN, { int: f.type.int });
    case "choice":
      return oneOf(raw, f.flag, f.type.options, raw);
    case "boolean":
      return bool(raw, f.flag, false);
    default:
      return raw;
  }
}

/** The kind's config from the flags, with its defaults, judged by its schema. */
function kindConfig(kind: EmitterKind, v: Record<string, string | boolean | undefined>): { config: Record<string, unknown>; given: Set<string> } {
  const given = new Set<string>();
  const raw: Record<string, unknown> = { type: kind.type };
  const own: Record<string, unknown> = {};
  for (const f of emitterFlags(kind)) {
    const x = flagValue(f, v);
    if (x === undefined) continue;
    given.add(f.key);
    (CLI_CHOICES[f.key] ? own : raw)[f.key] = x;
  }
  const r = kind.schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UsageError(i.message.replace(/\bemitter\.(\w+)/g, (_, k: string) => `--${flagName(k)}`));
  }
  return { config: { ...(r.data as Record<string, unknown>), ...own }, given };
}

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Engine emitters of each kind, for `count` emitters sharing `batch` evaluations per iteration. */
const ENGINE: { [T in CliEmitterType]: (c: Config, per: number, count: number, given: Set<string>, v: Record<string, string | boolean | undefined>) => EmitterSpec } = {
  gaussian: (c, per, count) => ({ type: "gaussian", sigma: c.sigma, batchSize: per, count }),
  "iso-line": (c, per, count) => ({ type: "iso-line", isoSigma: c.isoSigma, lineSigma: c.lineSigma, batchSize: per, count }),
  "cma-me": (c, per, count) => ({ type: "cma-me", sigma0: c.sigma0, batchSize: per, count, ranker: c.ranker, selectionRule: c.selectionRule, restartRule: c.restartRule }),
  "cma-mae": (c, per, count) => ({
    type: "cma-mae",
    sigma0: c.sigma0,
    batchSize: per,
    count,
    learningRate: c.learningRate,
    thresholdMin: c.thresholdMin,
    ranker: c.ranker,
    selectionRule: c.selectionRule,
    restartRule: c.restartRule,
  }),
  "gradient-operator": (c, per, count, given) => {
    if (per % 2 !== 0 || per < 2) throw new UsageError(`gradient-operator spends half of each emitter's ${per} evaluations on the gradient phase: use an even number per emitter`);
    return {
      type: "gradient-operator",
      sigma: c.sigma,
      sigmaG: c.sigmaG,
      measureGradients: c.measureGradients,
      normalizeGrad: c.normalizeGrad,
      ...(given.has("operator") ? { operator: c.operator } : {}),
      ...(given.has("lineSigma") ? { lineSigma: c.lineSigma } : {}),
      batchSize: per / 2,
      count,
    };
  },
  // CMA-MEGA; with --learning-rate (and --threshold-min), CMA-MAEGA with its pyribs defaults (imp, filter, basic).
  "gradient-arborescence": (c, per, count, given, v) => {
    if (per < 2) throw new UsageError("gradient-arborescence needs at least 2 evaluations per emitter (one for the gradient phase)");
    const lr = v["learning-rate"] as string | undefined;
    const tmin = v["threshold-min"] as string | undefined;
    const learning = lr === undefined ? {} : { learningRate: num(lr, "learning-rate", 0.01, { min: 1e-12 }), thresholdMin: tmin === undefined ? undefined : num(tmin, "threshold-min", 0) };
    if (learning.learningRate !== undefined && learning.learningRate > 1) throw new UsageError("--learning-rate must be <= 1");
    const maega = learning.learningRate !== undefined;
    return {
      type: "gradient-arborescence",
      sigma0: c.sigma0,
      lr: c.lr,
      gradOpt: c.gradOpt,
      normalizeGrad: c.normalizeGrad,
      batchSize: per - 1,
      count,
      ...learning,
      ranker: given.has("ranker") ? c.ranker : maega ? "imp" : c.ranker,
      selectionRule: given.has("selectionRule") ? c.selectionRule : maega ? "filter" : c.selectionRule,
      restartRule: given.has("restartRule") ? c.restartRule : maega ? "basic" : c.restartRule,
    };
  },
};

/** The engine emitter spec from the flags: `--emitter`'s kind, `--emitters` of them sharing `--batch`. */
export function emitterFromFlags(v: Record<string, string | boolean | undefined>): { emitter: EmitterSpec; type: CliEmitterType; count: number; perEmitter: number; chains: boolean } {
  const type = oneOf(v.emitter as string | undefined, "emitter", CLI_EMITTERS.map((k) => k.type) as CliEmitterType[], "iso-line");
  const kind = CLI_EMITTERS.find((k) => k.type === type)!;
  const { config, given } = kindConfig(kind, v);
  // CMA kinds default to pyribs' 15 emitters (their config's `count`); the others to one.
  const count = num(v.emitters as string | undefined, "emitters", (config.count as number | undefined) ?? 1, { int: true, min: 1 });
  const batch = num(v.batch as string | undefined, "batch", 540, { int: true, min: 1 });
  if (batch % count !== 0) throw new UsageError(`--batch ${batch} is not divisible by --emitters ${count}`);
  return { emitter: ENGINE[type](config, batch / count, count, given, v), type, count, perEmitter: batch / count, chains: "count" in config };
}

/**
 * `--extra-emitters '<JSON>'`: the bandit pool's further groups, written as the REST API's
 * `extraEmitters` (each group a registered kind's config with its own `count`), judged by the same
 * schema; every member gets the first group's evaluations per emitter.
 */
export function extraEmittersFromFlag(raw: string, perEmitter: number): EmitterSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new UsageError(`--extra-emitters must be a JSON array of emitter groups, e.g. '[{"type":"iso-line","isoSigma":0.01,"lineSigma":0.1,"count":15}]'`);
  }
  const r = ExtraEmittersConfig.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const where = i.path.length ? ` (at ${i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")})` : "";
    throw new UsageError(`--extra-emitters: ${i.message}${where}`);
  }
  return r.data.map((group) => {
    if (group.type === "cma-mae") throw new UsageError('--extra-emitters: a mixed bandit pool runs on an elitist archive; use "cma-me" groups, not "cma-mae"');
    return ENGINE[group.type](group, perEmitter, group.count, new Set(Object.keys(group)), {});
  });
}
