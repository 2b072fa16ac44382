/**
 * Seeded PRNG: xoshiro128** (seeded by splitmix32) with a 128-layer ziggurat
 * for normals. 32-bit integer ops only, so V8 keeps everything in registers.
 * The whole state is four uint32 words: serialize with getState()/setState()
 * so a distributed worker can resume a stream exactly.
 */

export interface RngState {
  /** Uniform stream (xoshiro128** words). */
  s: [number, number, number, number];
  /** Normal stream (xoshiro128** words). */
  n: [number, number, number, number];
}

// Ziggurat tables (Marsaglia & Tsang 2000), 128 layers. The layer index comes
// from the low 7 bits and the position from the high 25 bits of one draw, so
// the two are independent (Doornik 2005's fix of the original RNOR).
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const POS_SCALE = 16777216; // 2^24: |position| < 2^24
const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(() => {
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * POS_SCALE);
  KN[1] = 0;
  WN[0] = q / POS_SCALE;
  WN[127] = dn / POS_SCALE;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * POS_SCALE);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / POS_SCALE;
  }
})();

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const PENDING = 4096; // (index, draw) pairs deferred to the slow path per fillNormal call

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  // Separate stream for normals: fillNormal() runs it with the state in locals.
  private n0 = 0;
  private n1 = 0;
  private n2 = 0;
  private n3 = 0;
  private readonly pending = new Int32Array(PENDING);

  constructor(seed: number = 0) {
    this.seed(seed);
  }

  /** Re-seed from a number (any double; hashed through its two 32-bit halves). */
  seed(seed: number): void {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.seedWords(splitmix32(lo ^ Math.imul(hi, 0x9e3779b1)));
  }

  private seedWords(sm: () => number): void {
    this.s0 = sm() | 0;
    this.s1 = sm() | 0;
    this.s2 = sm() | 0;
    this.s3 = sm() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.n0 = sm() | 0;
    this.n1 = sm() | 0;
    this.n2 = sm() | 0;
    this.n3 = sm() | 0;
    if ((this.n0 | this.n1 | this.n2 | this.n3) === 0) this.n0 = 1;
  }

  getState(): RngState {
    return {
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      n: [this.n0 >>> 0, this.n1 >>> 0, this.n2 >>> 0, this.n3 >>> 0],
    };
  }

  setState(state: RngState): void {
    const [a, b, c, d] = state.s;
    const [e, f, g, h] = state.n;
    if (((a | b | c | d) >>> 0) === 0 || ((e | f | g | h) >>> 0) === 0) throw new Error("rng state must not be all zero");
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    this.n0 = e | 0;
    this.n1 = f | 0;
    this.n2 = g | 0;
    this.n3 = h | 0;
  }

  /** Independent child stream (for one emitter), derived deterministically. */
  spawn(): Rng {
    const r = new Rng(0);
    r.seedWords(splitmix32(this.nextInt32() ^ Math.imul(this.nextInt32(), 0x27d4eb2d)));
    return r;
  }

  /** Next 32 random bits as a signed int32. */
  nextInt32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 32 bits of resolution (fast path). */
  random32(): number {
    return (this.nextInt32() >>> 0) * 2.3283064365386963e-10;
  }

  /** Uniform double in [0, 1) with 53 bits of resolution. */
  random(): number {
    const a = this.nextInt32() >>> 5;
    const b = this.nextInt32() >>> 6;
    return (a * 67108864 + b) * 1.1102230246251565e-16;
  }

  /** Uniform integer in [0, n), n < 2^32 (multiply-shift; bias < n/2^32). */
  int(n: number): number {
    return Math.floor((this.nextInt32() >>> 0) * 2.3283064365386963e-10 * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  /** Standard normal N(0,1) (ziggurat). For many draws use fillNormal. */
  normal(): number {
    const j = this.nextNormalStream();
    const iz = j & 127;
    const hz = j >> 7;
    if (((hz ^ (hz >> 31)) - (hz >> 31)) < KN[iz]) return hz * WN[iz];
    return this.normalSlow(hz, iz);
  }

  /**
   * out[offset..offset+n) = sigma·N(0,1), same stream as normal(). The
   * generator state lives in locals for the loop: ~4x faster than calls.
   */
  fillNormal(out: Float64Array, sigma = 1, offset = 0, n = out.length - offset): void {
    const sg = +sigma;
    let k = 0;
    for (;;) {
      k = this.fillLoop(out, offset, k, n, sg);
      if (k < 0) return;
      // pending was full at a rejection: resolve, then record that draw.
      this.resolvePending(out, sg, PENDING, false);
      const pend = this.pending;
      pend[0] = offset + k;
      pend[1] = this.carry;
      k++;
      this.np = 2;
    }
  }

  /**
   * Fused mutation row: out[o+k] = a[ao+k] + sigma·z_k + line·(b[bo+k] − a[ao+k])
   * with z_k ~ N(0,1) from the normal stream (same draws as fillNormal).
   * One pass instead of fill-then-add: the parents are read once while the
   * generator state stays in registers. Gaussian mutation is b = a, line = 0.
   */
  mutateRow(out: Float64Array, o: number, a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number, sigma: number, line: number): void {
    const sg = +sigma;
    const ln = +line;
    let k = 0;
    for (;;) {
      // Both parents live in one array in practice (the archive's solution
      // store); otherwise stage b next to a copy of a in a scratch buffer.
      k = a === b
        ? this.mutateLoop(out, o, a as Float64Array, ao, bo, k, n, sg, ln)
        : this.mutateLoop(out, o, this.pair(a, ao, b, bo, n), 0, n, k, n, sg, ln);
      if (k < 0) return;
      this.resolvePending(out, sg, PENDING, true);
      const pend = this.pending;
      pend[0] = o + k;
      pend[1] = this.carry;
      k++;
      this.np = 2;
    }
  }

  // The two loops below make no calls and read only locals (tables, buffers,
  // state): a call in the loop body, even on a rare path, stops TurboFan from
  // keeping typed-array bases, lengths and the generator state in registers
  // (it reloaded and re-checked them on every element). Rejected draws (~1%)
  // are deferred to `pending` and resolved in order after the loop, or when
  // `pending` is full, exactly as before: a full buffer is flushed when the
  // NEXT rejection arrives (its draw already taken), so the stream order is
  // unchanged. Each returns -1 when done (pending resolved), or the index k
  // of the rejection that found `pending` full (its draw in `carry`).
  private np = 0;
  private carry = 0;
  private pairBuf = new Float64Array(0);

  /** [a[ao..ao+n), b[bo..bo+n)] in one scratch array (parents in different arrays). */
  private pair(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): Float64Array {
    if (this.pairBuf.length < 2 * n) this.pairBuf = new Float64Array(2 * n);
    const p = this.pairBuf;
    for (let k = 0; k < n; k++) p[k] = a[ao + k];
    for (let k = 0; k < n; k++) p[n + k] = b[bo + k];
    return p;
  }
  private readonly f64 = new Float64Array(2);

  private fillLoop(out: Float64Array, o: number, k0: number, n: number, sigma: number): number {
    const kn = KN;
    const wn = WN;
    const pend = this.pending;
    const f = this.f64;
    f[0] = sigma;
    const sg = f[0];
    let s0 = this.n0;
    let s1 = this.n1;
    let s2 = this.n2;
    let s3 = this.n3;
    let np = k0 === 0 ? 0 : this.np;
    let k = k0;
    let stop = -1;
    for (; k < n; k++) {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const iz = r & 127;
      const hz = r >> 7;
      // Branch-free |hz|: the sign is random, so a branch mispredicts half the time.
      if (((hz ^ (hz >> 31)) - (hz >> 31)) < kn[iz]) {
        out[o + k] = sg * hz * wn[iz];
      } else {
        // Rare (~1%): resolve after the loop so the hot loop makes no calls.
        // Every rejected draw must go through normalSlow (wedges and tail);
        // redrawing from scratch instead would thin the tails.
        if (np === PENDING) {
          this.carry = r;
          stop = k;
          break;
        }
        pend[np++] = o + k;
        pend[np++] = r;
      }
    }
    this.n0 = s0;
    this.n1 = s1;
    this.n2 = s2;
    this.n3 = s3;
    if (stop >= 0) return stop;
    this.resolvePending(out, sigma, np, false);
    return -1;
  }

  private mutateLoop(out: Float64Array, o: number, a: Float64Array, ao: number, bo: number, k0: number, n: number, sigma: number, line: number): number {
    const kn = KN;
    const wn = WN;
    const pend = this.pending;
    // Doubles through a Float64Array so the loop uses unboxed values instead
    // of re-checking the (tagged) parameters on every element.
    const f = this.f64;
    f[0] = sigma;
    f[1] = line;
    const sg = f[0];
    const ln = f[1];
    let s0 = this.n0 | 0;
    let s1 = this.n1 | 0;
    let s2 = this.n2 | 0;
    let s3 = this.n3 | 0;
    let np = k0 === 0 ? 0 : this.np;
    const da = (ao - o) | 0;
    const db = (bo - o) | 0;
    const end = (o + n) | 0;
    let j = (o + k0) | 0;
    let carry = 0;
    let stop = -1;
    for (; j < end; j++) {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const iz = r & 127;
      const hz = r >> 7;
      const ak = a[j + da];
      const base = ak + ln * (a[j + db] - ak);
      if (((hz ^ (hz >> 31)) - (hz >> 31)) < kn[iz]) {
        out[j] = base + sg * hz * wn[iz];
      } else {
        out[j] = base;
        if (np === PENDING) {
          carry = r;
          stop = j - o;
          break;
        }
        pend[np++] = j;
        pend[np++] = r;
      }
    }
    this.n0 = s0;
    this.n1 = s1;
    this.n2 = s2;
    this.n3 = s3;
    if (stop >= 0) {
      this.carry = carry;
      return stop;
    }
    this.resolvePending(out, sg, np, true);
    return -1;
  }

  private resolvePending(out: Float64Array, sigma: number, np: number, add = false): void {
    const pend = this.pending;
    for (let k = 0; k < np; k += 2) {
      const r = pend[k + 1];
      const z = sigma * this.normalSlow(r >> 7, r & 127);
      if (add) out[pend[k]] += z;
      else out[pend[k]] = z;
    }
  }

  /** Next int32 of the normal stream (slow path only). */
  private nextNormalStream(): number {
    const s1 = this.n1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.n2 ^= this.n0;
    this.n3 ^= this.n1;
    this.n1 ^= this.n2;
    this.n0 ^= this.n3;
    this.n2 ^= t;
    this.n3 = rotl(this.n3, 11);
    return result;
  }

  private uniformNormalStream(): number {
    const a = this.nextNormalStream() >>> 5;
    const b = this.nextNormalStream() >>> 6;
    return (a * 67108864 + b) * 1.1102230246251565e-16;
  }

  private normalSlow(hz: number, iz: number): number {
    for (;;) {
      if (iz === 0) {
        // Tail beyond R: Marsaglia's exponential rejection.
        let x: number;
        let y: number;
        do {
          x = -Math.log(1 - this.uniformNormalStream()) / ZIG_R;
          y = -Math.log(1 - this.uniformNormalStream());
        } while (y + y < x * x);
        return hz > 0 ? ZIG_R + x : -ZIG_R - x;
      }
      const x = hz * WN[iz];
      if (FN[iz] + this.uniformNormalStream() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      const j = this.nextNormalStream();
      iz = j & 127;
      hz = j >> 7;
      if (((hz ^ (hz >> 31)) - (hz >> 31)) < KN[iz]) return hz * WN[iz];
    }
  }

}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The one seed mixer of distributed runs: the seed of stream k (job k, ask k)
 * of a run with this seed — independent streams, reproducible from the seed.
 */
export function mixSeed(seed: number, k: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (k + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
