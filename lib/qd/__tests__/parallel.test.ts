import { describe, expect, it } from "vitest";
import { runParallel } from "../parallel/runner";

describe("parallel MAP-Elites runner (worker_threads)", () => {
  it("runs with 2 threads, is reproducible per seed and thread count, and fills the archive", async () => {
    const cfg = { domain: { type: "sphere" as const, dim: 10 }, archive: { type: "grid" as const }, emitter: { type: "iso-line" as const, isoSigma: 0.5, lineSigma: 0.2, batchSize: 64 }, seed: 4 };
    const a = await runParallel(cfg, 30, 2);
    const b = await runParallel(cfg, 30, 2);
    expect(a.metrics.evaluations).toBe(30 * 64);
    expect(a.metrics.coverage).toBeGreaterThan(0.01);
    expect(b.metrics.qdScore).toBe(a.metrics.qdScore);
    expect(Array.from(b.archive.solutions)).toEqual(Array.from(a.archive.solutions));
    const one = await runParallel(cfg, 30, 1);
    expect(one.metrics.evaluations).toBe(30 * 64);
    await expect(runParallel({ ...cfg, emitter: { type: "cma-me", sigma0: 0.5, batchSize: 8 } }, 1, 2)).rejects.toThrow(/gaussian and iso-line/);
  }, 30_000);
});
