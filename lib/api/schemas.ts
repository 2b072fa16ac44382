import { z } from "zod";
import { apiKeyEnvFields, apiKeyEnvRefusal } from "@/lib/secret-env";
import { ExperimentSpec } from "@/lib/experiments/config";

/**
 * Request schemas of the REST API: they validate every input (params, query,
 * body) and generate the OpenAPI document, so the two never disagree.
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const Uuid = (label: string) => z.string({ error: `${label} must be a string` }).regex(UUID_RE, `${label} must be a UUID`);

export const STATUSES = ["draft", "queued", "running", "paused", "completed", "cancelled", "failed"] as const;
export type Status = (typeof STATUSES)[number];

// ---- params ----
export const ExperimentParams = z.object({ id: Uuid("experiment id") });
export const SolutionParams = z.object({ id: Uuid("solution id") });
export const CellParams = z.object({
  id: Uuid("experiment id"),
  cell: z.string().regex(/^\d{1,9}$/, "cell must be a non-negative whole number").transform(Number),
});
export const PromptVariantParams = z.object({
  id: Uuid("experiment id"),
  variant: z.string().regex(/^\d{1,6}$/, "variant must be a non-negative whole number").transform(Number),
});

// ---- query ----
/** Query values arrive as strings; a repeated key is an array (rejected here: each takes one value). */
const qInt = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label} must be given once` })
    .regex(/^-?\d+$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${label} must be at least ${min}`).max(max, `${label} must be at most ${max}`));
const qBool = (label: string) =>
  z.enum(["1", "0", "true", "false"], { error: `${label} must be 1, 0, true or false` }).transform((v) => v === "1" || v === "true");

