import { newSolutionId } from "@/lib/db/solution-id";
import { FROM_X0, type ArchiveBase } from "@/lib/qd";
import type { CandidateBatch } from "@/lib/db/archive-store";

/** A parent slot with no parent (x0 on a cold start). */
const NO_PARENT = -1;

/**
 * The candidates of one numbered job that became elites of the worker's archive, kept in typed
 * arrays while the job runs, and what the job stores from them (lib/db/survivors.ts' rule): the
 * candidates still elites at the end plus every candidate of the job one of those descends from.
 *
 * Why a class of typed arrays instead of pushing ids and rows into the batch as the job goes: ids
 * (time-ordered UUIDs, lib/db/solution-id.ts) are only drawn for the rows that are stored, and the per-candidate loops are methods of
 * one class, so V8 optimizes them once per process. A closure made anew for every job is compiled
 * anew for every job too (--trace-opt), and a job of 10,260 evaluations ended before its optimized
 * code was ready: that loop ran unoptimized, and the generate phase took ~2× the engine's CPU for as
 * many evaluations (bench/generate.ts; docs/scaling.md).
 *
 * Parent slots hold: a row of this log (>= 0), NO_PARENT, or `-2 - cell` for the elite a cell held
 * before the job (its id is the cache's `solutionIds[cell]`, which the log leaves alone until
 * `toBatch`).
 */
export class JobLog {
  /** Rows logged so far. */
  n = 0;
  private cell = new Int32Array(1024);
  private fitness = new Float64Array(1024);
  private descriptors: Float64Array;
  private genomes: Float64Array;
  private parents: Int32Array;
  /** The log row that holds each cell now; -1 when the cell's elite is from before the job (or none). */
  private readonly owner: Int32Array;
  /** Parent slots of the current step's children, taken at ask time (before the step's inserts). */
  readonly stepParents: Int32Array;

  private constructor(
    readonly cells: number,
    readonly dim: number,
    readonly measureDim: number,
    readonly parentsPer: number,
    readonly batchSize: number,
  ) {
    this.owner = new Int32Array(cells).fill(-1);
    this.descriptors = new Float64Array(1024 * measureDim);
    this.genomes = new Float64Array(1024 * dim);
    this.parents = new Int32Array(1024 * parentsPer);
    this.stepParents = new Int32Array(batchSize * parentsPer);
  }

  private static last: JobLog | null = null;

  /**
   * An empty log for a job of this shape. Jobs run one at a time and synchronously in a worker, so one
   * log is reused from job to job: its buffers (a job's genomes are megabytes) are not reallocated
   * and collected every job.
   */
  static empty(cells: number, dim: number, measureDim: number, parentsPer: number, batchSize: number): JobLog {
    const l = JobLog.last;
    if (l && l.cells === cells && l.dim === dim && l.measureDim === measureDim && l.parentsPer === parentsPer && l.batchSize === batchSize) {
      for (let r = 0; r < l.n; r++) l.owner[l.cell[r]!] = -1;
      l.n = 0;
      return l;
    }
    return (JobLog.last = new JobLog(cells, dim, measureDim, parentsPer, batchSize));
  }

  /** Notes the parents of the step's first `n` children (archive cells, FROM_X0 for none). */
  takeParents(cellsOfParents: Int32Array, n: number): void {
    const owner = this.owner;
    const out = this.stepParents;
    for (let j = 0; j < n * this.parentsPer; j++) {
      const c = cellsOfParents[j]!;
      out[j] = c === FROM_X0 ? NO_PARENT : owner[c]! >= 0 ? owner[c]! : -2 - c;
    }
  }

