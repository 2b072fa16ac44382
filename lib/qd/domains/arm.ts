/**
 * Planar arm repertoire (QDax/pyribs style, as PRODUCT.md defines it):
 * n genes in [0, 1] → angles (x − 0.5)·2π, links of length 1/n,
 * fitness −std(angles) (population std), descriptor = end effector/2 + 0.5,
 * which lies in [0, 1]².
 */
import type { Domain } from "./types";

export function armDomain(joints = 12): Domain {
  if (!Number.isInteger(joints) || joints < 1) throw new Error("arm joints must be a positive integer");
  const n = joints;
  const link = 1 / n;
  return {
    type: "arm",
    dim: n,
    bounds: { lower: new Float64Array(n), upper: new Float64Array(n).fill(1) },
    x0: new Float64Array(n).fill(0.5),
    descriptors: [
      { name: "x", min: 0, max: 1, bins: 100 },
      { name: "y", min: 0, max: 1, bins: 100 },
    ],
    objectiveRange: [-Math.PI, 0],
    qdScoreOffset: -Math.PI, // std of angles in [-π, π] is at most π
    evaluateBatch(x, count, objectives, measures) {
      const tau = 2 * Math.PI;
      for (let i = 0; i < count; i++) {
        const o = i * n;
        let sum = 0;
        let sum2 = 0;
        let cum = 0;
        let px = 0;
        let py = 0;
        for (let k = 0; k < n; k++) {
          const a = (x[o + k] - 0.5) * tau;
          sum += a;
          sum2 += a * a;
          cum += a;
          px += link * Math.cos(cum);
          py += link * Math.sin(cum);
        }
        const mean = sum / n;
        const variance = Math.max(0, sum2 / n - mean * mean);
        objectives[i] = -Math.sqrt(variance);
        measures[2 * i] = 0.5 * px + 0.5;
        measures[2 * i + 1] = 0.5 * py + 0.5;
      }
    },
  };
}
