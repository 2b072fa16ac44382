/** Domain contract: a batch evaluator over flat typed arrays. */

export interface DescriptorSpec {
  name: string;
  min: number;
  max: number;
  bins: number;
}

export interface Domain {
  type: string;
  /** Solution (genome) length. */
  dim: number;
  /** Per-gene box, or null when unbounded. */
  bounds: { lower: Float64Array; upper: Float64Array } | null;
  /** Starting point for emitters. */
  x0: Float64Array;
  /** Default behaviour descriptors (measures), in evaluateBatch output order. */
  descriptors: DescriptorSpec[];
  /** Range objectives usually fall in (for colour scales). */
  objectiveRange: [number, number];
  /** Offset subtracted in the QD score. */
  qdScoreOffset: number;
  /**
   * Evaluates n solutions (row-major n×dim in `solutions`) into
   * objectives[n] and measures[n×descriptors.length]. Allocation-free.
   */
  evaluateBatch(solutions: Float64Array, n: number, objectives: Float64Array, measures: Float64Array): void;
  /**
   * Like evaluateBatch, and also the Jacobian of every solution into
   * jacobians[n × (1 + measureDim) × dim]: the objective's gradient, then
   * each measure's. Present on domains that DQD emitters (OG-MAP-Elites,
   * OMG-MEGA, CMA-MEGA, CMA-MAEGA) can run on.
   */
  evaluateWithGradients?(solutions: Float64Array, n: number, objectives: Float64Array, measures: Float64Array, jacobians: Float64Array): void;
}

export type DomainSpec =
  | { type: "sphere"; dim?: number }
  | { type: "rastrigin"; dim?: number }
  | { type: "arm"; joints?: number; dim?: number };
