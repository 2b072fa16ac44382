/**
 * Replays an archive from its accepted writes (GET /api/experiments/:id/history): `seek(k)` makes
 * `fitness` the archive after the first k writes. A seek costs at most O(cells + every/2): it walks
 * forward (apply) or backward (restore the fitness each write replaced) from where it is, or jumps to
 * the nearest checkpoint (a copy of the archive every `every` writes) when that is shorter.
 */
export interface HistoryEvents {
  cells: number;
  cell: Int32Array;
  fitness: Float64Array;
  /** ms since the epoch, non-decreasing. */
  createdAt: Float64Array;
}

export class ArchiveReplay {
  readonly cells: number;
  readonly length: number;
  /** The archive at the current position: NaN where empty. */
  readonly fitness: Float64Array;
  position = 0;
  filled = 0;
  sum = 0;
  private readonly ev: HistoryEvents;
  /** What each write replaced (NaN: the cell was empty). */
  private readonly before: Float64Array;
  private readonly every: number;
  private readonly checkpoints: { fitness: Float64Array; filled: number; sum: number }[] = [];

  constructor(ev: HistoryEvents, every = Math.max(4096, ev.cells)) {
    this.ev = ev;
    this.cells = ev.cells;
    this.length = ev.cell.length;
    this.every = every;
    this.fitness = new Float64Array(this.cells).fill(NaN);
    this.before = new Float64Array(this.length);
    // One pass to the end records what each write replaced and the checkpoints; then rewind to 0.
    const f = this.fitness;
    let filled = 0;
    let sum = 0;
    for (let i = 0; i < this.length; i++) {
      if (i % every === 0) this.checkpoints.push({ fitness: f.slice(), filled, sum });
      const c = ev.cell[i]!;
      if (c < 0 || c >= this.cells) {
        this.before[i] = NaN;
        continue;
      }
      const old = f[c]!;
      this.before[i] = old;
      if (old !== old) filled++;
      sum += ev.fitness[i]! - (old === old ? old : 0);
      f[c] = ev.fitness[i]!;
    }
    f.fill(NaN);
  }

  /** Archive after the first k writes (clamped); returns the number of cells touched. */
  seek(k: number): number {
    k = Math.max(0, Math.min(this.length, Math.round(k)));
    const dist = Math.abs(k - this.position);
    const cp = Math.min(this.checkpoints.length - 1, Math.floor(k / this.every));
    if (cp >= 0 && this.cells + (k - cp * this.every) < dist) {
      const c = this.checkpoints[cp]!;
      this.fitness.set(c.fitness);
      this.filled = c.filled;
      this.sum = c.sum;
      this.position = cp * this.every;
    }
    const touched = Math.abs(k - this.position);
    const { cell, fitness } = this.ev;
    const f = this.fitness;
    while (this.position < k) {
      const i = this.position++;
      const c = cell[i]!;
      if (c < 0 || c >= this.cells) continue;
      const old = f[c]!;
      if (old !== old) this.filled++;
      this.sum += fitness[i]! - (old === old ? old : 0);
      f[c] = fitness[i]!;
    }
    while (this.position > k) {
      const i = --this.position;
      const c = cell[i]!;
      if (c < 0 || c >= this.cells) continue;
      const old = this.before[i]!;
      if (old !== old) this.filled--;
      this.sum -= fitness[i]! - (old === old ? old : 0);
      f[c] = old;
    }
    return touched;
  }

  /** Writes committed at or before time t (ms): the position that shows the archive at t. */
  positionAt(t: number): number {
    const a = this.ev.createdAt;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** When the k-th write happened (ms); the first write's time for 0. */
  timeAt(k: number): number {
    if (!this.length) return NaN;
    return this.ev.createdAt[Math.max(0, Math.min(this.length - 1, k - 1))]!;
  }
}

/** Evaluations done by time t, interpolated between metric snapshots (taken every N evaluations). */
export function evaluationsAt(snap: { evaluations: ArrayLike<number>; createdAt: ArrayLike<number> }, t: number): number | null {
  const n = snap.createdAt.length;
  if (!n) return null;
  if (t <= snap.createdAt[0]!) return snap.evaluations[0]!;
  if (t >= snap.createdAt[n - 1]!) return snap.evaluations[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (snap.createdAt[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const t0 = snap.createdAt[lo]!;
  const t1 = snap.createdAt[hi]!;
  const e0 = snap.evaluations[lo]!;
  const e1 = snap.evaluations[hi]!;
  return t1 > t0 ? Math.round(e0 + ((t - t0) / (t1 - t0)) * (e1 - e0)) : e1;
}

/** A synthetic history (benchmarks, the test page): `n` strictly improving writes over `cells` cells. */
export function syntheticHistory(cells: number, n: number, seed = 7): HistoryEvents {
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const best = new Float64Array(cells).fill(NaN);
  const ev: HistoryEvents = { cells, cell: new Int32Array(n), fitness: new Float64Array(n), createdAt: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * rand() * cells); // uneven, like a real archive filling outwards
    const old = best[c]!;
    const f = (old === old ? old : 0) + rand() * (1 - i / n) + 1e-6;
    best[c] = f;
    ev.cell[i] = c;
    ev.fitness[i] = f;
    ev.createdAt[i] = 1_700_000_000_000 + i * 5;
  }
  return ev;
}
