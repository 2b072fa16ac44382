/** Emitter contract shared by the scheduler (pyribs ask/tell). */

export interface Bounds {
  lower: Float64Array;
  upper: Float64Array;
}

/** Results handed back to an emitter for the rows it produced. */
export interface TellBatch {
  solutions: Float64Array;
  objectives: Float64Array;
  measures: Float64Array;
  status: Uint8Array;
  value: Float64Array;
  n: number;
  /** Extra add() results of novelty and density archives, for their rankers. */
  novelty?: Float64Array;
  localCompetition?: Float64Array;
  density?: Float64Array;
}

export interface Emitter {
  readonly batchSize: number;
  readonly solutionDim: number;
  /** Writes batchSize solutions, row-major, into out. */
  ask(out: Float64Array): void;
  tell(batch: TellBatch): void;
  /** JSON-serializable state so a worker can resume it (RNG included). */
  getState(): unknown;
  setState(state: unknown): void;
  /**
   * DQD emitters (pyribs ask_dqd / tell_dqd): solutions whose gradients
   * the emitter needs before its ask(). Called, in this order, before every
   * ask()/tell(): askDqd writes batchSizeDqd rows; tellDqd gets their
   * results and Jacobians (row-major n × (1 + measureDim) × solutionDim).
   */
  readonly batchSizeDqd?: number;
  askDqd?(out: Float64Array): void;
  tellDqd?(batch: TellBatch, jacobians: Float64Array): void;
}

export function makeBounds(lower: ArrayLike<number>, upper: ArrayLike<number>): Bounds {
  if (lower.length !== upper.length) throw new Error("bounds lower/upper must have the same length");
  return { lower: Float64Array.from(lower), upper: Float64Array.from(upper) };
}
