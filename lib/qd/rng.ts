/**
 * Seeded PRNG: xoshiro128** (seeded by splitmix32) with a 128-layer ziggurat
 * for normals. 32-bit integer ops only, so V8 keeps everything in registers.
 * The whole state is four uint32 words: serialize with getState()/setState()
 * so a distributed worker can resume a stream exactly.
 */

export interface RngState {
  s: [number, number, number, number];
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

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number = 0) {
    this.seed(seed);
  }

  /** Re-seed from a number (any double; hashed through its two 32-bit halves). */
  seed(seed: number): void {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const sm = splitmix32(lo ^ Math.imul(hi, 0x9e3779b1));
    this.s0 = sm() | 0;
    this.s1 = sm() | 0;
    this.s2 = sm() | 0;
    this.s3 = sm() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  setState(state: RngState): void {
    const [a, b, c, d] = state.s;
    if (((a | b | c | d) >>> 0) === 0) throw new Error("rng state must not be all zero");
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
  }

  /** Independent child stream (for one emitter), derived deterministically. */
  spawn(): Rng {
    const r = new Rng(0);
    const sm = splitmix32(this.nextInt32() ^ Math.imul(this.nextInt32(), 0x27d4eb2d));
    r.s0 = sm() | 0;
    r.s1 = sm() | 0;
    r.s2 = sm() | 0;
    r.s3 = sm() | 0;
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) r.s0 = 1;
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

  /** Standard normal N(0,1) via ziggurat; ~99% of draws take the fast path. */
  normal(): number {
    const j = this.nextInt32();
    const iz = j & 127;
    const hz = j >> 7;
    if ((hz < 0 ? -hz : hz) < KN[iz]) return hz * WN[iz];
    return this.normalSlow(hz, iz);
  }

  private normalSlow(hz: number, iz: number): number {
    for (;;) {
      if (iz === 0) {
        // Tail beyond R: Marsaglia's exponential rejection.
        let x: number;
        let y: number;
        do {
          x = -Math.log(1 - this.random()) / ZIG_R;
          y = -Math.log(1 - this.random());
        } while (y + y < x * x);
        return hz > 0 ? ZIG_R + x : -ZIG_R - x;
      }
      const x = hz * WN[iz];
      if (FN[iz] + this.random() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      const j = this.nextInt32();
      iz = j & 127;
      hz = j >> 7;
      if ((hz < 0 ? -hz : hz) < KN[iz]) return hz * WN[iz];
    }
  }

  /** Fill out[offset..offset+n) with N(0, sigma^2). */
  fillNormal(out: Float64Array, sigma = 1, offset = 0, n = out.length - offset): void {
    const end = offset + n;
    for (let i = offset; i < end; i++) out[i] = sigma * this.normal();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
