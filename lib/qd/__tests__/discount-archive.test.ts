import { describe, expect, it } from "vitest";
import { DiscountArchive, discountSurface } from "../archive/discount";
import { GridArchive } from "../archive/grid";
import { MLP } from "../ml/mlp";
import { Rng } from "../rng";

describe("MLP", { timeout: 60_000 }, () => {
  it("backpropagates the exact gradient (central finite differences)", () => {
    const rng = new Rng(4);
    const net = new MLP([3, 7, 5, 2], rng);
    const n = 6;
    const x = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const t = Float64Array.from({ length: n * 2 }, () => rng.normal());
    net.lossAndGradient(x, t, n);
    const g = Float64Array.from(net.grads);
    const eps = 1e-6;
    let checked = 0;
    for (let i = 0; i < net.numParams; i++) {
      const p0 = net.params[i];
      net.params[i] = p0 + eps;
      const up = net.lossAndGradient(x, t, n);
      net.params[i] = p0 - eps;
      const down = net.lossAndGradient(x, t, n);
      net.params[i] = p0;
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(fd - g[i])).toBeLessThan(1e-7 + 1e-5 * Math.abs(fd));
      checked++;
    }
    expect(checked).toBe(3 * 7 + 7 + 7 * 5 + 5 + 5 * 2 + 2);
  });

  it("takes PyTorch's Adam step (bias-corrected moments)", () => {
    const net = new MLP([1, 1], new Rng(1), { lr: 0.1 });
    net.params.set([0.5, 0.25]); // w, b
    // Loss (w·x + b − t)² with x = 2, t = 0: gradient w.r.t. w = 2·1.25·2 = 5, b = 2.5.
    const loss = net.trainStep([2], [0], 1);
    expect(loss).toBeCloseTo(1.5625, 12);
    // First step: m̂ = g, v̂ = g², so each parameter moves by lr·g/(|g| + ε) ≈ lr.
    expect(net.params[0]).toBeCloseTo(0.5 - 0.1 * 5 / (5 + 1e-8), 12);
    expect(net.params[1]).toBeCloseTo(0.25 - 0.1 * 2.5 / (2.5 + 1e-8), 12);
    const w1 = net.params[0];
    const b1 = net.params[1];
    // Second step by hand.
    const y = w1 * 2 + b1;
    const gw = 2 * y * 2;
    const gb = 2 * y;
    const step = (p: number, g: number, g0: number) => {
      const m = 0.9 * (0.1 * g0) + 0.1 * g;
      const v = 0.999 * (0.001 * g0 * g0) + 0.001 * g * g;
      return p - ((0.1 / (1 - 0.81)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    };
    net.trainStep([2], [0], 1);
    expect(net.params[0]).toBeCloseTo(step(w1, gw, 5), 12);
    expect(net.params[1]).toBeCloseTo(step(b1, gb, 2.5), 12);
  });

  it("initialises like torch.nn.Linear: U(±1/√fan_in)", () => {
    const net = new MLP([4, 128, 1], new Rng(9));
    const w1 = net.params.subarray(0, 4 * 128);
    expect(Math.max(...w1)).toBeLessThanOrEqual(0.5);
    expect(Math.min(...w1)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...w1)).toBeGreaterThan(0.45);
    const w2 = net.params.subarray(4 * 128 + 128, 4 * 128 + 128 + 128);
    expect(Math.max(...w2.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128));
  });
});

