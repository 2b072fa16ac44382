/**
 * One read shared by every caller for a short while: concurrent callers join the read in flight, and
 * its result is reused for `ttlMs` after it settles. For status views that many clients poll (the
 * queues panel): their cost is then per interval, not per client. Failures are not kept.
 * Only for reads where an answer up to `ttlMs` old is acceptable (never where a client must see its own write).
 */
interface Entry<T> {
  value: Promise<T>;
  /** When the read settled (performance.now()); undefined while in flight. */
  settledAt?: number;
}

const holder = globalThis as unknown as { __qdSharedReads?: Map<string, Entry<unknown>> };
const entries = (holder.__qdSharedReads ??= new Map());

export function sharedRead<T>(key: string, ttlMs: number, read: () => Promise<T>, now: () => number = () => performance.now()): Promise<T> {
  const hit = entries.get(key) as Entry<T> | undefined;
  if (hit && (hit.settledAt === undefined || now() - hit.settledAt < ttlMs)) return hit.value;
  const entry: Entry<T> = { value: read() };
  entries.set(key, entry);
  entry.value.then(
    () => {
      entry.settledAt = now();
    },
    () => {
      if (entries.get(key) === entry) entries.delete(key);
    },
  );
  return entry.value;
}
