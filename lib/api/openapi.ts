import { z } from "zod";
import { ExperimentSpec } from "@/lib/experiments/config";
import * as S from "./schemas";
import { RESPONSE_SCHEMAS } from "./responses";

/**
 * OpenAPI 3.1 document of the REST API, generated from the zod schemas that
 * validate the requests and from those describing the responses (./responses.ts).
 */
const schema = (s: z.ZodType) => {
  const out = z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
};

function queryParams(s: z.ZodObject) {
  const js = schema(s) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, sch]) => ({ name, in: "query", required: js.required?.includes(name) ?? false, schema: sch }));
}

const idParam = (name = "id", what = "experiment") => ({ name, in: "path", required: true, description: `${what} id (UUID)`, schema: { type: "string", format: "uuid" } });
const body = (s: z.ZodType | Record<string, unknown>) => ({ required: true, content: { "application/json": { schema: s instanceof z.ZodType ? schema(s) : s } } });
const errorRef = { $ref: "#/components/schemas/Error" };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: ERR[c] ?? "error", content: { "application/json": { schema: errorRef } } }]));
const ERR: Record<number, string> = {
  400: "malformed request (bad JSON, wrong types, unknown fields, out-of-range values)",
  401: "missing or wrong bearer token (when QD_API_TOKEN is set)",
  403: "refused at the edge: a Host this server does not answer to, or a state change from another site's page (Origin / Sec-Fetch-Site)",
  404: "unknown (or malformed) id",
  405: "method not allowed",
  409: "wrong state for this action",
  410: "expired (asked candidates not told before their batch's expiresAt)",
  413: "body too large",
  415: "the body is not declared as JSON (Content-Type missing or not application/json)",
  422: "well-formed but inconsistent with the experiment (unknown candidate, wrong genome or descriptor length)",
  429: "too many wrong tokens from this client lately; retry after Retry-After seconds",
};
/** Response schemas by name, with $refs between them (components.schemas). */
function responseSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(RESPONSE_SCHEMAS)) registry.add(s, { id });
  const { schemas } = z.toJSONSchema(registry, { io: "output", unrepresentable: "any", target: "draft-2020-12", uri: (id) => `#/components/schemas/${id}` });
  // Drop the per-schema $schema/$id and zod's safe-integer bounds (noise for readers and generators).
  return JSON.parse(JSON.stringify(schemas, (k, v) => (k === "$schema" || k === "$id" || ((k === "minimum" || k === "maximum") && Math.abs(v) === Number.MAX_SAFE_INTEGER) ? undefined : v)));
}
type ResponseName = keyof typeof RESPONSE_SCHEMAS;
const ref = (name: ResponseName) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, content = "application/json", name?: ResponseName) => ({ description, content: { [content]: name ? { schema: ref(name) } : {} } });
const okJson = (description: string, name: ResponseName) => ok(description, "application/json", name);
const std = [400, 401, 403, 404, 405, 429];

