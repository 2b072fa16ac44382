/**
 * `npm run worker`: one QD Studio worker process. Start as many as you like, on
 * any machine that reaches the same DATABASE_URL (and REDIS_URL).
 */
import os from "node:os";
import type { Worker } from "bullmq";
import { readEnv, ConfigError } from "@/lib/config";
import { prisma } from "@/lib/db/client";
import { createDirectPool } from "@/lib/db/direct-pool";
import { createQueueFactory } from "@/lib/queue/connection";
import { startHeartbeat } from "./heartbeat";
import { createProcessors } from "./processors";
import { startReconciler } from "./reconciler";
import { startLlmQueues } from "./llm-queues";
import { failureLogFor } from "./failure-log";
import { shutdownSharedSandboxHost } from "@/lib/sandbox";
import { processSandboxMode } from "@/lib/sandbox/process";

const name = readEnv().QD_WORKER_NAME ?? `${os.hostname()}:${process.pid}`;
const log = (line: string) => console.log(`[worker ${name}] ${line}`);
const failures = failureLogFor(log);

// Signals are handled from the first instant: one that arrives during start-up stops cleanly once set up.
let shutdown: ((signal: string) => Promise<void>) | undefined;
let pendingSignal: string | undefined;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => (shutdown ? void shutdown(signal) : (pendingSignal ??= signal)));
}

async function main() {
  const env = readEnv();
  if (!env.DATABASE_URL) throw new ConfigError("DATABASE_URL is not set; a worker needs the database that the web app uses.");
  const queues = createQueueFactory();
  // One connection per numbered job this process runs at once.
  const directPool = createDirectPool(env.DATABASE_URL, env.QD_EVALUATION_CONCURRENCY);
  const processors = createProcessors({ prisma, queues, log, directPool });
  const workers: Worker[] = processors.map(({ queue, processor, concurrency }) => {
    const worker = queues.worker(queue, processor, {
      concurrency,
      autorun: true,
      // A killed worker's job is handed to another one once its lock lapses.
      lockDuration: env.QD_JOB_LOCK_MS,
      stalledInterval: env.QD_JOB_LOCK_MS,
    });
    worker.on("failed", (job, error) => failures.report(`job ${job?.name}#${job?.id} on ${queue}`, error));
    worker.on("error", (error) => failures.report(`queue ${queue}`, error));
    return worker;
  });
  const heartbeat = startHeartbeat(prisma, processors.map((p) => p.queue), failures.report);
  await heartbeat.started;
  const reconciler = startReconciler({ prisma, queues, log });
  const llmQueues = startLlmQueues({ prisma, queues, log }, processors.llm, {
    concurrency: env.QD_LLM_CONCURRENCY,
    lockMs: env.QD_JOB_LOCK_MS,
    intervalMs: env.QD_LLM_WATCH_MS,
  });
  log(`ready on ${queues.settings.backend} (${processors.map((p) => p.queue).join(", ")})`);
  // Probed once at start-up: command evaluators fail closed (with this reason) when it is missing.
  const sandbox = await processSandboxMode();
  if (sandbox.kind === "unavailable") log(`warning: ${sandbox.reason}; command evaluators will fail until then`);
  else if (sandbox.kind === "unsafe") log("warning: QD_UNSAFE_NO_SANDBOX=1: evaluator commands run unsandboxed, as this worker's user");
  else log(`command sandbox: bubblewrap${sandbox.kind === "root" ? ", commands run as uid 65534 (nobody)" : ""}`);

  let closing = false;
  shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: finishing active jobs, then exiting`);
    // close() waits for active jobs; jobs not started stay in the queue for other workers.
    reconciler.stop();
    await Promise.allSettled([...workers.map((w) => w.close()), llmQueues.stop()]);
    await processors.close();
    await shutdownSharedSandboxHost().catch(() => {});
    await heartbeat.stop();
    await queues.close();
    await prisma.$disconnect();
    await directPool.end();
    failures.flush();
    log("stopped");
    process.exit(0);
  };
  if (pendingSignal) await shutdown(pendingSignal);
}

// A bug in one job must never take the process down with it. Lost database/Redis
// connections surface as stray 'error' events from drivers: log them and carry on
// (the drivers reconnect); anything else is a real bug, so exit and be restarted.
process.on("unhandledRejection", (reason) => log(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`));
process.on("uncaughtException", (error: NodeJS.ErrnoException) => {
  if (isConnectionError(error)) return failures.report("connection", error);
  log(`fatal: ${error.stack ?? error.message}`);
  process.exit(1);
});

function isConnectionError(error: NodeJS.ErrnoException): boolean {
  const code = String(error.code ?? "");
  return ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "57P01", "57P02", "57P03", "08006", "08003"].includes(code) ||
    /Connection terminated|terminating connection/.test(error.message);
}

main().catch((error: unknown) => {
  console.error(`[worker ${name}] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