export const ListQuery = z
  .object({
    status: z
      .string({ error: "status must be given once (comma-separate several)" })
      .transform((s) => s.split(",").map((x) => x.trim()))
      .pipe(z.array(z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(", ")}` })))
      .optional(),
    limit: qInt("limit", 1, 200).default(50),
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.string({ error: "cursor must be given once" }).max(200).optional(),
    /** Words that must all appear in the name, the notes or the domain (case-insensitive). */
    q: z.string({ error: "q must be given once" }).max(200, "q must be at most 200 characters").optional(),
    /** Experiments carrying every one of these tags (comma-separated). */
    tag: z
      .string({ error: "tag must be given once (comma-separate several)" })
      .max(500, "tag is too long")
      .transform((s) => [...new Set(s.split(",").map((x) => x.trim().toLowerCase()).filter(Boolean))])
      .optional(),
  })
  .strict();

/** "invalid": the operator produced nothing evaluable (an unusable LLM reply, a mutation that threw). */
export const SOLUTION_LIST_STATUSES = ["evaluated", "failed", "invalid", "duplicate"] as const;

/** `GET /api/experiments/:id/solutions`: evaluated, failed and/or invalid candidates, newest first. */
export const SolutionsQuery = z
  .object({
    status: z
      .string({ error: "status must be given once (comma-separate several)" })
      .transform((s) => s.split(",").map((x) => x.trim()))
      .pipe(z.array(z.enum(SOLUTION_LIST_STATUSES, { error: `status must be ${SOLUTION_LIST_STATUSES.join(" or ")}` })))
      .optional(),
    limit: qInt("limit", 1, 200).default(50),
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.string({ error: "cursor must be given once" }).max(200).optional(),
  })
  .strict();

export const MetricsQuery = z
  .object({
    /** Snapshots taken after this many evaluations (exclusive). */
    after: qInt("after", -1, 2_147_483_647).default(-1),
    limit: qInt("limit", 1, 10_000).default(1000),
  })
  .strict();

export const ArchiveQuery = z
  .object({
    /** Only elites written after this archive revision (incremental refresh). */
    after: qInt("after", -1, Number.MAX_SAFE_INTEGER).optional(),
    /** Experiments with islands: that island's archive (0-based) instead of the union. */
    island: qInt("island", 0, 63).optional(),
    /** `columns`: the compact binary form (lib/api/archive-columns.ts), gzipped application/octet-stream. Default: JSON. */
    format: z.enum(["json", "columns"], { message: "format must be json or columns" }).optional(),
  })
  .strict();

export const ExportQuery = z
  .object({
    format: z.enum(["csv", "json"], { error: 'format must be "csv" or "json"' }).default("json"),
    all: qBool("all").default(false),
  })
  .strict();

export const LineageQuery = z.object({ maxDepth: qInt("maxDepth", 1, 100_000).default(10_000) }).strict();

export const EventsQuery = z
  .object({
    /** Resume after this event id (same as the Last-Event-ID header). */
    after: qInt("after", 0, Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

export const EmptyQuery = z.object({}).strict();

// ---- bodies ----
const finite = (label: string) =>
  z.number({ error: (iss) => (iss.input === undefined ? `${label} is required` : typeof iss.input === "number" ? `${label} must be finite` : `${label} must be a number`) }).finite(`${label} must be finite`);

/** `POST /api/experiments`: the experiment configuration, plus `start` to start it at once. */
export const CreateExperimentBody = z
  .object({ start: z.boolean({ error: "start must be true or false" }).optional() })
  .catchall(z.unknown())
  .transform((b, ctx) => {
    const { start, ...config } = b;
    const parsed = ExperimentSpec.safeParse(config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as never);
      return z.NEVER;
    }
    // Which variables a worker may read as an API key is the server operator's call (lib/secret-env.ts).
    let refused = false;
    for (const f of apiKeyEnvFields(parsed.data)) {
      const why = apiKeyEnvRefusal(f.name);
      if (why) (ctx.addIssue({ code: "custom", path: f.path, message: why }), (refused = true));
    }
    if (refused) return z.NEVER;
    return { start: start ?? false, config: parsed.data };
  });

/** A tag: a short label, lower-cased, no commas (they separate tags in query strings). */
export const Tag = z
  .string({ error: "each tag must be a string" })
  .trim()
  .toLowerCase()
  .min(1, "a tag must not be empty")
  .max(40, "a tag must be at most 40 characters")
  .regex(/^[^,\s](?:[^,]*[^,\s])?$/, "a tag must not contain commas");

export const Tags = z
  .array(Tag, { error: "tags must be an array of strings" })
  .max(20, "at most 20 tags")
  .transform((t) => [...new Set(t)]);

export const PatchExperimentBody = z
  .object({
    name: z.string({ error: "name must be a string" }).trim().min(1, "name must not be empty").max(200, "name must be at most 200 characters").optional(),
    notes: z.string({ error: "notes must be a string" }).max(10_000, "notes must be at most 10,000 characters").optional(),
    /** Replaces the experiment's tags. */
    tags: Tags.optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.notes !== undefined || b.tags !== undefined, { message: "give name, notes and/or tags to change" });

// ---- templates ----
export const TemplateParams = z.object({ id: Uuid("template id") });

/** `POST /api/templates`: a named experiment configuration to start runs from. */
export const CreateTemplateBody = z
  .object({
    name: z.string({ error: "name must be a string" }).trim().min(1, "name must not be empty").max(200, "name must be at most 200 characters"),
    description: z.string({ error: "description must be a string" }).max(2000, "description must be at most 2,000 characters").default(""),
    config: z.record(z.string(), z.unknown(), { error: "config must be an experiment configuration (an object)" }),
    /** Overwrite a template of the same name instead of failing with 409. */
    replace: z.boolean({ error: "replace must be true or false" }).default(false),
  })
  .strict()
  .transform((b, ctx) => {
    const parsed = ExperimentSpec.safeParse(b.config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ["config", ...issue.path] } as never);
      return z.NEVER;
    }
    return { ...b, config: parsed.data };
  });

export const ActionBody = z.object({}).strict();

export const AskBody = z
  .object({
    count: z.number({ error: "count must be a number" }).int("count must be a whole number").min(1, "count must be at least 1").max(10_000, "count must be at most 10,000"),
    /**
     * "base64": genomes as one little-endian float64 block (ids, dim, genomes, parentIds): no float formatting or parsing on either side.
     * "binary": an application/octet-stream answer, one JSON header line then the raw blocks (lib/api/ask-binary.ts): no base64 and no JSON array at all.
     */
    encoding: z.enum(["json", "base64", "binary"], { error: 'encoding must be "json", "base64" or "binary"' }).default("json"),
    /** How long the candidates reserve budget; untold after that, they are released and refused. Default one day. */
    ttlSeconds: z.number({ error: "ttlSeconds must be a number" }).int("ttlSeconds must be a whole number").min(1, "ttlSeconds must be at least 1").max(604_800, "ttlSeconds must be at most 604,800 (7 days)").optional(),
  })
  .strict();

export const TellResult = z
  .object({
    candidateId: Uuid("candidateId"),
    fitness: finite("fitness").optional(),
    descriptors: z.array(finite("each descriptor"), { error: "descriptors must be an array of numbers" }).max(8, "at most 8 descriptor values").optional(),
    metrics: z
      .record(
        z.string(),
        z.unknown().refine((v) => typeof v !== "number" || Number.isFinite(v), "each metric must be finite"),
        { error: "metrics must be an object" },
      )
      .optional(),
    /** Seconds or milliseconds the evaluation took, for the record. */
    evalMs: z.number({ error: "evalMs must be a number" }).finite().nonnegative("evalMs must be >= 0").optional(),
    /** The evaluation failed: counts against the budget, inserts nothing. */
    error: z.string({ error: "error must be a string" }).max(10_000, "error must be at most 10,000 characters").optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.error !== undefined) return;
    if (r.fitness === undefined) ctx.addIssue({ code: "custom", path: ["fitness"], message: "fitness is required (or give error for a failed evaluation)" });
    if (r.descriptors === undefined) ctx.addIssue({ code: "custom", path: ["descriptors"], message: "descriptors are required (or give error for a failed evaluation)" });
  });
export type TellResult = z.infer<typeof TellResult>;

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const Base64 = (label: string) =>
  z
    .string({ error: `${label} must be a base64 string` })
    .max(2_000_000, `${label} must be at most 2,000,000 characters`)
    .refine((s) => s.length % 4 === 0 && BASE64_RE.test(s), `${label} must be base64 (standard alphabet, padded)`);

/**
 * Two forms. `results`: one object per candidate. Or the binary form of a whole asked batch (or a
 * run of it): `batchId` (from ask), `start` (first candidate index, default 0), `fitness`
 * (n float64) and `descriptors` (n × descriptors float64), little-endian, base64; a non-finite
 * value records that candidate as a failed evaluation.
 */
export const TellBody = z
  .object({
    results: z.array(TellResult, { error: "results must be an array" }).min(1, "results must not be empty").max(10_000, "at most 10,000 results per tell").optional(),
    batchId: Uuid("batchId").optional(),
    start: z.number({ error: "start must be a number" }).int("start must be a whole number").min(0, "start must be >= 0").max(9_999, "start must be at most 9,999").optional(),
    fitness: Base64("fitness").optional(),
    descriptors: Base64("descriptors").optional(),
    /** "blocks": answer with `statuses` and `cells` as binary columns instead of one result object per candidate. */
    answer: z.enum(["json", "blocks"], { error: 'answer must be "json" or "blocks"' }).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const blocks = b.batchId !== undefined || b.fitness !== undefined || b.descriptors !== undefined || b.start !== undefined;
    if (b.results === undefined && !blocks) {
      ctx.addIssue({ code: "custom", path: ["results"], message: "results are required (or batchId, fitness and descriptors as float64 blocks)" });
      return;
    }
    if (b.results !== undefined && blocks) {
      ctx.addIssue({ code: "custom", path: ["results"], message: "give either results or batchId/fitness/descriptors, not both" });
      return;
    }
    if (b.results === undefined) {
      for (const k of ["batchId", "fitness", "descriptors"] as const) if (b[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: `${k} is required with the binary form` });
      return;
    }
    const seen = new Map<string, number>();
    b.results.forEach((r, i) => {
      const id = r.candidateId.toLowerCase();
      if (seen.has(id)) ctx.addIssue({ code: "custom", path: ["results", i, "candidateId"], message: `candidate ${r.candidateId} appears twice (also at results[${seen.get(id)}])` });
      else seen.set(id, i);
    });
  });
export type TellBody = z.infer<typeof TellBody>;

const TELL_KEYS = new Set(["candidateId", "fitness", "descriptors", "metrics", "evalMs", "error"]);
const finiteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The hot path of ask/tell loops: a well-formed tell body checked by hand (zod takes several
 * times longer on 10,000 results). Returns the body exactly when TellBody would accept it
 * unchanged, and null for anything else, which then goes through TellBody for its located
 * messages (schemas.test.ts holds the two to the same verdicts).
 */
export function quickTellBody(raw: unknown): z.infer<typeof TellBody> | null {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const keys = Object.keys(raw);
  const answer = (raw as { answer?: unknown }).answer;
  if (!keys.includes("results") || keys.length !== (keys.includes("answer") ? 2 : 1) || (answer !== undefined && answer !== "json" && answer !== "blocks")) return null;
  const results = (raw as { results: unknown }).results;
  if (!Array.isArray(results) || results.length < 1 || results.length > 10_000) return null;
  const seen = new Set<string>();
  for (const r of results) {
    if (!r || typeof r !== "object" || Array.isArray(r)) return null;
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!TELL_KEYS.has(k)) return null;
    if (typeof o.candidateId !== "string" || !UUID_RE.test(o.candidateId)) return null;
    const id = o.candidateId.toLowerCase();
    if (seen.has(id)) return null;
    seen.add(id);
    if ("error" in o && (typeof o.error !== "string" || o.error.length > 10_000)) return null;
    if ("fitness" in o && !finiteNumber(o.fitness)) return null;
    if ("descriptors" in o && (!Array.isArray(o.descriptors) || o.descriptors.length > 8 || !o.descriptors.every(finiteNumber))) return null;
    if ("metrics" in o && (!o.metrics || typeof o.metrics !== "object" || Array.isArray(o.metrics) || Object.values(o.metrics).some((v) => typeof v === "number" && !Number.isFinite(v)))) return null;
    if ("evalMs" in o && !(finiteNumber(o.evalMs) && o.evalMs >= 0)) return null;
    if (!("error" in o) && (!("fitness" in o) || !("descriptors" in o))) return null;
  }
  return raw as z.infer<typeof TellBody>;
}

export const SubmitBody = z
  .object({
    solutions: z
      .array(
        z
          .object({
            /** Numbers for vector experiments; a program/text string or any JSON value for LLM and JSON-genome experiments (checked against the experiment). */
            genome: z.unknown().refine((v) => v !== undefined && v !== null, "genome is required"),
            parentIds: z.array(Uuid("parentIds[]")).max(8, "at most 8 parents").optional(),
          })
          .strict(),
        { error: "solutions must be an array" },
      )
      .min(1, "solutions must not be empty")
      .max(10_000, "at most 10,000 solutions per request"),
    /** Repeat a request with the same key and it is counted once. */
    idempotencyKey: z.string({ error: "idempotencyKey must be a string" }).min(1).max(200, "idempotencyKey must be at most 200 characters").optional(),
  })
  .strict();

export const SessionBody = z.object({ token: z.string({ error: "token must be a string" }).min(1, "token must not be empty").max(1000) }).strict();

// ---- elite table ----
export const ELITE_SORT_KEYS = ["fitness", "cell", "createdAt", "operator", "model"] as const;
const ELITE_SORT_RE = /^(fitness|cell|createdAt|operator|model|d[0-7])$/;
const qNum = (label: string) =>
  z
    .string({ error: `${label} must be given once` })
    .refine((s) => s.trim() !== "" && Number.isFinite(Number(s)), `${label} must be a finite number`)
    .transform(Number);
const qList = (label: string) =>
  z
    .string({ error: `${label} must be given once (comma-separate several)` })
    .max(2000, `${label} is too long`)
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));

/** A descriptor interval "k:lo:hi" (descriptor index k, inclusive bounds). */
export interface DescriptorRange {
  index: number;
  min: number;
  max: number;
}

/**
 * `GET /api/experiments/:id/elites`: one page of the archive as a table, sorted and filtered in SQL.
 * `ranges=0:-1:1,2:0:0.5` keeps elites whose descriptor 0 is in [-1, 1] and descriptor 2 in [0, 0.5]
 * (the parallel-coordinates brush sends exactly this).
 */
export const EliteListQuery = z
  .object({
    sort: z
      .string({ error: "sort must be given once" })
      .regex(ELITE_SORT_RE, `sort must be one of ${ELITE_SORT_KEYS.join(", ")} or d0…d7 (a descriptor)`)
      .default("fitness"),
    order: z.enum(["asc", "desc"], { error: 'order must be "asc" or "desc"' }).default("desc"),
    limit: qInt("limit", 1, 500).default(50),
    offset: qInt("offset", 0, 10_000_000).default(0),
    fitnessMin: qNum("fitnessMin").optional(),
    fitnessMax: qNum("fitnessMax").optional(),
    operator: qList("operator").optional(),
    model: qList("model").optional(),
    ranges: z
      .string({ error: "ranges must be given once (comma-separate several)" })
      .max(2000, "ranges is too long")
      .transform((s, ctx): DescriptorRange[] => {
        const out: DescriptorRange[] = [];
        for (const part of s.split(",").filter((p) => p.trim())) {
          const m = /^\s*(\d)\s*:\s*([^:]+?)\s*:\s*([^:]+?)\s*$/.exec(part);
          const lo = m ? Number(m[2]) : NaN;
          const hi = m ? Number(m[3]) : NaN;
          if (!m || Number(m[1]) > 7 || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
            ctx.addIssue({ code: "custom", message: `ranges: "${part}" is not index:min:max (index 0…7, min ≤ max, finite numbers)` });
            return z.NEVER;
          }
          out.push({ index: Number(m[1]), min: lo, max: hi });
        }
        return out;
      })
      .optional(),
  })
  .strict();
export type EliteListQuery = z.infer<typeof EliteListQuery>;

/** `GET /api/experiments/:id/budget`: into how many slices the run is cut for the over-time view. */
export const BudgetQuery = z.object({ buckets: qInt("buckets", 1, 200).default(40) }).strict();

/** `GET /api/experiments/:id/phylogeny`: one page of the ancestry DAG of the current elites (nodes in creation order). */
export const PhylogenyQuery = z
  .object({
    offset: qInt("offset", 0, 100_000_000).default(0),
    limit: qInt("limit", 1, 200_000).default(100_000),
  })
  .strict();

/** `GET /api/experiments/:id/history`: one page of the archive's accepted writes, in revision order. */
export const HistoryQuery = z
  .object({
    after: qInt("after", -1, Number.MAX_SAFE_INTEGER).default(-1),
    limit: qInt("limit", 1, 1_000_000).default(500_000),
  })
  .strict();
