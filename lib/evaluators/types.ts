/**
 * Common contract of all user evaluators (command, webhook, javascript).
 *
 * An evaluator receives candidates `{ id, genome }` and returns, in the same order, one result per
 * candidate. It never throws for a candidate's failure: each failure is `{ ok: false, error }` with
 * a readable reason (and whatever logs were captured).
 */
import { z } from "zod";

export interface Candidate {
  id: string;
  genome: unknown;
}

export type EvalResult =
  | { ok: true; fitness: number; descriptors?: number[]; metrics?: Record<string, number>; logs?: string; ms: number }
  | { ok: false; error: string; logs?: string; ms: number };

export interface Evaluator {
  /**
   * Evaluate candidates; results are in the same order. Never rejects for per-candidate failures.
   * `opts.signal`: stop early (candidates not yet started fail as cancelled).
   */
  evaluate(candidates: Candidate[], opts?: { signal?: AbortSignal }): Promise<EvalResult[]>;
  /** Release processes / isolates / temp dirs. */
  close(): Promise<void>;
}

const finite = z.number({
  error: (iss) =>
    iss.input === undefined ? "is required" : typeof iss.input === "number" ? `must be a finite number, got ${iss.input}` : `must be a number, got ${describe(iss.input)}`,
}).refine(Number.isFinite, {
  error: (iss) => `must be a finite number, got ${describe(iss.input)}`,
});

function describe(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return typeof v;
}

/** What an evaluator program must return for one candidate. Unknown keys are ignored. */
export const EvaluatorOutput = z.object(
  {
    fitness: finite,
    descriptors: z.array(finite, { error: (iss) => `must be an array of numbers, got ${describe(iss.input)}` }).optional(),
    metrics: z.record(z.string(), finite, { error: (iss) => `must be an object of numbers, got ${describe(iss.input)}` }).optional(),
  },
  { error: (iss) => `expected a JSON object like {"fitness": 1.0}, got ${describe(iss.input)}` },
);
export type EvaluatorOutput = z.infer<typeof EvaluatorOutput>;

/** Options shared by every evaluator config. */
export const descriptorCountField = z
  .number()
  .int()
  .min(0)
  .max(64)
  .optional()
  .describe("If set, every result must carry exactly this many descriptors.");

/** Format zod issues as `path: message; path: message`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join("; ");
}

/**
 * Validate one raw output (already parsed JSON, where NaN/Infinity may appear as numbers) into a
 * result. `ms`/`logs` are passed through.
 */
/** How an evaluator turns one raw output into a result (the program domain reads its own contract). */
export type ResultReader = (raw: unknown, opts: { descriptorCount?: number; ms: number; logs?: string }) => EvalResult;

export function toResult(raw: unknown, opts: { descriptorCount?: number; ms: number; logs?: string }): EvalResult {
  const base = { ms: opts.ms, ...(opts.logs ? { logs: opts.logs } : {}) };
  if (raw && typeof raw === "object" && !Array.isArray(raw) && "error" in raw && !("fitness" in raw)) {
    const e = (raw as { error: unknown }).error;
    return { ok: false, error: `evaluator reported an error: ${typeof e === "string" ? e : JSON.stringify(e)}`, ...base };
  }
  const parsed = EvaluatorOutput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `invalid output: ${formatIssues(parsed.error)}`, ...base };
  const out = parsed.data;
  if (opts.descriptorCount !== undefined && (out.descriptors?.length ?? -1) !== opts.descriptorCount) {
    return {
      ok: false,
      error:
        out.descriptors === undefined
          ? `invalid output: descriptors: expected ${opts.descriptorCount} descriptors, got none`
          : `invalid output: descriptors: expected ${opts.descriptorCount} descriptors, got ${out.descriptors.length}`,
      ...base,
    };
  }
  return {
    ok: true,
    fitness: out.fitness,
    ...(out.descriptors ? { descriptors: out.descriptors } : {}),
    ...(out.metrics ? { metrics: out.metrics } : {}),
    ...base,
  };
}

const NAN = "\u0000qd:NaN";
const INF = "\u0000qd:Infinity";
const NINF = "\u0000qd:-Infinity";

/**
 * JSON.parse that also accepts the bare tokens `NaN`, `Infinity` and `-Infinity` outside strings
 * (what Python's json.dumps writes for non-finite floats), so that validation can say
 * "fitness: must be a finite number, got NaN" instead of "bad JSON".
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
  }
  let out = "";
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      out += c;
      if (c === "\\") {
        out += text[i + 1] ?? "";
        i++;
      } else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') {
      inStr = true;
      out += c;
    } else if (text.startsWith("NaN", i)) {
      out += JSON.stringify(NAN);
      i += 2;
    } else if (text.startsWith("-Infinity", i)) {
      out += JSON.stringify(NINF);
      i += 8;
    } else if (text.startsWith("Infinity", i)) {
      out += JSON.stringify(INF);
      i += 7;
    } else out += c;
  }
  return JSON.parse(out, (_k, v) => (v === NAN ? NaN : v === INF ? Infinity : v === NINF ? -Infinity : v));
}

/** Run `fn` over `items` with at most `limit` in flight; results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