describe("DiscountArchive", { timeout: 60_000 }, () => {
  const make = (seed = 1, lr = 1e-3) => {
    const result = new GridArchive({ solutionDim: 2, dims: [10, 10], ranges: [[-1, 1], [-1, 1]] });
    const arch = new DiscountArchive({ solutionDim: 2, measureDim: 2, learningRate: 0.1, thresholdMin: 0, resultArchive: result, initTrainPoints: 100, emptyPoints: 20, hidden: [32, 32], discountRange: [0, 100], rng: new Rng(seed), adam: { lr }, trainEpochs: 20, trainCutoffLoss: 1e-5 });
    return { result, arch };
  };

  it("starts near threshold_min everywhere and reports improvement = objective − discount", () => {
    const { arch } = make();
    expect(arch.lastTrain).toBeNull(); // the initial fit waits for first use
    const disc = new Float64Array(4);
    const meas = [0, 0, 0.5, -0.5, -0.9, 0.9, 0.3, 0.3];
    arch.inference(meas, 4, disc);
    expect(arch.lastTrain!.points).toBe(100); // the initial fit used 100 empty-cell centres
    for (const d of disc) expect(Math.abs(d)).toBeLessThan(5);
    const r = arch.add(new Float64Array(8), [50, disc[1] - 1, 70, NaN], meas, 4);
    expect(Array.from(r.status)).toEqual([2, 0, 2, 0]);
    expect(r.value[0]).toBeCloseTo(50 - disc[0], 10);
    expect(r.value[1]).toBeCloseTo(-1, 10);
    expect(r.value[3]).toBe(-Infinity);
  });

  it("learns the CMA-MAE discount targets where solutions beat it, and keeps empty regions at threshold_min", () => {
    const { arch, result } = make(2, 0.01);
    // Each round offers 30 solutions with objective 80 around (0.5, 0.5); the
    // CMA-MAE rule moves their targets by α·(80 − discount) per round.
    const rng = new Rng(5);
    const d = new Float64Array(1);
    const at = [0.5, 0.5];
    const seen: number[] = [];
    for (let round = 0; round < 20; round++) {
      const meas = Float64Array.from({ length: 60 }, () => 0.5 + 0.05 * rng.normal());
      arch.add(new Float64Array(60), new Float64Array(30).fill(80), meas, 30);
      result.add(new Float64Array(60), new Float64Array(30).fill(80), meas, 30);
      arch.train();
      arch.inference(at, 1, d);
      seen.push(d[0]);
    }
    // 20 rounds of the rule from 0 give 80·(1 − 0.9^20) ≈ 70; the fitted model follows upward.
    expect(seen[19]).toBeGreaterThan(30);
    expect(seen[19]).toBeLessThan(85);
    expect(seen[19]).toBeGreaterThan(seen[4]);
    const far = new Float64Array(1);
    arch.inference([-0.9, -0.9], 1, far);
    expect(Math.abs(far[0])).toBeLessThan(15);
  });

  it("requires a finite threshold_min and a grid or CVT result archive", () => {
    const result = new GridArchive({ solutionDim: 2, dims: [4, 4], ranges: [[0, 1], [0, 1]] });
    const base = { solutionDim: 2, measureDim: 2, learningRate: 0.1, resultArchive: result, discountRange: [0, 1] as [number, number], rng: new Rng(1), initTrainPoints: 4 };
    expect(() => new DiscountArchive({ ...base, thresholdMin: -Infinity })).toThrow(/finite/);
    expect(() => new DiscountArchive({ ...base, thresholdMin: 0, learningRate: 0 })).toThrow(/learningRate/);
  });

  describe("state as bytes (distributed runs)", () => {
    // One search-archive step as a worker runs it: the discount archive, then the result grid.
    const pair = (seed: number) => {
      const result = new GridArchive({ solutionDim: 2, dims: [10, 10], ranges: [[-1, 1], [-1, 1]] });
      const arch = new DiscountArchive({ solutionDim: 2, measureDim: 2, learningRate: 0.1, thresholdMin: 0, resultArchive: result, initTrainPoints: 60, emptyPoints: 20, hidden: [16, 16], discountRange: [0, 100], rng: new Rng(seed), trainEpochs: 3, trainCutoffLoss: 1e-6 });
      return { result, arch };
    };
    const batches = (seed: number, count: number, n: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: count }, () => ({
        sols: Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1)),
        objs: Float64Array.from({ length: n }, () => rng.uniform(0, 100)),
        meas: Float64Array.from({ length: 2 * n }, () => rng.uniform(-1.1, 1.1)),
      }));
    };
    const step = (p: ReturnType<typeof pair>, b: ReturnType<typeof batches>[number], n: number) => {
      const r = p.arch.add(b.sols, b.objs, b.meas, n);
      const out = { status: Array.from(r.status), value: Array.from(r.value) };
      p.result.add(b.sols, b.objs, b.meas, n);
      return out;
    };

    it("export → import → continue is the uninterrupted run, bit for bit", () => {
      const n = 12;
      const all = batches(3, 10, n);
      const a = pair(7);
      for (const b of all.slice(0, 5)) step(a, b, n);
      expect(a.arch.pendingRows).toBe(n); // the last batch, waiting to train, travels in the state
      // Another worker: its own RNG and a result grid that holds what the Elite table holds.
      const b = pair(99);
      for (const x of all.slice(0, 5)) b.result.add(x.sols, x.objs, x.meas, n);
      const state = a.arch.exportState();
      b.arch.importState(state);
      expect(Buffer.from(b.arch.exportState()).equals(Buffer.from(state))).toBe(true);
      for (const x of all.slice(5)) expect(step(b, x, n)).toEqual(step(a, x, n));
      a.arch.train();
      b.arch.train();
      expect(Buffer.from(b.arch.exportState()).equals(Buffer.from(a.arch.exportState()))).toBe(true);
      expect(Array.from(b.arch.model.params)).toEqual(Array.from(a.arch.model.params));
    });

    it("a state exported before the initial fit continues exactly too (the fit then runs on the importer)", () => {
      const n = 8;
      const all = batches(4, 3, n);
      const a = pair(5);
      const b = pair(6);
      b.arch.importState(a.arch.exportState());
      for (const x of all) expect(step(b, x, n)).toEqual(step(a, x, n));
    });

    it("refuses another archive's state, and draws the discount surface from the bytes alone", () => {
      const p = pair(1);
      const at = Float64Array.from([0, 0, 0.5, -0.5, -0.9, 0.9]);
      const want = new Float64Array(3);
      p.arch.inference(at, 3, want);
      expect(Array.from(discountSurface(p.arch.exportState(), at, 3))).toEqual(Array.from(want));
      const wider = new DiscountArchive({ solutionDim: 2, measureDim: 2, learningRate: 0.1, thresholdMin: 0, resultArchive: p.result, hidden: [32, 16], discountRange: [0, 100], rng: new Rng(1) });
      expect(() => wider.importState(p.arch.exportState())).toThrow(/not of this discount archive/);
      // 16·2+16 + 16·16+16 + 16+1 parameters, three copies (weights, Adam m and v), 8 bytes each.
      expect(p.arch.exportState().length).toBeLessThan(3 * 337 * 8 + 1024);
    });
  });
});
