import { readEnv } from "@/lib/config";

/**
 * Where a worker's numbered jobs spend their time (ms per phase, summed per experiment), so the
 * pipeline bench and docs/scaling.md can attribute a job's cost: load, refresh, generate, commit, queue.
 * `held` is part of `commit`: how long the commit held the experiment row (what other writers wait for).
 * Printed as one `job costs {json}` line when QD_JOB_COSTS=1 (at completion and at shutdown).
 */
export type Phase = "load" | "refresh" | "generate" | "commit" | "queue" | "held";

export interface JobCosts {
  jobs: number;
  evaluations: number;
  rowsStored: number;
  ms: Record<Phase, number>;
  /** The process's CPU use when this experiment's first job started (user + system). */
  cpuStart: NodeJS.CpuUsage;
}

export class JobCostLog {
  private readonly byExperiment = new Map<string, JobCosts>();
  readonly enabled = readEnv().QD_JOB_COSTS;

  of(experimentId: string): JobCosts {
    let c = this.byExperiment.get(experimentId);
    if (!c) this.byExperiment.set(experimentId, (c = { jobs: 0, evaluations: 0, rowsStored: 0, ms: { load: 0, refresh: 0, generate: 0, commit: 0, queue: 0, held: 0 }, cpuStart: process.cpuUsage() }));
    return c;
  }

  /** Times `fn` into `phase` (always: a performance.now() pair costs nothing next to a job). */
  async time<T>(experimentId: string, phase: Phase, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.of(experimentId).ms[phase] += performance.now() - t0;
    }
  }

  /** The line for one experiment (and forgets it), or null when disabled or unknown. */
  flush(experimentId: string): string | null {
    const c = this.byExperiment.get(experimentId);
    this.byExperiment.delete(experimentId);
    if (!this.enabled || !c) return null;
    const ms = Object.fromEntries(Object.entries(c.ms).map(([k, v]) => [k, Math.round(v)]));
    // CPU this process used since the experiment's first job: wall time above includes waiting for a core.
    const cpu = process.cpuUsage(c.cpuStart);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    return `job costs ${JSON.stringify({ experimentId, jobs: c.jobs, evaluations: c.evaluations, rowsStored: c.rowsStored, ms, cpuMs })}`;
  }

  flushAll(): string[] {
    return [...this.byExperiment.keys()].map((id) => this.flush(id)).filter((l): l is string => l !== null);
  }
}
