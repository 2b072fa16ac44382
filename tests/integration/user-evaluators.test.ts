import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { verifySignature } from "@/lib/evaluators";
import { ExperimentSpec, type ExperimentSpecInput } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor, waitForStatus, type TestStack } from "../helpers/stack";

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

async function runToEnd(stack: TestStack, config: ExperimentSpec, statuses = ["completed", "failed", "paused"]) {
  const exp = await createExperiment(stack.prisma, config);
  await startExperiment(stack.prisma, stack.queues, exp.id);
  return waitForStatus(stack.prisma, exp.id, 120_000, `experiment ${exp.id} to finish`, statuses);
}

describe("experiments scored by user evaluators", () => {
  let stack: TestStack;
  let webhook: http.Server;
  let webhookCalls = 0;
  let badSignatures = 0;

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
        const { genome } = JSON.parse(body) as { genome: number[] };
        if (webhookCalls % 7 === 0) {
          res.writeHead(503).end(); // a transient outage: the evaluator retries
          return;
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
    expect(done.status).toBe("completed");
    expect(done.evaluations).toBe(200);
    expect(done.failedEvaluations).toBe(0);
    expect(done.numElites).toBeGreaterThan(10);
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(200); // every evaluated candidate is kept for user evaluators
    expect((solutions[0]!.metrics as Record<string, number>).dims).toBe(4);
    const elites = await stack.prisma.elite.count({ where: { experimentId: done.id } });
    expect(elites).toBe(done.numElites);
  });

  it("records every failure mode per candidate and carries on; the command never sees the worker's secrets", async () => {
    const done = await runToEnd(
      stack,
      spec({
        domain: { type: "command", command: `python3 ${path.join(root, "tests/fixtures/flaky_eval.py")}`, timeoutMs: 1500, dim: 2, bounds: [-4, 4] },
        emitter: { type: "gaussian", sigma: 1.5 },
        descriptors: [
          { name: "x0", min: -4, max: 4, bins: 8 },
          { name: "spread", metric: "spread", min: 0, max: 8, bins: 8 },
        ],
        budget: { evaluations: 120 },
      }),
    );
    expect(done.status).toBe("completed");
    expect(done.evaluations).toBe(120);
    expect(done.failedEvaluations).toBeGreaterThan(0);
    expect(done.numElites).toBeGreaterThan(0);
    const failed = await stack.prisma.solution.findMany({ where: { experimentId: done.id, status: "failed" } });
    expect(failed).toHaveLength(done.failedEvaluations);
    const reasons = failed.map((f) => f.error ?? "");
    expect(reasons.some((r) => /exit(ed)? (with )?(code )?3/i.test(r))).toBe(true);
    expect(reasons.some((r) => /timed out/i.test(r))).toBe(true);
    expect(reasons.some((r) => /NaN|finite|JSON/i.test(r))).toBe(true);
    // Every stored log and metric is free of the worker's secrets and connection strings.
    const all = await stack.prisma.solution.findMany({ where: { experimentId: done.id }, select: { logs: true, metrics: true, error: true } });
    const text = JSON.stringify(all);
    expect(text).toContain("ENV "); // the evaluator did print its environment
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("DATABASE_URL");
    expect(text).not.toContain("REDIS_URL");
    // Descriptor rows read from metrics.
    const ok = await stack.prisma.solution.findFirstOrThrow({ where: { experimentId: done.id, status: "evaluated" } });
    expect(ok.descriptors[1]).toBeCloseTo((ok.metrics as Record<string, number>).spread!, 12);
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
    expect(done.status).toBe("completed");
    expect(done.evaluations).toBe(100);
    expect(done.failedEvaluations).toBe(0); // 503s were retried
    expect(badSignatures).toBe(0);
    expect(webhookCalls).toBeGreaterThan(100);
    expect(done.maxFitness!).toBeGreaterThan(-0.5);
  });

  it("sandboxed JavaScript, with a hostile candidate contained and recorded", async () => {
    const code = `function evaluate(x) {
      if (x[0] > 1.5) { while (true) {} }
      if (x[0] < -1.5) { return { fitness: globalThis.process.env.QD_TEST_SECRET.length }; }
      return { fitness: -(x[0] * x[0] + x[1] * x[1]), descriptors: [x[0], x[1]] };
    }`;
    const done = await runToEnd(
      stack,
      spec({
        domain: { type: "javascript", code, timeoutMs: 200, dim: 2, bounds: [-2, 2] },
        emitter: { type: "gaussian", sigma: 0.8 },
        descriptors: [
          { name: "x", min: -2, max: 2, bins: 10 },
          { name: "y", min: -2, max: 2, bins: 10 },
        ],
        budget: { evaluations: 100 },
      }),
    );
    expect(done.status).toBe("completed");
    expect(done.evaluations).toBe(100);
    const failed = await stack.prisma.solution.findMany({ where: { experimentId: done.id, status: "failed" }, select: { error: true } });
    expect(failed.length).toBe(done.failedEvaluations);
    expect(failed.some((f) => /time/i.test(f.error ?? ""))).toBe(true);
    expect(failed.some((f) => /process|undefined|not defined/i.test(f.error ?? ""))).toBe(true);
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
    expect(done.status).toBe("paused");
    expect(done.statusReason).toMatch(/every candidate failed.*(not found|ENOENT)/i);
    expect(done.evaluations).toBeLessThan(1000);
  });
});
