import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import path from "node:path";
import { execFileSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { decodeVector } from "@/lib/db/vector-codec";
import { ExperimentSpec, type ExperimentSpecInput } from "@/lib/experiments/config";
import { cancelExperiment, createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS } from "../helpers/stack";
import { runToEnd } from "../helpers/runs";

const root = path.resolve(import.meta.dirname, "../..");
const SLOTS = 3; // the worker's cap (QD_EVALUATION_SLOTS)

const spec = (over: Partial<ExperimentSpecInput>): ExperimentSpec =>
  ExperimentSpec.parse({
    name: "concurrent evaluations",
    emitter: { type: "gaussian", sigma: 0.5 },
    descriptors: [
      { name: "x0", min: -1, max: 1, bins: 4 },
      { name: "x1", min: -1, max: 1, bins: 4 },
    ],
    keepAllSolutions: true,
    seed: 7,
    ...over,
  });

/** The probe evaluator: reports the most candidates it saw running at once (see the fixture). */
const probe = (barrier: number, total: number) => ({
  type: "command" as const,
  command: `python3 ${path.join(root, "tests/fixtures/concurrency_eval.py")}`,
  timeoutMs: 120_000,
  env: { BARRIER: String(barrier), TOTAL: String(total) },
  dim: 2,
  bounds: [-1, 1] as [number, number],
});

describe("candidates of a job are evaluated concurrently", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack();
    // One worker: every candidate of an experiment meets the same evaluator (and its HOME).
    stack.startWorker({ QD_EVALUATION_SLOTS: String(SLOTS) });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("up to evaluation.concurrency at once; results stay with their candidates; a crash fails only itself", async () => {
    // Jobs of 2 candidates evaluated 2 at once: each pair waits for each other (a run that evaluated
    // them one after another would hang here), and never more than 2 are active.
    const done = await runToEnd(stack, spec({ domain: probe(2, 12), evaluation: { concurrency: 2 }, batchSize: 2, budget: { evaluations: 12 }, maxInFlight: 1 }));
    expect(done.status, `${done.statusReason}`).toBe("completed");
    expect(done.evaluations).toBe(12);
    const all = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(all).toHaveLength(12);
    const ok = all.filter((s) => s.status === "evaluated");
    const failed = all.filter((s) => s.status !== "evaluated");
    const peaks: number[] = [];
    for (const s of ok) {
      const x = decodeVector(s.genomeVector!);
      expect(x[0]).toBeLessThanOrEqual(0.5);
      // Order kept: the fitness stored with a genome is the one computed from that genome.
      expect(s.fitness).toBeCloseTo(-(x[0]! ** 2 + x[1]! ** 2), 12);
      peaks.push((s.metrics as Record<string, number>).peak!);
    }
    for (const s of failed) {
      expect(decodeVector(s.genomeVector!)[0]).toBeGreaterThan(0.5);
      expect(s.error).toMatch(/^exited with code 3: crashing on purpose, peak=\d/);
      peaks.push(Number(/peak=(\d+)/.exec(s.error!)![1]));
    }
    expect(Math.max(...peaks)).toBe(2);
    for (const p of peaks) expect(p).toBeLessThanOrEqual(2);
    expect(done.failedEvaluations).toBe(failed.length);
  });

  it("the worker's cap bounds a larger evaluation.concurrency", async () => {
    // 8 requested, 3 slots: waves of 3 fill (3 reached), and none saw more than 3.
    const done = await runToEnd(stack, spec({ domain: probe(SLOTS, 8), evaluation: { concurrency: 8 }, batchSize: 8, budget: { evaluations: 8 }, maxInFlight: 1 }));
    expect(done.status, `${done.statusReason}`).toBe("completed");
    const ok = await stack.prisma.solution.findMany({ where: { experimentId: done.id, status: "evaluated" } });
    expect(ok.length).toBeGreaterThan(0);
    const peaks = ok.map((s) => (s.metrics as Record<string, number>).peak!);
    expect(Math.max(...peaks)).toBe(SLOTS);
    for (const p of peaks) expect(p).toBeLessThanOrEqual(SLOTS);
  });

  it("cancelling a run stops its running evaluations and commits nothing", async () => {
    // Each candidate would take 10 minutes; only the cancellation can end them early.
    const marker = `sleep 613.${process.pid}`;
    const running = () => {
      try {
        return execFileSync("pgrep", ["-f", `^${marker.replace(".", "\\.")}$`], { encoding: "utf8" }).trim().split("\n").filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    const exp = await createExperiment(
      stack.prisma,
      spec({ domain: { ...probe(1, 1), command: `sh -c "read l; ${marker}"`, timeoutMs: 900_000 }, evaluation: { concurrency: 3 }, batchSize: 3, budget: { evaluations: 30 }, maxInFlight: 1 }),
    );
    await startExperiment(stack.prisma, stack.queues, exp.id);
    await waitFor(async () => running() === 3 || null, POLL_CEILING_MS, "three evaluations running at once");
    await cancelExperiment(stack.prisma, exp.id);
    await waitFor(async () => running() === 0 || null, POLL_CEILING_MS, "the cancelled run's processes to be killed");
    const after = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    expect(after.status).toBe("cancelled");
    expect(after.evaluations).toBe(0);
  });

  it("webhooks: requests of a job are in flight together, within the cap", async () => {
    let open = 0;
    let peak = 0;
    const held: Array<() => void> = [];
    // Holds each request until SLOTS are open at once (or the last ones of the run arrived).
    let seen = 0;
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        open++;
        seen++;
        peak = Math.max(peak, open);
        const { genome } = JSON.parse(body) as { genome: number[] };
        held.push(() => {
          open--;
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ fitness: -(genome[0]! ** 2), descriptors: genome }));
        });
        if (open >= SLOTS || seen === 12) for (const r of held.splice(0)) r();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const done = await runToEnd(
        stack,
        spec({ domain: { type: "webhook", url: `http://127.0.0.1:${port}/`, timeoutMs: 600_000, dim: 2, bounds: [-1, 1] }, evaluation: { concurrency: 6 }, batchSize: 6, budget: { evaluations: 12 }, maxInFlight: 1 }),
      );
      expect(done.status, `${done.statusReason}`).toBe("completed");
      expect(done.evaluations).toBe(12);
      expect(done.failedEvaluations).toBe(0);
      expect(peak).toBe(SLOTS);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