export function openApiDocument() {
  const createBody = schema(ExperimentSpec) as { properties: Record<string, unknown> };
  createBody.properties.start = { type: "boolean", description: "start the experiment right after creating it" };
  const exp = (op: string, summary: string) => ({
    post: { operationId: op, summary, parameters: [idParam()], responses: { "200": okJson("the experiment", "Experiment"), ...errors(...std, 409) } },
  });
  return {
    openapi: "3.1.0",
    info: {
      title: "QD Studio REST API",
      version: "1",
      description:
        "Quality-diversity search with MAP-Elites. Errors: { error: { code, message, issues?: [{ path, message }] } }. " +
        "Malformed or unknown ids are 404. Lists use keyset pagination: pass `nextCursor` as `cursor`. " +
        "When QD_API_TOKEN is set, send Authorization: Bearer <token>.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        ...responseSchemas(),
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
              },
            },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      "/api/experiments": {
        get: { operationId: "listExperiments", summary: "List experiments, newest first", parameters: queryParams(S.ListQuery), responses: { "200": okJson("a page of experiments", "ExperimentList"), ...errors(400, 401) } },
        post: { operationId: "createExperiment", summary: "Create (and optionally start) an experiment", requestBody: body(createBody), responses: { "201": okJson("the experiment", "Experiment"), ...errors(400, 401, 413, 415) } },
      },
      "/api/experiments/{id}": {
        get: { operationId: "getExperiment", parameters: [idParam()], responses: { "200": okJson("the experiment, with metrics", "Experiment"), ...errors(...std) } },
        patch: { operationId: "updateExperiment", parameters: [idParam()], requestBody: body(S.PatchExperimentBody), responses: { "200": okJson("the experiment", "Experiment"), ...errors(...std) } },
        delete: { operationId: "deleteExperiment", parameters: [idParam()], responses: { "204": { description: "deleted" }, ...errors(...std, 409) } },
      },
      "/api/experiments/{id}/start": exp("startExperiment", "Start a draft experiment"),
      "/api/experiments/{id}/pause": exp("pauseExperiment", "Pause a running experiment"),
      "/api/experiments/{id}/resume": exp("resumeExperiment", "Resume a paused (or failed) experiment"),
      "/api/experiments/{id}/cancel": exp("cancelExperiment", "Cancel an experiment"),
      "/api/experiments/{id}/archive": {
        get: { operationId: "getArchive", summary: "All elites (columnar) plus the grid/CVT geometry", parameters: [idParam(), ...queryParams(S.ArchiveQuery)], responses: { "200": okJson("the geometry and the elites, column by column", "Archive"), ...errors(...std) } },
      },
      "/api/experiments/{id}/elites": {
        get: { operationId: "listElites", summary: "The archive as a table: one page of elites (with operator, model, cost), sorted and filtered", parameters: [idParam(), ...queryParams(S.EliteListQuery)], responses: { "200": okJson("a page of elites with the filters' choices", "ElitePage"), ...errors(...std) } },
      },
      "/api/experiments/{id}/budget": {
        get: { operationId: "getBudget", summary: "Where the budget went: evaluations, tokens and cost per model, operator, island and outcome, over the run; evaluation times and cascade stages", parameters: [idParam(), ...queryParams(S.BudgetQuery)], responses: { "200": okJson("evaluations, tokens and cost by model, operator, island and outcome, over the run, and evaluation times (outcome \"duplicate\": rejected before evaluation, not counted in evaluations)", "BudgetReport"), ...errors(...std) } },
      },
      "/api/experiments/{id}/search-archive": {
        get: { operationId: "getSearchArchive", summary: "Proximity / density / discount archives: the points the proximity archive keeps (with objectives), the density archive's reservoir (at most 5,000, evenly sampled), or the discount model's surface on a 60 × 60 lattice; 404 for grid and CVT runs", parameters: [idParam()], responses: { "200": okJson("the search archive's points (proximity), reservoir (density) or discount surface (discount)", "SearchArchiveReport"), ...errors(...std) } },
      },
      "/api/experiments/{id}/bandit": {
        get: { operationId: "getBandit", summary: "Bandit scheduler runs (ME-MAP-Elites): the emitter pool, per member its kind, whether a slot runs it, selections, successes and success rate; 404 for other runs", parameters: [idParam()], responses: { "200": okJson("the pool with the bandit's counts, per member and per group", "BanditReport"), ...errors(...std) } },
      },
      "/api/experiments/{id}/models": {
        get: { operationId: "getModels", summary: "LLM runs: per model, its calls, cost, archive gain and improvements (the model bandit's record), and the same over the run", parameters: [idParam()], responses: { "200": okJson("per model: calls, cost, archive gain, improvements and the bandit's value; and the same over the run", "ModelsReport"), ...errors(...std) } },
      },
      "/api/experiments/{id}/prompts": {
        get: { operationId: "getPrompts", summary: "Evolving prompts (emitter.prompts.evolve): the system-message variants with the prompt bandit's record (children, improvements, archive gain)", parameters: [idParam()], responses: { "200": okJson("the prompt variants with their record", "PromptsReport"), ...errors(...std) } },
      },
      "/api/experiments/{id}/prompts/{variant}": {
        get: { operationId: "getPromptVariant", summary: "One prompt variant: its text, record, the meta-prompt and reply that wrote it, its children by status and the most recent ones", parameters: [idParam(), { name: "variant", in: "path", required: true, schema: { type: "integer", minimum: 0 } }], responses: { "200": okJson("the variant, the meta-prompt and reply that wrote it, and its children", "PromptVariant"), ...errors(...std) } },
      },
      "/api/experiments/{id}/phylogeny": {
        get: { operationId: "getPhylogeny", summary: "The ancestry DAG of the current elites (every stored solution leading to one), columnar, in creation order; parents as global node indexes", parameters: [idParam(), ...queryParams(S.PhylogenyQuery)], responses: { "200": ok("{ total, offset, nextOffset, elites, ids, parentStart, parents, fitness, cell, operators, operator, models, model, createdAt, elite }"), ...errors(...std) } },
      },
      "/api/experiments/{id}/history": {
        get: { operationId: "getArchiveHistory", summary: "The archive's accepted writes in revision order (cell, fitness, revision, createdAt) and the snapshots' times, to replay the archive", parameters: [idParam(), ...queryParams(S.HistoryQuery)], responses: { "200": ok("{ after, nextAfter, cells, cell, fitness, revision, createdAt, snapshots }"), ...errors(...std) } },
      },
      "/api/experiments/{id}/elites/{cell}": {
        get: { operationId: "getElite", parameters: [idParam(), { name: "cell", in: "path", required: true, schema: { type: "integer", minimum: 0 } }], responses: { "200": okJson("the cell's elite with its solution", "Elite"), ...errors(...std) } },
      },
      "/api/experiments/{id}/metrics": {
        get: { operationId: "getMetrics", parameters: [idParam(), ...queryParams(S.MetricsQuery)], responses: { "200": okJson("metric snapshots, oldest first", "Metrics"), ...errors(...std) } },
      },
      "/api/experiments/{id}/metrics/keys": {
        get: { operationId: "getMetricKeys", summary: "Keys of the evaluator's metrics produced so far, with counts and ranges", parameters: [idParam()], responses: { "200": okJson("metric keys", "MetricKeys"), ...errors(...std) } },
      },
      "/api/experiments/{id}/events": {
        get: { operationId: "streamEvents", summary: "Server-Sent Events: hello (the experiment), status (StatusEvent), batch (BatchEvent), snapshot (SnapshotEvent); each message's data is one JSON object", parameters: [idParam(), ...queryParams(S.EventsQuery), { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" } }], responses: { "200": ok("event stream", "text/event-stream"), ...errors(...std) } },
      },
      "/api/experiments/{id}/solutions": {
        get: { operationId: "listSolutions", summary: "Evaluated and failed candidates, newest first (failures carry the evaluator's reason)", parameters: [idParam(), ...queryParams(S.SolutionsQuery)], responses: { "200": okJson("a page of solutions, newest first", "SolutionList"), ...errors(...std) } },
        post: { operationId: "submitSolutions", summary: "Submit genomes to evaluate (external domains: become pending candidates)", parameters: [idParam()], requestBody: body(S.SubmitBody), responses: { "200": okJson("evaluated now: insertion statuses", "SubmitResponse"), "201": okJson("pending candidates (external domains)", "SubmitResponse"), "202": okJson("queued for the experiment's evaluator", "SubmitResponse"), ...errors(...std, 409, 413, 422) } },
      },
      "/api/experiments/{id}/ask": {
        post: { operationId: "ask", summary: "Candidates from the experiment's emitter (external domains)", parameters: [idParam()], requestBody: body(S.AskBody), responses: { "200": { description: 'candidates to evaluate (encoding "binary": application/octet-stream, an AskBinaryHeader JSON line then the raw genome and parent blocks)', content: { "application/json": { schema: ref("AskResponse") }, "application/octet-stream": { schema: { type: "string", format: "binary" } } } }, ...errors(...std, 409) } },
      },
      "/api/experiments/{id}/tell": {
        post: { operationId: "tell", summary: "Results of asked candidates", parameters: [idParam()], requestBody: body(S.TellBody), responses: { "200": okJson("what the archive did with each result", "TellResponse"), ...errors(...std, 409, 410, 413, 422) } },
      },
      "/api/experiments/{id}/export": {
        get: { operationId: "exportArchive", parameters: [idParam(), ...queryParams(S.ExportQuery)], responses: { "200": { description: "CSV or JSON, streamed", content: { "text/csv": {}, "application/json": { schema: ref("ExportJson") } } }, ...errors(...std) } },
      },
      "/api/solutions/{id}": {
        get: { operationId: "getSolution", parameters: [idParam("id", "solution")], responses: { "200": okJson("the solution, genome decoded", "Solution"), ...errors(...std) } },
      },
      "/api/solutions/{id}/lineage": {
        get: { operationId: "getLineage", parameters: [idParam("id", "solution"), ...queryParams(S.LineageQuery)], responses: { "200": okJson("the chain of first parents", "Lineage"), ...errors(...std) } },
      },
      "/api/tags": {
        get: { operationId: "listTags", summary: "Every tag on an experiment, most used first", responses: { "200": ok("{ tags: [{ tag, count }] }"), ...errors(401) } },
      },
      "/api/templates": {
        get: { operationId: "listTemplates", summary: "Saved experiment configurations, most recently saved first", responses: { "200": ok("{ templates: [{ id, name, description, config, createdAt, updatedAt }] }"), ...errors(401) } },
        post: { operationId: "saveTemplate", summary: "Save an experiment configuration as a named template", requestBody: body(S.CreateTemplateBody), responses: { "201": ok("the template"), ...errors(400, 401, 409, 413, 415) } },
      },
      "/api/templates/{id}": {
        get: { operationId: "getTemplate", parameters: [idParam("id", "template")], responses: { "200": ok("the template"), ...errors(...std) } },
        delete: { operationId: "deleteTemplate", parameters: [idParam("id", "template")], responses: { "204": { description: "deleted" }, ...errors(...std) } },
      },
      "/api/queues": {
        get: { operationId: "getQueues", responses: { "200": okJson("the queues' job counts and latest failures, and the live workers", "QueueHealth"), ...errors(401) } },
      },
      "/api/session": {
        post: { operationId: "login", security: [], requestBody: body(S.SessionBody), responses: { "200": ok("sets the session cookie"), ...errors(400, 401) } },
        delete: { operationId: "logout", security: [], responses: { "204": { description: "cookie cleared" } } },
      },
      "/api/openapi.json": { get: { operationId: "openapi", security: [], responses: { "200": ok("this document") } } },
    },
  };
}
