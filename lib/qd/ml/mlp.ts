/**
 * A small fully connected network (ReLU between layers, none after the last)
 * trained with Adam on a mean squared error, in plain TypeScript over one
 * flat Float64Array of parameters. Sized for discount models (2 → 128 → 128
 * → 1, batches of 32): the hot loops run over contiguous rows and skip the
 * zero gradients ReLU produces.
 *
 * Initialisation and Adam follow PyTorch's defaults (nn.Linear: weights and
 * biases ~ U(±1/√fan_in); torch.optim.Adam with bias correction, ε = 1e-8),
 * so training behaves like the pyribs model it replaces.
 */
import type { Rng } from "../rng";

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

interface Layer {
  inDim: number;
  outDim: number;
  /** Offsets into params/grads: weights (outDim × inDim, row-major), then biases. */
  w: number;
  b: number;
}

export class MLP {
  readonly sizes: number[];
  /** All weights and biases, layer by layer. */
  readonly params: Float64Array;
  /** Gradient of the last lossAndGradient() call, same layout as params. */
  readonly grads: Float64Array;
  private readonly layers: Layer[];
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private step = 0;
  private readonly adam: Required<AdamOptions>;
  /** Activations per layer for the current batch (post-ReLU for hidden layers). */
  private acts: Float64Array[] = [];
  private deltas: Float64Array[] = [];
  private capacity = 0;

