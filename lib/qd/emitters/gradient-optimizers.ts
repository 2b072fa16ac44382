/**
 * Gradient-ascent optimizers of a solution point θ (pyribs
 * ribs/emitters/opt: GradientAscentOpt and AdamOpt). step(g) ascends along
 * g; CMA-MEGA passes the step towards its ES-weighted parent mean as g.
 */

export type GradientOptName = "gradient_ascent" | "adam";
export const GRADIENT_OPTS: GradientOptName[] = ["gradient_ascent", "adam"];

export interface GradientOptState {
  theta: number[];
  m?: number[];
  v?: number[];
  t?: number;
}

export interface GradientOptimizer {
  readonly theta: Float64Array;
  reset(theta0: ArrayLike<number>): void;
  step(gradient: ArrayLike<number>): void;
  getState(): GradientOptState;
  setState(s: GradientOptState): void;
}

/** θ ← θ + lr·g. */
export class GradientAscentOpt implements GradientOptimizer {
  readonly theta: Float64Array;

  constructor(theta0: ArrayLike<number>, readonly lr: number) {
    if (!(lr > 0)) throw new Error("gradient-ascent lr must be > 0");
    this.theta = Float64Array.from(theta0);
  }

  reset(theta0: ArrayLike<number>): void {
    this.theta.set(theta0);
  }

  step(g: ArrayLike<number>): void {
    const th = this.theta;
    for (let k = 0; k < th.length; k++) th[k] += this.lr * g[k];
  }

  getState(): GradientOptState {
    return { theta: Array.from(this.theta) };
  }

  setState(s: GradientOptState): void {
    this.theta.set(s.theta);
  }
}

/** Adam (Kingma & Ba 2014) on −g, pyribs defaults β1 0.9, β2 0.999, ε 1e-8, no L2. */
export class AdamOpt implements GradientOptimizer {
  readonly theta: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(theta0: ArrayLike<number>, readonly lr = 0.001, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-8) {
    if (!(lr > 0)) throw new Error("adam lr must be > 0");
    this.theta = Float64Array.from(theta0);
    this.m = new Float64Array(this.theta.length);
    this.v = new Float64Array(this.theta.length);
  }

  reset(theta0: ArrayLike<number>): void {
    this.theta.set(theta0);
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
  }

  step(g: ArrayLike<number>): void {
    this.t++;
    const { beta1: b1, beta2: b2 } = this;
    const a = (this.lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    const { theta, m, v } = this;
    for (let k = 0; k < theta.length; k++) {
      const d = -g[k]; // Adam minimizes: descend on −g to ascend on g.
      m[k] = b1 * m[k] + (1 - b1) * d;
      v[k] = b2 * v[k] + (1 - b2) * d * d;
      theta[k] -= (a * m[k]) / (Math.sqrt(v[k]) + this.epsilon);
    }
  }

  getState(): GradientOptState {
    return { theta: Array.from(this.theta), m: Array.from(this.m), v: Array.from(this.v), t: this.t };
  }

  setState(s: GradientOptState): void {
    this.theta.set(s.theta);
    if (s.m) this.m.set(s.m);
    else this.m.fill(0);
    if (s.v) this.v.set(s.v);
    else this.v.fill(0);
    this.t = s.t ?? 0;
  }
}

export function makeGradientOpt(name: GradientOptName, theta0: ArrayLike<number>, lr: number): GradientOptimizer {
  if (name === "gradient_ascent") return new GradientAscentOpt(theta0, lr);
  if (name === "adam") return new AdamOpt(theta0, lr);
  throw new Error(`unknown gradient optimizer "${name as string}" (use ${GRADIENT_OPTS.join(", ")})`);
}
