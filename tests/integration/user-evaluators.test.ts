import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { verifySignature } from "@/lib/evaluators";
import { decodeVector } from "@/lib/db/vector-codec";
import { ExperimentSpec, type ExperimentSpecInput } from "@/lib/experiments/config";
import { createTestStack, type TestStack } from "../helpers/stack";
import { runToEnd } from "../helpers/runs";

const root = path.resolve(import.meta.dirname, "../..");
const SECRET = "s3cr3t-worker-value-7f3a91";
const WEBHOOK_SECRET = "webhook-signing-key-1234";

const spec = (over: Partial<ExperimentSpecInput>): ExperimentSpec =>
  ExperimentSpec.parse({
    name: "user evaluator",
    emitter: { type: "gaussian", sigma: 0.5 },
    batchSize: 20,
    budget: { evaluations: 200 },
    seed: 4,
    maxInFlight: 2,
    ...over,
  });

describe("experiments scored by user evaluators", () => {
  let stack: TestStack;
  let webhook: http.Server;
  let webhookCalls = 0;
  let badSignatures = 0;
  // Every 7th candidate's first request meets a transient outage (503): a per-candidate rule, so a
  // retry never meets a second one, whatever the order requests arrive in.
  const candidatesSeen = new Set<string>();
  let outages = 0;

  beforeAll(async () => {
    stack = await createTestStack();
    const env = { QD_TEST_SECRET: SECRET, OPENAI_API_KEY: SECRET, QD_WEBHOOK_SECRET_TEST: WEBHOOK_SECRET };
    stack.startWorker(env);
    stack.startWorker(env);
    webhook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        webhookCalls++;
        if (!verifySignature(body, req.headers, WEBHOOK_SECRET)) {
          badSignatures++;
          res.writeHead(401).end();
          return;
        }
        const { id, genome } = JSON.parse(body) as { id: string; genome: number[] };
        if (!candidatesSeen.has(id)) {
          candidatesSeen.add(id);
          if (candidatesSeen.size % 7 === 0) {
            outages++;
            res.writeHead(503).end(); // the evaluator retries
            return;
          }
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ fitness: -Math.abs(genome[0]! - 1), descriptors: [genome[0], genome[1]] }));
      });
    });
    await new Promise<void>((r) => webhook.listen(0, "127.0.0.1", () => r()));
  });

  afterAll(async () => {
    webhook?.close();
    await stack?.stop();
  });

  it("a command in any language (the Python example, batch mode) fills the archive", async () => {
    const done = await runToEnd(
      stack,
      spec({
        domain: { type: "command", command: `python3 ${path.join(root, "examples/python/eval_sphere.py")}`, batch: true, dim: 4, bounds: [-5.12, 5.12] },
        descriptors: [
          { name: "first half", min: -10.24, max: 10.24, bins: 10 },
          { name: "second half", min: -10.24, max: 10.24, bins: 10 },
        ],
      }),
    );
    expect(done.status, `${done.statusReason}`).toBe("completed");
    expect(done.evaluations).toBe(200);
    expect(done.failedEvaluations).toBe(0);
    expect(done.numElites).toBeGreaterThan(10);
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(200); // every evaluated candidate is kept for user evaluators
    expect((solutions[0]!.metrics as Record<string, number>).dims).toBe(4);
    const elites = await stack.prisma.elite.count({ where: { experimentId: done.id } });
    expect(elites).toBe(done.numElites);
  });

  it("records every failure mode exactly as often as a candidate triggers it, and carries on; the command never sees the worker's secrets", async () => {
    // Each seed names the failure it triggers; the mutation never names one, so children always
    // succeed. What fails, and how often, does not depend on where the search wanders.
    const expected: Record<string, RegExp> = {
      exit: /^exited with code 3: .*boom: asked to exit with code 3/s,
      nan: /\bNaN\b/, // a non-finite fitness fails, naming the value
      infinity: /\bInfinity\b/,
      hang: /^timed out after 8000 ms/,
      garbage: /^bad JSON on stdout .*this is not json/,
      silent: /stdout is empty/,
      refuse: /^evaluator reported an error: refused on purpose$/,
      "no-descriptors": /descriptor "x0": the evaluator returned no finite descriptors\[0\]/,
      "no-metric": /descriptor "spread": the evaluator returned no finite metrics\.spread/,
    };
    const modes = Object.keys(expected);
    const seeds = [{ x: [0.5, -0.5] }, ...modes.map((mode, i) => ({ mode, x: [i / 4 - 1, 1] })), { x: [-2, 2] }, { x: [3, 0] }];
    const mutate = `function mutate(parent, rng) {
      const x = parent && Array.isArray(parent.x) ? parent.x : [0, 0];
      return { x: x.map((v) => Math.max(-4, Math.min(4, v + rng.normal(0, 1.5)))) };
    }`;
    const done = await runToEnd(
      stack,
      spec({
        // A generous timeout: only the "hang" seed may reach it, however loaded the machine is.
        domain: { type: "command", command: `python3 ${path.join(root, "tests/fixtures/failure_modes_eval.py")}`, timeoutMs: 8000, seeds },
        emitter: { type: "javascript-mutation", code: mutate, timeoutMs: 30_000 },
        descriptors: [
          { name: "x0", min: -4, max: 4, bins: 8 },
          { name: "spread", metric: "spread", min: 0, max: 8, bins: 8 },
        ],
        batchSize: 6,
        budget: { evaluations: 60 },
      }),
    );
    expect(done.status, `${done.statusReason}`).toBe("completed");
    expect(done.evaluations).toBe(60);
    const failed = await stack.prisma.solution.findMany({ where: { experimentId: done.id, status: { in: ["failed", "invalid"] } } });
    const modeOf = (f: (typeof failed)[number]) => (f.genomeJson as { mode?: string } | null)?.mode ?? `(${f.operator})`;
    const seen = failed.map((f) => `${modeOf(f)}: ${f.error}`).sort().join("\n");
    expect(failed.map(modeOf).sort(), seen).toEqual([...modes].sort()); // each seeded mode once, nothing else failed
    expect(done.failedEvaluations).toBe(modes.length);
    const byMode = Object.fromEntries(failed.map((f) => [modeOf(f), f.error ?? ""]));
    for (const mode of modes) expect(byMode[mode], mode).toMatch(expected[mode]!);
    expect(failed.every((f) => f.operator === "seed")).toBe(true);
    // Every stored log and metric is free of the worker's secrets and connection strings.
    const all = await stack.prisma.solution.findMany({ where: { experimentId: done.id }, select: { logs: true, metrics: true, error: true } });
    expect(all).toHaveLength(60);
    const text = JSON.stringify(all);
    expect(text).toContain("ENV "); // the evaluator did print its environment
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("DATABASE_URL");
    expect(text).not.toContain("REDIS_URL");
    // Descriptor rows read from metrics.
    const ok = await stack.prisma.solution.findMany({ where: { experimentId: done.id, status: "evaluated" } });
    expect(ok).toHaveLength(60 - modes.length);
    for (const s of ok) expect(s.descriptors[1]).toBeCloseTo((s.metrics as Record<string, number>).spread!, 12);
    expect(done.numElites).toBeGreaterThan(0);
  });

  it("a signed webhook, with retries on transient errors", async () => {
    const port = (webhook.address() as AddressInfo).port;
    const done = await runToEnd(
      stack,
      spec({
        domain: { type: "webhook", url: `http://127.0.0.1:${port}/evaluate`, secretEnv: "QD_WEBHOOK_SECRET_TEST", backoffMs: 10, dim: 3, bounds: [-2, 2] },
        descriptors: [
          { name: "x0", min: -2, max: 2, bins: 10 },
          { name: "x1", min: -2, max: 2, bins: 10 },
        ],
        budget: { evaluations: 100 },
      }),
    );
    expect(done.status, `${done.statusReason}`).toBe("completed");
    expect(done.evaluations).toBe(100);
    expect(done.failedEvaluations).toBe(0); // 503s were retried
    expect(badSignatures).toBe(0);
    expect(candidatesSeen.size).toBe(100);
    expect(outages).toBe(14);
    expect(webhookCalls).toBe(100 + outages);
    // Each candidate is stored with the fitness the webhook answered for its genome.
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(100);
    for (const s of solutions) expect(s.fitness).toBe(-Math.abs(decodeVector(s.genomeVector!)[0]! - 1));
    expect(done.maxFitness).toBe(Math.max(...solutions.map((s) => s.fitness!)));
  });

  it("sandboxed JavaScript, with hostile candidates contained and recorded", async () => {
    // The two hostile candidates are seeds; the mutation never makes another one.
    const code = `function evaluate(g) {
      if (g.mode === "spin") { while (true) {} }
      if (g.mode === "steal") { return { fitness: globalThis.process.env.QD_TEST_SECRET.length }; }
      return { fitness: -(g.x[0] * g.x[0] + g.x[1] * g.x[1]), descriptors: [g.x[0], g.x[1]] };
    }`;
    const mutate = `function mutate(parent, rng) {
      const x = parent && Array.isArray(parent.x) ? parent.x : [0, 0];
      return { x: x.map((v) => Math.max(-2, Math.min(2, v + rng.normal(0, 0.8)))) };
    }`;
    const seeds = [{ x: [0, 0] }, { mode: "spin", x: [1.8, 0] }, { mode: "steal", x: [-1.8, 0] }, { x: [1, 1] }];
    const done = await runToEnd(
      stack,
      spec({
        // The spin is stopped by the timeout; generous, so an honest candidate never meets it on a loaded machine.
        domain: { type: "javascript", code, timeoutMs: 3000, seeds },
        emitter: { type: "javascript-mutation", code: mutate, timeoutMs: 30_000 },
        descriptors: [
          { name: "x", min: -2, max: 2, bins: 10 },
          { name: "y", min: -2, max: 2, bins: 10 },
        ],
        budget: { evaluations: 100 },
      }),
    );
    expect(done.status, `${done.statusReason}`).toBe("completed");
    expect(done.evaluations).toBe(100);
    expect(done.failedEvaluations).toBe(2);
    const failed = await stack.prisma.solution.findMany({ where: { experimentId: done.id, status: "failed" }, select: { error: true, genomeJson: true } });
    const byMode = Object.fromEntries(failed.map((f) => [(f.genomeJson as { mode?: string } | null)?.mode ?? "(a child)", f.error ?? ""]));
    expect(Object.keys(byMode).sort()).toEqual(["spin", "steal"]);
    expect(byMode.spin).toMatch(/time/i);
    expect(byMode.steal).toMatch(/process|undefined|not defined/i);
    expect(JSON.stringify(failed)).not.toContain(SECRET);
  });

  it("an evaluator that fails on everything pauses the run with its reason", async () => {
    const done = await runToEnd(
      stack,
      spec({
        domain: { type: "command", command: "definitely-not-an-installed-command --x", dim: 2, bounds: [-1, 1] },
        descriptors: [{ name: "x", min: -1, max: 1, bins: 4 }],
        budget: { evaluations: 1000 },
      }),
    );
    expect(done.status, `${done.statusReason}`).toBe("paused");
    expect(done.statusReason).toMatch(/every candidate failed.*(not found|ENOENT)/i);
    expect(done.evaluations).toBeLessThan(1000);
  });
});
