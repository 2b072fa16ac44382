/**
 * Linear-projection sphere and Rastrigin (Fontaine 2020; pyribs
 * examples/sphere.py, icaros-usc/cma_mae lin_proj.py): optimum shifted to
 * 5.12·0.4 = 2.048, objective normalized so 100 is optimal and 0 is the
 * value at x = −5.12 everywhere. Measures: sum of the first ⌊n/2⌋ and of the
 * remaining components, each clipped as x ← 5.12/x when |x| > 5.12.
 *
 * The sphere also gives analytic gradients for DQD emitters, with pyribs'
 * conventions: the objective gradient is that of −Σ(x−s)², i.e. the
 * normalized objective's gradient divided by its positive scale 100/|worst|
 * (same direction; OG-MAP-Elites' unnormalized step σ_g = 0.5 relies on this
 * magnitude), and a measure's derivative is 1 inside [−5.12, 5.12] and
 * −5.12/x² where the component is clipped.
 */
import type { Domain } from "./types";

const SHIFT = 5.12 * 0.4;

export function linearProjectionMeasures(x: ArrayLike<number>, o: number, n: number, out: Float64Array, mo: number): void {
  const half = n >> 1;
  let m0 = 0;
  let m1 = 0;
  for (let k = 0; k < n; k++) {
    let v = x[o + k];
    if (v > 5.12 || v < -5.12) v = 5.12 / v;
    if (k < half) m0 += v;
    else m1 += v;
  }
  out[mo] = m0;
  out[mo + 1] = m1;
}

function lpDescriptors(dim: number) {
  const bound = (dim / 2) * 5.12;
  return [
    { name: "m0", min: -bound, max: bound, bins: 100 },
    { name: "m1", min: -bound, max: bound, bins: 100 },
  ];
}

export function sphereDomain(dim = 100): Domain {
  if (!Number.isInteger(dim) || dim < 2) throw new Error("sphere dim must be an integer >= 2");
  const worst = (-5.12 - SHIFT) ** 2 * dim;
  const scale = 100 / (0 - worst);
  const domain: Domain = {
    type: "sphere",
    dim,
    bounds: null,
    x0: new Float64Array(dim),
    descriptors: lpDescriptors(dim),
    objectiveRange: [0, 100],
    qdScoreOffset: 0,
    evaluateBatch(x, n, objectives, measures) {
      const half = dim >> 1;
      for (let i = 0; i < n; i++) {
        const o = i * dim;
        let raw = 0;
        let m0 = 0;
        let m1 = 0;
        for (let k = 0; k < half; k++) {
          let v = x[o + k];
          const t = v - SHIFT;
          raw += t * t;
          if (v > 5.12 || v < -5.12) v = 5.12 / v;
          m0 += v;
        }
        for (let k = half; k < dim; k++) {
          let v = x[o + k];
          const t = v - SHIFT;
          raw += t * t;
          if (v > 5.12 || v < -5.12) v = 5.12 / v;
          m1 += v;
        }
        objectives[i] = (raw - worst) * scale;
        measures[2 * i] = m0;
        measures[2 * i + 1] = m1;
      }
    },
    evaluateWithGradients(x, n, objectives, measures, jacobians) {
      domain.evaluateBatch(x, n, objectives, measures);
      sphereJacobian(x, n, dim, jacobians);
    },
  };
  return domain;
}

/**
 * Analytic Jacobian of the LP sphere at n solutions (pyribs examples/sphere.py):
 * rows [∇(−Σ(x−s)²), ∇m0, ∇m1] per solution, each of length dim.
 */
export function sphereJacobian(x: Float64Array, n: number, dim: number, jacobians: Float64Array): void {
  const half = dim >> 1;
  const stride = 3 * dim;
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    const g = i * stride;
    const m0 = g + dim;
    const m1 = m0 + dim;
    for (let k = 0; k < dim; k++) {
      const v = x[o + k];
      jacobians[g + k] = -2 * (v - SHIFT);
      const d = v > 5.12 || v < -5.12 ? -5.12 / (v * v) : 1;
      if (k < half) {
        jacobians[m0 + k] = d;
        jacobians[m1 + k] = 0;
      } else {
        jacobians[m0 + k] = 0;
        jacobians[m1 + k] = d;
      }
    }
  }
}

export function rastriginDomain(dim = 100): Domain {
  if (!Number.isInteger(dim) || dim < 2) throw new Error("rastrigin dim must be an integer >= 2");
  const A = 10;
  const dw = -5.12 - SHIFT;
  const worst = A * dim + dim * (dw * dw - A * Math.cos(2 * Math.PI * dw));
  const scale = 100 / (0 - worst);
  return {
    type: "rastrigin",
    dim,
    bounds: null,
    x0: new Float64Array(dim),
    descriptors: lpDescriptors(dim),
    objectiveRange: [0, 100],
    qdScoreOffset: 0,
    evaluateBatch(x, n, objectives, measures) {
      for (let i = 0; i < n; i++) {
        const o = i * dim;
        let raw = A * dim;
        for (let k = 0; k < dim; k++) {
          const t = x[o + k] - SHIFT;
          raw += t * t - A * Math.cos(2 * Math.PI * t);
        }
        objectives[i] = (raw - worst) * scale;
        linearProjectionMeasures(x, o, dim, measures, 2 * i);
      }
    },
  };
}
