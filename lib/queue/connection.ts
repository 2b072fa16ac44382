import { Queue, Worker, QueueEvents, withBackend, createPostgresBackend } from "bullmq";
import type { Processor, WorkerOptions, QueueOptions } from "bullmq";
import { Redis } from "ioredis";

/**
 * The single place that decides where jobs live: BullMQ on Redis when REDIS_URL
 * is set, otherwise BullMQ's PostgreSQL backend on the application database
 * (so a laptop needs no Redis). Everything else asks this module for queues.
 */
export interface QueueSettings {
  backend: "redis" | "postgres";
  url: string;
  /** Namespace: a Redis key prefix, or a PostgreSQL schema name. */
  prefix: string;
}

export function queueSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueSettings {
  const prefix = env.QD_QUEUE_PREFIX || "qd";
  if (env.REDIS_URL) return { backend: "redis", url: env.REDIS_URL, prefix };
  if (env.DATABASE_URL) return { backend: "postgres", url: env.DATABASE_URL, prefix: `bullmq_${prefix}` };
  throw new Error("Neither REDIS_URL nor DATABASE_URL is set: the job queue has nowhere to live.");
}

export interface QueueFactory {
  readonly settings: QueueSettings;
  queue(name: string, opts?: Omit<QueueOptions, "connection" | "prefix">): Queue;
  worker(name: string, processor: Processor, opts?: Omit<WorkerOptions, "connection" | "prefix">): Worker;
  events(name: string): QueueEvents;
  /** Round-trip to the backend; throws when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createQueueFactory(settings: QueueSettings = queueSettingsFromEnv()): QueueFactory {
  return settings.backend === "redis" ? redisFactory(settings) : postgresFactory(settings);
}

function redisFactory(settings: QueueSettings): QueueFactory {
  // One shared connection for producers; BullMQ duplicates it for blocking worker connections.
  const connection = new Redis(settings.url, { maxRetriesPerRequest: null, lazyConnect: true });
  connection.on("error", () => {
    /* reconnects by itself; callers see failures through their own calls */
  });
  const closables: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(x: T) => (closables.push(x), x);
  return {
    settings,
    queue: (name, opts) => track(new Queue(name, { ...opts, connection, prefix: settings.prefix })),
    worker: (name, processor, opts) =>
      track(new Worker(name, processor, { ...opts, connection, prefix: settings.prefix })),
    events: (name) => track(new QueueEvents(name, { connection, prefix: settings.prefix })),
    async ping() {
      if (connection.status === "wait") await connection.connect();
      await withTimeout(connection.ping(), 3000, "Redis did not answer PING");
    },
    async close() {
      await Promise.allSettled(closables.map((c) => c.close()));
      connection.disconnect();
    },
  };
}

function postgresFactory(settings: QueueSettings): QueueFactory {
  const pg = withBackend(createPostgresBackend);
  // BullMQ owns its pool here; the schema keeps its tables apart from the app's.
  const connection = { connectionString: settings.url, schema: settings.prefix, migrate: true, max: 4 };
  const closables: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(x: T) => (closables.push(x), x);
  let probe: Queue | undefined;
  return {
    settings,
    queue: (name, opts) => track(new pg.Queue(name, { ...opts, connection }) as unknown as Queue),
    worker: (name, processor, opts) =>
      track(new pg.Worker(name, processor as Processor, { ...opts, connection }) as unknown as Worker),
    events: (name) => track(new pg.QueueEvents(name, { connection }) as unknown as QueueEvents),
    async ping() {
      probe ??= track(new pg.Queue("health", { connection }) as unknown as Queue);
      await withTimeout(probe.getJobCounts(), 5000, "the PostgreSQL queue backend did not answer");
    },
    async close() {
      await Promise.allSettled(closables.map((c) => c.close()));
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