  constructor(sizes: number[], rng: Rng, adam: AdamOptions = {}) {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error("MLP sizes must be at least two positive integers");
    this.sizes = sizes.slice();
    this.layers = [];
    let total = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const layer = { inDim: sizes[l], outDim: sizes[l + 1], w: total, b: total + sizes[l] * sizes[l + 1] };
      total = layer.b + sizes[l + 1];
      this.layers.push(layer);
    }
    this.params = new Float64Array(total);
    this.grads = new Float64Array(total);
    this.m = new Float64Array(total);
    this.v = new Float64Array(total);
    for (const L of this.layers) {
      const bound = 1 / Math.sqrt(L.inDim);
      for (let i = L.w; i < L.b + L.outDim; i++) this.params[i] = rng.uniform(-bound, bound);
    }
    this.adam = { lr: adam.lr ?? 1e-3, beta1: adam.beta1 ?? 0.9, beta2: adam.beta2 ?? 0.999, eps: adam.eps ?? 1e-8 };
  }

  get numParams(): number {
    return this.params.length;
  }

  private ensure(n: number): void {
    if (this.capacity >= n) return;
    this.capacity = Math.max(n, 32);
    this.acts = this.sizes.map((s) => new Float64Array(this.capacity * s));
    this.deltas = this.sizes.map((s) => new Float64Array(this.capacity * s));
  }

  /** Forward pass of n input rows (row-major); returns the output activations (view, reused). */
  private forwardInternal(x: ArrayLike<number>, n: number): Float64Array {
    this.ensure(n);
    const p = this.params;
    const a0 = this.acts[0];
    const d0 = this.sizes[0];
    for (let i = 0; i < n * d0; i++) a0[i] = x[i];
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = this.layers[l];
      const input = this.acts[l];
      const output = this.acts[l + 1];
      const inD = L.inDim;
      const outD = L.outDim;
      const relu = l < last;
      let s = 0;
      // Four rows at a time: each weight row is read once per block.
      for (; s + 4 <= n; s += 4) {
        const i0 = s * inD;
        const i1 = i0 + inD;
        const i2 = i1 + inD;
        const i3 = i2 + inD;
        const oo = s * outD;
        for (let o = 0; o < outD; o++) {
          const bias = p[L.b + o];
          let z0 = bias;
          let z1 = bias;
          let z2 = bias;
          let z3 = bias;
          const wo = L.w + o * inD;
          for (let i = 0; i < inD; i++) {
            const w = p[wo + i];
            z0 += w * input[i0 + i];
            z1 += w * input[i1 + i];
            z2 += w * input[i2 + i];
            z3 += w * input[i3 + i];
          }
          output[oo + o] = relu && z0 < 0 ? 0 : z0;
          output[oo + outD + o] = relu && z1 < 0 ? 0 : z1;
          output[oo + 2 * outD + o] = relu && z2 < 0 ? 0 : z2;
          output[oo + 3 * outD + o] = relu && z3 < 0 ? 0 : z3;
        }
      }
      for (; s < n; s++) {
        const io = s * inD;
        const oo = s * outD;
        for (let o = 0; o < outD; o++) {
          let z = p[L.b + o];
          const wo = L.w + o * inD;
          for (let i = 0; i < inD; i++) z += p[wo + i] * input[io + i];
          output[oo + o] = relu && z < 0 ? 0 : z;
        }
      }
    }
    return this.acts[this.layers.length];
  }

  /** Outputs for n rows: out[s * outDim + o]. */
  predict(x: ArrayLike<number>, n: number, out: Float64Array): void {
    const y = this.forwardInternal(x, n);
    const k = n * this.sizes[this.sizes.length - 1];
    for (let i = 0; i < k; i++) out[i] = y[i];
  }

  /**
   * Mean squared error over n rows against targets (n × outDim) and its
   * gradient with respect to every parameter (into grads).
   */
  lossAndGradient(x: ArrayLike<number>, targets: ArrayLike<number>, n: number): number {
    const y = this.forwardInternal(x, n);
    const nl = this.layers.length;
    const outD = this.sizes[nl];
    const g = this.grads;
    g.fill(0);
    const top = this.deltas[nl];
    let loss = 0;
    const scale = 2 / (n * outD);
    for (let i = 0; i < n * outD; i++) {
      const e = y[i] - targets[i];
      loss += e * e;
      top[i] = scale * e;
    }
    loss /= n * outD;
    const p = this.params;
    for (let l = nl - 1; l >= 0; l--) {
      const L = this.layers[l];
      const inD = L.inDim;
      const oD = L.outDim;
      const input = this.acts[l];
      const dOut = this.deltas[l + 1];
      const dIn = this.deltas[l];
      const needInput = l > 0;
      if (needInput) dIn.fill(0, 0, n * inD);
      let s = 0;
      for (; s + 4 <= n; s += 4) {
        const i0 = s * inD;
        const i1 = i0 + inD;
        const i2 = i1 + inD;
        const i3 = i2 + inD;
        for (let o = 0; o < oD; o++) {
          const d0 = dOut[s * oD + o];
          const d1 = dOut[(s + 1) * oD + o];
          const d2 = dOut[(s + 2) * oD + o];
          const d3 = dOut[(s + 3) * oD + o];
          if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
          g[L.b + o] += d0 + d1 + d2 + d3;
          const wo = L.w + o * inD;
          if (needInput) {
            for (let i = 0; i < inD; i++) {
              g[wo + i] += d0 * input[i0 + i] + d1 * input[i1 + i] + d2 * input[i2 + i] + d3 * input[i3 + i];
              const w = p[wo + i];
              dIn[i0 + i] += d0 * w;
              dIn[i1 + i] += d1 * w;
              dIn[i2 + i] += d2 * w;
              dIn[i3 + i] += d3 * w;
            }
          } else {
            for (let i = 0; i < inD; i++) g[wo + i] += d0 * input[i0 + i] + d1 * input[i1 + i] + d2 * input[i2 + i] + d3 * input[i3 + i];
          }
        }
      }
      for (; s < n; s++) {
        const io = s * inD;
        for (let o = 0; o < oD; o++) {
          const d = dOut[s * oD + o];
          if (d === 0) continue;
          g[L.b + o] += d;
          const wo = L.w + o * inD;
          for (let i = 0; i < inD; i++) g[wo + i] += d * input[io + i];
          if (needInput) for (let i = 0; i < inD; i++) dIn[io + i] += d * p[wo + i];
        }
      }
      // Through the ReLU of the layer below: zero where its output was clamped.
      if (needInput) for (let i = 0; i < n * inD; i++) if (input[i] <= 0) dIn[i] = 0;
    }
    return loss;
  }

  /** One Adam step with the current grads (PyTorch's update). */
  adamStep(): void {
    const { lr, beta1, beta2, eps } = this.adam;
    this.step++;
    const bc1 = 1 - Math.pow(beta1, this.step);
    const bc2 = Math.sqrt(1 - Math.pow(beta2, this.step));
    const stepSize = lr / bc1;
    const p = this.params;
    const g = this.grads;
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2 + eps);
    }
  }

  /** Forward, backward and one Adam step on a minibatch; returns its loss before the step. */
  trainStep(x: ArrayLike<number>, targets: ArrayLike<number>, n: number): number {
    const loss = this.lossAndGradient(x, targets, n);
    this.adamStep();
    return loss;
  }

  /** Adam steps taken so far (its bias correction depends on it). */
  get steps(): number {
    return this.step;
  }

  /** Parameters and Adam moments, by reference (a state export copies them). */
  get adamMoments(): { m: Float64Array; v: Float64Array } {
    return { m: this.m, v: this.v };
  }

  getState(): { params: number[]; m: number[]; v: number[]; step: number } {
    return { params: Array.from(this.params), m: Array.from(this.m), v: Array.from(this.v), step: this.step };
  }

  setState(s: { params: ArrayLike<number>; m: ArrayLike<number>; v: ArrayLike<number>; step: number }): void {
    if (s.params.length !== this.params.length || s.m.length !== this.params.length || s.v.length !== this.params.length) throw new Error(`MLP state has ${s.params.length} parameters; expected ${this.params.length}`);
    this.params.set(s.params);
    this.m.set(s.m);
    this.v.set(s.v);
    this.step = s.step;
  }
}
