/**
 * Worker thread for the parallel MAP-Elites runner. Waits on a shared
 * control word, computes its rows of the batch, signals completion.
 * Control words: [0] iteration seq (main increments), [1] numElites,
 * [2] last seq done (worker), [3] stop flag.
 */
import { parentPort, workerData } from "node:worker_threads";
import { getDomain } from "../domains/registry";
import type { DomainSpec } from "../domains/types";
import { Rng, type RngState } from "../rng";
import { runChunk, type MutationParams } from "./chunk";
import { waitChange } from "./sync";

export interface WorkerInit {
  domain: DomainSpec;
  params: MutationParams;
  x0: Float64Array;
  bounds: { lower: Float64Array; upper: Float64Array } | null;
  rng: RngState;
  archiveSolutions: SharedArrayBuffer;
  occupiedList: SharedArrayBuffer;
  batch: SharedArrayBuffer;
  objectives: SharedArrayBuffer;
  measures: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  start: number;
  end: number;
}

const init = workerData as WorkerInit;
const rng = new Rng(0);
rng.setState(init.rng);
const ctx = {
  params: init.params,
  domain: getDomain(init.domain),
  x0: init.x0,
  bounds: init.bounds,
  rng,
  archiveSolutions: new Float64Array(init.archiveSolutions),
  occupiedList: new Int32Array(init.occupiedList),
  batch: new Float64Array(init.batch),
  objectives: new Float64Array(init.objectives),
  measures: new Float64Array(init.measures),
};
const ctrl = new Int32Array(init.ctrl);
parentPort?.postMessage("ready");
let seq = 0;
for (;;) {
  seq = waitChange(ctrl, 0, seq);
  if (Atomics.load(ctrl, 3) === 1) break;
  runChunk(ctx, init.start, init.end, Atomics.load(ctrl, 1));
  Atomics.store(ctrl, 2, seq);
  Atomics.notify(ctrl, 2);
}
