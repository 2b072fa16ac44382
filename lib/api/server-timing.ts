/**
 * A Server-Timing header (https://w3c.github.io/server-timing/) for one request: where the handler's
 * wall time went, shown by browsers' dev tools and summed per phase by bench/reads-under-load.ts.
 * Phases that wait for a shared promise (a render another request started) count the wait.
 */
export class ServerTiming {
  private readonly start = performance.now();
  private last = this.start;
  private readonly phases: [string, number][] = [];

  /** Ends the current phase under `name` (time since the previous mark). */
  mark(name: string): void {
    const now = performance.now();
    this.phases.push([name, now - this.last]);
    this.last = now;
  }

  /** The header's value, with `total` = the handler's whole time so far. */
  header(): string {
    const dur = (ms: number) => Math.round(ms * 10) / 10;
    return [...this.phases, ["total", performance.now() - this.start] as [string, number]].map(([n, ms]) => `${n};dur=${dur(ms)}`).join(", ");
  }
}
