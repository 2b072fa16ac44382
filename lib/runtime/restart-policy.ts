/**
 * When `npm start` restarts a worker that exited: a worker that ran a while is restarted after a
 * second; one that keeps dying right after starting (a database outage, a bad deploy) waits twice
 * as long each time, up to a minute. It never gives up: the outage ends, the workers come back.
 */
export const QUICK_CRASH_MS = 10_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60_000;

export function nextRestart(crashesInARow: number, ranForMs: number): { crashesInARow: number; delayMs: number } {
  const crashes = ranForMs < QUICK_CRASH_MS ? crashesInARow + 1 : 1;
  return { crashesInARow: crashes, delayMs: Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (crashes - 1)) };
}
