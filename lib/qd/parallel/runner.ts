/**
 * Multi-threaded in-process MAP-Elites (Gaussian / Iso+LineDD emitters):
 * the batch is split into `threads` row ranges; each thread samples parents
 * from the shared archive, varies and evaluates its rows; the main thread
 * then inserts the whole batch (pyribs batch semantics unchanged). Each
 * range has its own RNG stream, so a run is reproducible for a given seed
 * and thread count.
 */
import { Worker } from "node:worker_threads";
import { makeArchive, type AlgorithmConfig, type RunMetrics } from "../algorithm";
import { getDomain } from "../domains/registry";
import { Rng } from "../rng";
import { runChunk, type ChunkContext, type MutationParams } from "./chunk";
import { waitChange } from "./sync";
import type { WorkerInit } from "./worker";

export interface ParallelRun {
  metrics: RunMetrics;
  archive: ReturnType<typeof makeArchive>;
}

export async function runParallel(config: AlgorithmConfig, iterations: number, threads = 2, onProgress?: (m: RunMetrics) => void, progressEvery = 0): Promise<ParallelRun> {
  const e = config.emitter;
  if (e.type !== "gaussian" && e.type !== "iso-line") throw new Error("parallel runs support the gaussian and iso-line emitters");
  if (!Number.isInteger(threads) || threads < 1) throw new Error("threads must be a positive integer");
  const domain = getDomain(config.domain);
  const descriptors = config.descriptors ?? domain.descriptors;
  const archive = makeArchive(config.archive, descriptors, domain.dim, { qdScoreOffset: domain.qdScoreOffset, seed: config.seed, shared: true });
  const n = e.batchSize * (e.count ?? 1);
  const dim = domain.dim;
  const md = descriptors.length;
  const params: MutationParams =
    e.type === "gaussian" ? { kind: "gaussian", sigma: e.sigma, isoSigma: 0, lineSigma: 0 } : { kind: "iso-line", sigma: 0, isoSigma: e.isoSigma, lineSigma: e.lineSigma };
  const batchSab = new SharedArrayBuffer(n * dim * 8);
  const objSab = new SharedArrayBuffer(n * 8);
  const measSab = new SharedArrayBuffer(n * md * 8);
  const root = new Rng(config.seed);
  const ranges: [number, number][] = [];
  for (let t = 0; t < threads; t++) ranges.push([Math.floor((t * n) / threads), Math.floor(((t + 1) * n) / threads)]);
  const streams = ranges.map(() => root.spawn());

  const main: ChunkContext = {
    params,
    domain,
    x0: domain.x0,
    bounds: domain.bounds,
    rng: streams[0],
    archiveSolutions: archive.solutions,
    occupiedList: archive.occupiedList,
    batch: new Float64Array(batchSab),
    objectives: new Float64Array(objSab),
    measures: new Float64Array(measSab),
  };

  const workers: { w: Worker; ctrl: Int32Array }[] = [];
  try {
    for (let t = 1; t < threads; t++) {
      const ctrlSab = new SharedArrayBuffer(16);
      const init: WorkerInit = {
        domain: config.domain,
        params,
        x0: domain.x0,
        bounds: domain.bounds,
        rng: streams[t].getState(),
        archiveSolutions: archive.solutions.buffer as SharedArrayBuffer,
        occupiedList: archive.occupiedList.buffer as SharedArrayBuffer,
        batch: batchSab,
        objectives: objSab,
        measures: measSab,
        ctrl: ctrlSab,
        start: ranges[t][0],
        end: ranges[t][1],
      };
      // The .mjs entry registers tsx itself (Node 20 workers don't inherit loader hooks).
      const w = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: init, execArgv: [] });
      await new Promise<void>((resolve, reject) => {
        w.once("message", () => resolve());
        w.once("error", reject);
      });
      workers.push({ w, ctrl: new Int32Array(ctrlSab) });
    }

    let evaluations = 0;
    const t0 = performance.now();
    const metrics = (): RunMetrics => {
      const s = archive.stats();
      const seconds = (performance.now() - t0) / 1000;
      return { evaluations, iterations: evaluations / n, seconds, evalsPerSec: evaluations / seconds, coverage: s.coverage, qdScore: s.qdScore, normQdScore: s.normQdScore, maxFitness: s.objMax, meanFitness: s.objMean, numElites: s.numElites };
    };
    for (let it = 1; it <= iterations; it++) {
      const ne = archive.numElites;
      for (const { ctrl } of workers) {
        Atomics.store(ctrl, 1, ne);
        Atomics.store(ctrl, 0, it);
        Atomics.notify(ctrl, 0);
      }
      runChunk(main, ranges[0][0], ranges[0][1], ne);
      for (const { ctrl } of workers) {
        let done = Atomics.load(ctrl, 2);
        while (done !== it) done = waitChange(ctrl, 2, done);
      }
      archive.add(main.batch, main.objectives, main.measures, n);
      evaluations += n;
      if (onProgress && progressEvery > 0 && it % progressEvery === 0 && it !== iterations) onProgress(metrics());
    }
    return { metrics: metrics(), archive };
  } finally {
    for (const { w, ctrl } of workers) {
      Atomics.store(ctrl, 3, 1);
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      await w.terminate();
    }
  }
}
