import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, type TestStack, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

/**
 * Malformed requests, one kind per row: each must get a 4xx with the API's error shape
 * and a message that says what is wrong (and, for fields, where). Never a 500.
 */
let stack: TestStack;
let server: ApiServer;
const ids: Record<string, string> = {};

const valid = {
  name: "v",
  domain: { type: "sphere", dim: 10 },
  budget: { evaluations: 1000 },
};
const ext = {
  name: "ext",
  domain: { type: "external", dim: 3, bounds: [-1, 1] },
  descriptors: [
    { name: "a", min: 0, max: 1, bins: 4 },
    { name: "b", min: 0, max: 1, bins: 4 },
  ],
  budget: { evaluations: 100 },
};
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

interface Case {
  name: string;
  method?: string;
  path: string;
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
  /** Path of the first issue, when the problem is in a field. */
  issue?: string;
}

const create = (over: Record<string, unknown>) => ({ ...valid, ...over });
const tellOne = (r: Record<string, unknown>) => ({ results: [{ candidateId: ":cand", fitness: 1, descriptors: [0.5, 0.5], ...r }] });

const cases: Case[] = [
  // --- body: transport ---
  { name: "malformed JSON", method: "POST", path: "/api/experiments", body: '{"name": "x", ', status: 400, message: /not valid JSON/ },
  { name: "JSON array body", method: "POST", path: "/api/experiments", body: "[1, 2]", status: 400, message: /must be a JSON object \(got an array\)/ },
  { name: "JSON string body", method: "POST", path: "/api/experiments", body: '"hello"', status: 400, message: /must be a JSON object \(got a string\)/ },
  { name: "JSON null body", method: "POST", path: "/api/experiments", body: "null", status: 400, message: /must be a JSON object \(got null\)/ },
  { name: "empty body", method: "POST", path: "/api/experiments", body: "", status: 400, message: /body is empty/ },
  { name: "non-JSON content type", method: "POST", path: "/api/experiments", body: JSON.stringify(valid), headers: { "content-type": "text/plain" }, status: 415, message: /content-type must be application\/json \(got "text\/plain"\)/ },
  { name: "10 MB body", method: "POST", path: "/api/experiments", body: JSON.stringify({ ...valid, notes: "x".repeat(10 * 1024 * 1024) }), status: 413, message: /larger than the limit of 1 MiB/ },
  { name: "20 MB tell", method: "POST", path: "/api/experiments/:ext/tell", body: JSON.stringify({ results: [], pad: "x".repeat(20 * 1024 * 1024) }), status: 413, message: /limit of 8 MiB/ },
  // --- create: fields ---
  { name: "missing name", method: "POST", path: "/api/experiments", body: { domain: valid.domain, budget: valid.budget }, status: 400, message: /body\.name: name is required/, issue: "body.name" },
  { name: "empty name", method: "POST", path: "/api/experiments", body: create({ name: "  " }), status: 400, message: /name must not be empty/, issue: "body.name" },
  { name: "name of wrong type", method: "POST", path: "/api/experiments", body: create({ name: 42 }), status: 400, message: /name is required|name must be/, issue: "body.name" },
  { name: "name too long", method: "POST", path: "/api/experiments", body: create({ name: "n".repeat(300) }), status: 400, message: /at most 200 characters/, issue: "body.name" },
  { name: "unknown top-level field", method: "POST", path: "/api/experiments", body: create({ colour: "red" }), status: 400, message: /unknown field "colour"/ },
  { name: "missing domain", method: "POST", path: "/api/experiments", body: { name: "x", budget: valid.budget }, status: 400, message: /domain/, issue: "body.domain" },
  { name: "unknown domain type", method: "POST", path: "/api/experiments", body: create({ domain: { type: "banana" } }), status: 400, message: /domain\.type must be one of "sphere", "rastrigin", "arm", "external"/ },
  { name: "domain dim zero", method: "POST", path: "/api/experiments", body: create({ domain: { type: "sphere", dim: 0 } }), status: 400, message: /domain\.dim must be at least 1/, issue: "body.domain.dim" },
  { name: "domain dim fractional", method: "POST", path: "/api/experiments", body: create({ domain: { type: "sphere", dim: 1.5 } }), status: 400, message: /domain\.dim must be a whole number/ },
  { name: "domain dim string", method: "POST", path: "/api/experiments", body: create({ domain: { type: "sphere", dim: "ten" } }), status: 400, message: /domain\.dim must be a number/ },
  { name: "domain dim absurd", method: "POST", path: "/api/experiments", body: create({ domain: { type: "rastrigin", dim: 1e9 } }), status: 400, message: /domain\.dim must be at most 10,000/ },
  { name: "unknown domain field", method: "POST", path: "/api/experiments", body: create({ domain: { type: "arm", joints: 4, links: 3 } }), status: 400, message: /unknown field "links"/, issue: "body.domain" },
  { name: "external without descriptors", method: "POST", path: "/api/experiments", body: { ...ext, descriptors: undefined }, status: 400, message: /descriptors are required/, issue: "body.descriptors" },
  { name: "external bounds reversed", method: "POST", path: "/api/experiments", body: { ...ext, domain: { type: "external", dim: 3, bounds: [1, -1] } }, status: 400, message: /hi must be greater than lo/ },
  { name: "external bounds too short", method: "POST", path: "/api/experiments", body: { ...ext, domain: { type: "external", dim: 3, bounds: [0] } }, status: 400, message: /bounds/ },
  { name: "descriptor max below min", method: "POST", path: "/api/experiments", body: create({ descriptors: [{ name: "a", min: 0, max: 1, bins: 5 }, { name: "b", min: 5, max: 1, bins: 5 }] }), status: 400, message: /body\.descriptors\[1\]\.max: max must be greater than min/, issue: "body.descriptors[1].max" },
  { name: "descriptor zero bins", method: "POST", path: "/api/experiments", body: create({ descriptors: [{ name: "a", min: 0, max: 1, bins: 0 }, { name: "b", min: 0, max: 1, bins: 5 }] }), status: 400, message: /bins must be at least 1/, issue: "body.descriptors[0].bins" },
  { name: "descriptor without name", method: "POST", path: "/api/experiments", body: create({ descriptors: [{ min: 0, max: 1, bins: 2 }, { name: "b", min: 0, max: 1, bins: 5 }] }), status: 400, message: /name/, issue: "body.descriptors[0].name" },
  { name: "wrong descriptor count for the domain", method: "POST", path: "/api/experiments", body: create({ descriptors: [{ name: "a", min: 0, max: 1, bins: 5 }] }), status: 400, message: /domain "sphere" produces 2 descriptors; got 1/ },
  { name: "10^10-cell grid", method: "POST", path: "/api/experiments", body: create({ descriptors: [{ name: "a", min: 0, max: 1, bins: 100000 }, { name: "b", min: 0, max: 1, bins: 100000 }] }), status: 400, message: /10,000,000,000 cells; at most 1,000,000/ },
  { name: "empty descriptors", method: "POST", path: "/api/experiments", body: create({ descriptors: [] }), status: 400, message: /at least one descriptor/ },
  { name: "descriptors not an array", method: "POST", path: "/api/experiments", body: create({ descriptors: { a: 1 } }), status: 400, message: /descriptors must be an array/ },
  { name: "unknown archive type", method: "POST", path: "/api/experiments", body: create({ archive: { type: "hex" } }), status: 400, message: /archive\.type must be one of "grid", "cvt", "proximity", "density", "discount"/ },
  { name: "CVT with zero cells", method: "POST", path: "/api/experiments", body: create({ archive: { type: "cvt", cells: 0 } }), status: 400, message: /archive\.cells must be at least 1/ },
  { name: "CVT with absurd cells", method: "POST", path: "/api/experiments", body: create({ archive: { type: "cvt", cells: 1e9 } }), status: 400, message: /archive\.cells must be at most 100,000/ },
  { name: "unknown emitter", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-es" } }), status: 400, message: /emitter\.type must be one of "gaussian", "iso-line", "cma-me", "cma-mae"/ },
  { name: "negative sigma", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "gaussian", sigma: -1 } }), status: 400, message: /emitter\.sigma must be >= 0/ },
  { name: "unknown emitter type", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "me-map-elites" } }), status: 400, message: /emitter\.type must be one of "gaussian", "iso-line", "cma-me", "cma-mae", "gradient-operator"/, issue: "body.emitter.type" },
  { name: "gradient-arborescence without gradients", method: "POST", path: "/api/experiments", body: create({ domain: { type: "rastrigin", dim: 10 }, emitter: { type: "gradient-arborescence" } }), status: 400, message: /"gradient-arborescence" needs analytic gradients/, issue: "body.emitter.type" },
  { name: "bandit scheduler without CMA chains", method: "POST", path: "/api/experiments", body: create({ scheduler: { type: "bandit", numActive: 2 } }), status: 400, message: /scheduler "bandit" chooses among CMA emitter chains/, issue: "body.scheduler.type" },
  { name: "bandit numActive above the pool", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-me", count: 3 }, scheduler: { type: "bandit", numActive: 4 } }), status: 400, message: /scheduler\.numActive \(4\) must be at most emitter\.count \(3\)/, issue: "body.scheduler.numActive" },
  { name: "CMA-ME zero sigma0", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-me", sigma0: 0 } }), status: 400, message: /emitter\.sigma0 must be > 0/, issue: "body.emitter.sigma0" },
  { name: "CMA-ME zero emitters", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-me", count: 0 } }), status: 400, message: /emitter\.count must be at least 1/, issue: "body.emitter.count" },
  { name: "CMA-ME unknown ranker", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-me", ranker: "best" } }), status: 400, message: /emitter\.ranker must be one of "imp", "2imp"/, issue: "body.emitter.ranker" },
  { name: "CMA-ME unknown field", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-me", emitters: 15 } }), status: 400, message: /unknown field "emitters"/ },
  { name: "CMA-MAE learning rate zero", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-mae", learningRate: 0 } }), status: 400, message: /emitter\.learningRate must be > 0/, issue: "body.emitter.learningRate" },
  { name: "CMA-MAE learning rate above 1", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-mae", learningRate: 1.5 } }), status: 400, message: /emitter\.learningRate must be <= 1/ },
  { name: "CMA-MAE unknown restart rule", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-mae", restartRule: "sometimes" } }), status: 400, message: /emitter\.restartRule must be "basic", "no_improvement" or a whole number/ },
  { name: "CMA-MAE batch of one", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "cma-mae" }, batchSize: 1 }), status: 400, message: /CMA-ES needs at least 2/, issue: "body.batchSize" },
  // --- LLM and JSON-genome experiments ---
  { name: "llm-code unknown task", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "tsp" }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" } }), status: 400, message: /domain\.task must be one of "circle-packing", "bin-packing"/, issue: "body.domain.task" },
  { name: "llm-code without the llm emitter", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" } }), status: 400, message: /evolved by the LLM operator: set emitter\.type to "llm"/, issue: "body.emitter.type" },
  { name: "llm emitter with an API key in the config", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { ...{ type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, apiKey: "sk-123" } }), status: 400, message: /API key must not be in the config: put it in an environment variable and set apiKeyEnv/ },
  { name: "llm emitter without a model", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1" } }), status: 400, message: /either model or models is required/, issue: "body.emitter.model" },
  { name: "llm emitter with a non-http base URL", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { ...{ type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, baseURL: "ftp://x" } }), status: 400, message: /baseURL must be an http\(s\) URL/, issue: "body.emitter.baseURL" },
  { name: "llm emitter with a bad mode", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { ...{ type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, mode: "patch" } }), status: 400, message: /emitter\.mode/, issue: "body.emitter.mode" },
  { name: "llm emitter with an apiKeyEnv that is not a name", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { ...{ type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, apiKeyEnv: "sk-live key" } }), status: 400, message: /apiKeyEnv must be the NAME of an environment variable/, issue: "body.emitter.apiKeyEnv" },
  { name: "llm-code descriptor on an unknown metric", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, descriptors: [{ name: "x", metric: "speed", min: 0, max: 1, bins: 4 }] }), status: 400, message: /reports the metrics "codeLength", "runMs", "minGap", "sumRadii"; got "speed"/, issue: "body.descriptors[0].metric" },
  { name: "llm-text without seeds", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-text", description: "a poem" }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, descriptors: [{ name: "tone", rubric: "0 sad, 1 glad", min: 0, max: 1, bins: 4 }] }), status: 400, message: /seeds/, issue: "body.domain.seeds" },
  { name: "llm-text descriptor without a rubric", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-text", description: "a poem", seeds: ["x"] }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, descriptors: [{ name: "tone", min: 0, max: 1, bins: 4 }] }), status: 400, message: /needs a rubric for the judge/, issue: "body.descriptors[0].rubric" },
  { name: "rubric without an llm emitter", method: "POST", path: "/api/experiments", body: { ...ext, descriptors: [{ name: "a", rubric: "r", min: 0, max: 1, bins: 4 }, { name: "b", min: 0, max: 1, bins: 4 }] }, status: 400, message: /LLM-judged descriptors \(rubric\) need the llm emitter/, issue: "body.descriptors[0].rubric" },
  { name: "metric and rubric on one descriptor", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" }, descriptors: [{ name: "x", metric: "runMs", rubric: "r", min: 0, max: 1, bins: 4 }] }), status: 400, message: /either metric or rubric, not both/ },
  { name: "javascript-mutation without seeds", method: "POST", path: "/api/experiments", body: create({ domain: { type: "javascript", code: "function evaluate(g) { return { fitness: 1 } }" }, emitter: { type: "javascript-mutation", code: "function mutate(p) { return p }" }, descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }] }), status: 400, message: /give the starting population in domain\.seeds/, issue: "body.domain.seeds" },
  { name: "javascript-mutation with dim/bounds", method: "POST", path: "/api/experiments", body: create({ domain: { type: "javascript", code: "function evaluate(g) { return { fitness: 1 } }", seeds: [{}], dim: 2, bounds: [0, 1] }, emitter: { type: "javascript-mutation", code: "function mutate(p) { return p }" }, descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }] }), status: 400, message: /dim and domain\.bounds are for vector genomes/, issue: "body.domain.dim" },
  { name: "javascript-mutation on a built-in domain", method: "POST", path: "/api/experiments", body: create({ emitter: { type: "javascript-mutation", code: "function mutate(p) { return p }" } }), status: 400, message: /needs a domain with code, text or JSON genomes/, issue: "body.emitter.type" },
  { name: "vector evaluator without dim", method: "POST", path: "/api/experiments", body: create({ domain: { type: "javascript", code: "function evaluate(g) { return { fitness: 1 } }", bounds: [0, 1] }, emitter: { type: "gaussian" }, descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }] }), status: 400, message: /domain\.dim is required for vector genomes/, issue: "body.domain.dim" },
  { name: "negative cost cap", method: "POST", path: "/api/experiments", body: create({ budget: { evaluations: 10, costUsd: -1 } }), status: 400, message: /budget\.costUsd must be positive/, issue: "body.budget.costUsd" },
  { name: "CMA-ME on an ask/tell domain", method: "POST", path: "/api/experiments", body: { ...ext, emitter: { type: "cma-me" } }, status: 400, message: /emitter "cma-me" runs on the built-in domains/, issue: "body.emitter.type" },
  { name: "batchSize zero", method: "POST", path: "/api/experiments", body: create({ batchSize: 0 }), status: 400, message: /batchSize must be at least 1/ },
  { name: "missing budget", method: "POST", path: "/api/experiments", body: { name: "x", domain: valid.domain }, status: 400, message: /budget/, issue: "body.budget" },
  { name: "negative budget", method: "POST", path: "/api/experiments", body: create({ budget: { evaluations: -5 } }), status: 400, message: /budget\.evaluations must be at least 1/ },
  { name: "absurd budget", method: "POST", path: "/api/experiments", body: create({ budget: { evaluations: 1e12 } }), status: 400, message: /budget\.evaluations must be at most 2,000,000,000/ },
  { name: "zero cost budget", method: "POST", path: "/api/experiments", body: create({ budget: { evaluations: 10, costUsd: 0 } }), status: 400, message: /budget\.costUsd must be positive/ },
  { name: "negative seed", method: "POST", path: "/api/experiments", body: create({ seed: -1 }), status: 400, message: /seed must be >= 0/ },
  { name: "fractional seed", method: "POST", path: "/api/experiments", body: create({ seed: 1.5 }), status: 400, message: /seed must be a whole number/ },
  { name: "start not boolean", method: "POST", path: "/api/experiments", body: create({ start: "yes" }), status: 400, message: /start must be true or false/ },
  { name: "notes not a string", method: "POST", path: "/api/experiments", body: create({ notes: 5 }), status: 400, message: /notes must be a string/ },
  { name: "keepAllSolutions not boolean", method: "POST", path: "/api/experiments", body: create({ keepAllSolutions: "yes" }), status: 400, message: /keepAllSolutions must be true or false/ },
  // --- list query ---
  { name: "unknown status filter", path: "/api/experiments?status=bogus", status: 400, message: /status must be one of draft, queued/ },
  { name: "limit zero", path: "/api/experiments?limit=0", status: 400, message: /query\.limit: limit must be at least 1/ },
  { name: "limit not a number", path: "/api/experiments?limit=abc", status: 400, message: /limit must be a whole number/ },
  { name: "limit too large", path: "/api/experiments?limit=5000", status: 400, message: /limit must be at most 200/ },
  { name: "limit given twice", path: "/api/experiments?limit=1&limit=2", status: 400, message: /limit must be given once/ },
  { name: "garbage cursor", path: "/api/experiments?cursor=garbage", status: 400, message: /not a cursor this API issued/ },
  { name: "unknown query parameter", path: "/api/experiments?sort=name", status: 400, message: /unknown query parameter "sort"/ },
  // --- ids ---
  { name: "malformed experiment id", path: "/api/experiments/not-a-uuid", status: 404, message: /experiment id must be a UUID/ },
  { name: "unknown experiment id", path: `/api/experiments/${UNKNOWN}`, status: 404, message: /experiment .* not found/ },
  { name: "action on unknown experiment", method: "POST", path: `/api/experiments/${UNKNOWN}/start`, status: 404, message: /does not exist|not found/ },
  { name: "malformed solution id", path: "/api/solutions/xyz", status: 404, message: /solution id must be a UUID/ },
  { name: "unknown solution id", path: `/api/solutions/${UNKNOWN}`, status: 404, message: /solution .* not found/ },
  { name: "lineage of unknown solution", path: `/api/solutions/${UNKNOWN}/lineage`, status: 404, message: /not found/ },
  { name: "unknown API path", path: "/api/experiments-typo", status: 404, message: /no API endpoint at \/api\/experiments-typo/ },
  // --- patch ---
  { name: "patch with nothing to change", method: "PATCH", path: "/api/experiments/:draft", body: {}, status: 400, message: /give name, notes and\/or tags/ },
  { name: "patch name of wrong type", method: "PATCH", path: "/api/experiments/:draft", body: { name: 123 }, status: 400, message: /name must be a string/, issue: "body.name" },
  { name: "patch a read-only field", method: "PATCH", path: "/api/experiments/:draft", body: { status: "running" }, status: 400, message: /unknown field "status"/ },
  // --- methods ---
  { name: "PUT on an experiment", method: "PUT", path: "/api/experiments/:draft", body: valid, status: 405, message: /PUT is not allowed on \/api\/experiments\/.*; use GET or PATCH or DELETE/ },
  { name: "DELETE on the collection", method: "DELETE", path: "/api/experiments", status: 405, message: /DELETE is not allowed/ },
  { name: "GET on an action", path: "/api/experiments/:draft/start", status: 405, message: /GET is not allowed .* use POST/ },
  { name: "POST on the archive", method: "POST", path: "/api/experiments/:draft/archive", body: {}, status: 405, message: /POST is not allowed/ },
  // --- state ---
  { name: "unknown field in an action body", method: "POST", path: "/api/experiments/:draft/start", body: { force: true }, status: 400, message: /unknown field "force"/ },
  { name: "pause a draft", method: "POST", path: "/api/experiments/:draft/pause", status: 409, message: /cannot pause an experiment that is draft/ },
  { name: "resume a draft", method: "POST", path: "/api/experiments/:draft/resume", status: 409, message: /cannot resume an experiment that is draft/ },
  { name: "delete a running experiment", method: "DELETE", path: "/api/experiments/:ext", status: 409, message: /cannot delete an experiment that is running/ },
  // --- read queries ---
  { name: "metrics after not a number", path: "/api/experiments/:draft/metrics?after=x", status: 400, message: /after must be a whole number/ },
  { name: "metrics limit too large", path: "/api/experiments/:draft/metrics?limit=100000", status: 400, message: /limit must be at most 10000/ },
  { name: "archive after below -1", path: "/api/experiments/:draft/archive?after=-5", status: 400, message: /after must be at least -1/ },
  { name: "elite cell not a number", path: "/api/experiments/:draft/elites/abc", status: 404, message: /cell must be a non-negative whole number/ },
  { name: "elite cell negative", path: "/api/experiments/:draft/elites/-1", status: 404, message: /cell must be a non-negative whole number/ },
  { name: "elite cell outside the archive", path: "/api/experiments/:draft/elites/400", status: 404, message: /outside the archive \(it has 400 cells/ },
  { name: "export format unknown", path: "/api/experiments/:draft/export?format=xml", status: 400, message: /format must be "csv" or "json"/ },
  { name: "export all not a flag", path: "/api/experiments/:draft/export?all=maybe", status: 400, message: /all must be 1, 0, true or false/ },
  { name: "lineage maxDepth zero", path: "/api/solutions/:draftSol/lineage?maxDepth=0", status: 400, message: /maxDepth must be at least 1/ },
  { name: "events with a bad Last-Event-ID", path: "/api/experiments/:draft/events", headers: { "last-event-id": "abc" }, status: 400, message: /Last-Event-ID must be an event id/ },
  { name: "events after negative", path: "/api/experiments/:draft/events?after=-1", status: 400, message: /after must be at least 0/ },
  { name: "queues with a query", path: "/api/queues?verbose=1", status: 400, message: /unknown query parameter "verbose"/ },
  // --- ask ---
  { name: "ask without count", method: "POST", path: "/api/experiments/:ext/ask", body: {}, status: 400, message: /count/, issue: "body.count" },
  { name: "ask zero", method: "POST", path: "/api/experiments/:ext/ask", body: { count: 0 }, status: 400, message: /count must be at least 1/ },
  { name: "ask a million", method: "POST", path: "/api/experiments/:ext/ask", body: { count: 1e6 }, status: 400, message: /count must be at most 10,000/ },
  { name: "ask count as a string", method: "POST", path: "/api/experiments/:ext/ask", body: { count: "5" }, status: 400, message: /count must be a number/ },
  { name: "ask a draft", method: "POST", path: "/api/experiments/:extDraft/ask", body: { count: 1 }, status: 409, message: /start it first/ },
  { name: "ask a built-in domain", method: "POST", path: "/api/experiments/:draft/ask", body: { count: 1 }, status: 409, message: /needs an experiment with domain\.type "external"/ },
  // --- tell ---
  { name: "tell without results", method: "POST", path: "/api/experiments/:ext/tell", body: {}, status: 400, message: /results/ },
  { name: "tell empty results", method: "POST", path: "/api/experiments/:ext/tell", body: { results: [] }, status: 400, message: /results must not be empty/ },
  { name: "tell a malformed candidate id", method: "POST", path: "/api/experiments/:ext/tell", body: tellOne({ candidateId: "abc" }), status: 400, message: /candidateId must be a UUID/, issue: "body.results[0].candidateId" },
  { name: "tell without fitness", method: "POST", path: "/api/experiments/:ext/tell", body: tellOne({ fitness: undefined }), status: 400, message: /fitness is required/, issue: "body.results[0].fitness" },
  { name: "tell infinite fitness", method: "POST", path: "/api/experiments/:ext/tell", body: '{"results":[{"candidateId":":cand","fitness":1e999,"descriptors":[0,0]}]}', status: 400, message: /fitness must be finite/ },
  { name: "tell an infinite metric", method: "POST", path: "/api/experiments/:ext/tell", body: '{"results":[{"candidateId":":cand","fitness":1,"descriptors":[0,0],"metrics":{"loss":-1e999}}]}', status: 400, message: /each metric must be finite/, issue: "body.results[0].metrics.loss" },
  { name: "tell descriptors as strings", method: "POST", path: "/api/experiments/:ext/tell", body: tellOne({ descriptors: ["a", "b"] }), status: 400, message: /each descriptor must be a number/, issue: "body.results[0].descriptors[0]" },
  { name: "tell the same candidate twice", method: "POST", path: "/api/experiments/:ext/tell", body: { results: [{ candidateId: ":cand", fitness: 1, descriptors: [0, 0] }, { candidateId: ":cand", fitness: 2, descriptors: [0, 0] }] }, status: 400, message: /appears twice/, issue: "body.results[1].candidateId" },
  { name: "tell with an unknown field", method: "POST", path: "/api/experiments/:ext/tell", body: tellOne({ score: 3 }), status: 400, message: /unknown field "score"/ },
  { name: "tell wrong descriptor count", method: "POST", path: "/api/experiments/:ext/tell", body: tellOne({ descriptors: [1, 2, 3] }), status: 422, message: /expected 2 descriptor values, got 3/, issue: "body.results[0].descriptors" },
  { name: "tell an unknown candidate", method: "POST", path: "/api/experiments/:ext/tell", body: tellOne({ candidateId: UNKNOWN }), status: 422, message: /no candidate .* in this experiment/ },
  // --- submissions ---
  { name: "submit wrong genome length", method: "POST", path: "/api/experiments/:draft/solutions", body: { solutions: [{ genome: [1, 2] }] }, status: 422, message: /expected 10 values/, issue: "body.solutions[0].genome" },
  { name: "submit empty genome", method: "POST", path: "/api/experiments/:draft/solutions", body: { solutions: [{ genome: [] }] }, status: 400, message: /genome must not be empty/ },
  { name: "submit no solutions", method: "POST", path: "/api/experiments/:draft/solutions", body: { solutions: [] }, status: 400, message: /solutions must not be empty/ },
  { name: "submit a non-numeric gene", method: "POST", path: "/api/experiments/:draft/solutions", body: { solutions: [{ genome: [1, "x"] }] }, status: 400, message: /each gene must be a number/, issue: "body.solutions[0].genome[1]" },
  { name: "submit to a cancelled experiment", method: "POST", path: "/api/experiments/:cancelled/solutions", body: { solutions: [{ genome: Array(10).fill(0) }] }, status: 409, message: /cancelled/ },
  // --- safe by default (issue 12) ---
  { name: "body without a content type", method: "POST", path: "/api/experiments", body: JSON.stringify(valid), headers: { "content-type": "" }, status: 415, message: /no content-type: send content-type application\/json/ },
  { name: "apiKeyEnv naming the database URL", method: "POST", path: "/api/experiments", body: create({ domain: { type: "llm-code", task: "circle-packing" }, emitter: { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m", apiKeyEnv: "DATABASE_URL" } }), status: 400, message: /apiKeyEnv must name a variable ending in _API_KEY/, issue: "body.emitter.apiKeyEnv" },
  { name: "batch of 1e9 numbers", method: "POST", path: "/api/experiments", body: create({ domain: { type: "sphere", dim: 10000 }, batchSize: 100000 }), status: 400, message: /batchSize × domain\.dim = 100,000 × 10,000/, issue: "body.batchSize" },
  { name: "CVT with fewer samples than cells", method: "POST", path: "/api/experiments", body: create({ archive: { type: "cvt", cells: 5000, samples: 1000 } }), status: 400, message: /archive\.samples \(1,000\) must be at least archive\.cells \(5,000\)/, issue: "body.archive.samples" },
  // --- session ---
  { name: "session without token", method: "POST", path: "/api/session", body: {}, status: 400, message: /token/ },
];

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
  const post = async (path: string, body: unknown) => {
    const r = await server.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return r.json();
  };
  ids.draft = (await post("/api/experiments", { ...valid, descriptors: [{ name: "a", min: -25.6, max: 25.6, bins: 20 }, { name: "b", min: -25.6, max: 25.6, bins: 20 }] })).id;
  ids.ext = (await post("/api/experiments", { ...ext, start: true })).id;
  ids.extDraft = (await post("/api/experiments", ext)).id;
  ids.cancelled = (await post("/api/experiments", valid)).id;
  await post(`/api/experiments/${ids.cancelled}/cancel`, {});
  ids.cand = (await post(`/api/experiments/${ids.ext}/ask`, { count: 1 })).candidates[0].id;
  ids.draftSol = (await post(`/api/experiments/${ids.draft}/solutions`, { solutions: [{ genome: Array(10).fill(0) }] })).results[0].id;
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

const fill = (s: string) => s.replace(/:(draftSol|extDraft|draft|ext|cancelled|cand)\b/g, (_, k: string) => ids[k]!);

describe("malformed requests get a clear 4xx", () => {
  it("has at least 50 kinds", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases)("$name → $status", async (c) => {
    const body = c.body === undefined ? undefined : fill(typeof c.body === "string" ? c.body : JSON.stringify(c.body));
    const res = await server.fetch(fill(c.path), {
      method: c.method ?? "GET",
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...c.headers },
      body,
    });
    const text = await res.text();
    expect(res.status, text).toBe(c.status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(["error"]);
    expect(json.error.code).toMatch(/^[a-z_]+$/);
    expect(json.error.message, text).toMatch(c.message);
    if (c.issue) expect(json.error.issues?.[0]?.path, text).toBe(c.issue);
    if (c.status === 405) expect(res.headers.get("allow")).toBeTruthy();
  });
});