  /**
   * After `archive.add` of the step's first `n` children (`cells`, `status` as it returned them):
   * logs the children that hold their cell now, with the parents `takeParents` noted for them.
   * Returns how many had a NaN objective (failed).
   */
  collect(archive: ArchiveBase, children: Float64Array, objectives: Float64Array, measures: Float64Array, cells: Int32Array, status: Uint8Array, n: number): number {
    const dim = this.dim;
    const sols = archive.solutions;
    const best = archive.objective;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const f = objectives[i]!;
      if (f !== f) failed++;
      const c = cells[i]!;
      // The archive kept at most one candidate per cell: the one whose objective and genome it now holds.
      if (c < 0 || status[i] === 0 || best[c] !== f || !sameRow(sols, c * dim, children, i * dim, dim)) continue;
      this.push(c, f, measures, i, children);
    }
    return failed;
  }

  private push(c: number, f: number, measures: Float64Array, i: number, children: Float64Array): void {
    const r = this.n++;
    if (r === this.cell.length) this.grow();
    const { dim, measureDim: md, parentsPer: pp } = this;
    this.cell[r] = c;
    this.fitness[r] = f;
    const d = this.descriptors;
    for (let j = 0; j < md; j++) d[r * md + j] = measures[i * md + j]!;
    const g = this.genomes;
    for (let j = 0; j < dim; j++) g[r * dim + j] = children[i * dim + j]!;
    const p = this.parents;
    const sp = this.stepParents;
    for (let j = 0; j < pp; j++) p[r * pp + j] = sp[i * pp + j]!;
    this.owner[c] = r;
  }

  private grow(): void {
    const size = this.cell.length * 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size * per);
      b.set(a);
      return b;
    };
    this.cell = widen(this.cell, 1);
    this.fitness = widen(this.fitness, 1);
    this.descriptors = widen(this.descriptors, this.measureDim);
    this.genomes = widen(this.genomes, this.dim);
    this.parents = widen(this.parents, this.parentsPer);
  }

  /**
   * The stored part of the log as the job's batch (in log order, fresh ids), and the cache's ids of
   * the cells the job now holds. `solutionIds`: the cache's ids, as they were before the job.
   */
  toBatch(base: Pick<CandidateBatch, "experimentId" | "batchId" | "evaluations" | "operator" | "failed">, solutionIds: (string | undefined)[]): CandidateBatch {
    const { dim, measureDim: md, parentsPer: pp } = this;
    const rows = this.survivors();
    const kept = rows.length;
    const cell = this.cell;
    const logFitness = this.fitness;
    const logDescriptors = this.descriptors;
    const logGenomes = this.genomes;
    const logParents = this.parents;
    // Log row -> its id (rows are stored in log order, so a row's parents from this job have theirs already).
    const idOfRow: string[] = new Array(this.n);
    const ids: string[] = [];
    const cells: number[] = [];
    const fitness: number[] = [];
    const descriptors: number[] = [];
    const parentIds: (string | null)[] = [];
    const genomes = new Float64Array(kept * dim);
    for (let o = 0; o < kept; o++) {
      const r = rows[o]!;
      const id = newSolutionId();
      idOfRow[r] = id;
      ids.push(id);
      cells.push(cell[r]!);
      fitness.push(logFitness[r]!);
      for (let j = 0; j < md; j++) descriptors.push(logDescriptors[r * md + j]!);
      for (let p = 0; p < pp; p++) {
        const ref = logParents[r * pp + p]!;
        parentIds.push(ref >= 0 ? idOfRow[ref]! : ref === NO_PARENT ? null : (solutionIds[-2 - ref] ?? null));
      }
      for (let j = 0; j < dim; j++) genomes[o * dim + j] = logGenomes[r * dim + j]!;
    }
    // The cells this job holds now: their ids, for the next jobs' parents (after the lookups above).
    for (let o = 0; o < kept; o++) {
      const r = rows[o]!;
      if (this.owner[cell[r]!] === r) solutionIds[cell[r]!] = ids[o];
    }
    return {
      ...base,
      generated: true,
      cells,
      fitness,
      descriptors,
      measureDim: md,
      genomes: new Uint8Array(genomes.buffer),
      genomeDim: dim,
      parentIds,
      parentsPer: pp,
      solutionIds: ids,
    };
  }

  /** The rows the job stores, in log order: the cells' final elites and, walking parents back, their ancestors in the job. */
  private survivors(): Int32Array {
    const { n, parentsPer: pp } = this;
    const keep = new Uint8Array(n);
    const stack = new Int32Array(n);
    let top = 0;
    for (let r = 0; r < n; r++) {
      if (this.owner[this.cell[r]!] === r) {
        keep[r] = 1;
        stack[top++] = r;
      }
    }
    while (top > 0) {
      const r = stack[--top]!;
      for (let p = 0; p < pp; p++) {
        const ref = this.parents[r * pp + p]!;
        if (ref >= 0 && !keep[ref]) {
          keep[ref] = 1;
          stack[top++] = ref;
        }
      }
    }
    let kept = 0;
    for (let r = 0; r < n; r++) if (keep[r]) stack[kept++] = r;
    return stack.subarray(0, kept);
  }
}

export function sameRow(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[ao + j] !== b[bo + j]) return false;
  return true;
}
