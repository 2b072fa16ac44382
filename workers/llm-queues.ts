import type { Processor, Worker } from "bullmq";
import type { ExperimentSpec, LlmEmitterConfig } from "@/lib/experiments/config";
import { needsJudge } from "./propose-llm";
import { liveLlmConfigs, llmQueueName, namedQueue } from "@/lib/experiments/jobs";
import type { WorkerContext } from "./context";
import { failureLogFor } from "./failure-log";

interface ProviderLimits {
  /** Jobs per minute across all workers (each job makes `callsPerJob` requests). */
  jobsPerMinute?: number;
  /** Jobs at once across all workers. */
  jobsAtOnce?: number;
}

/**
 * LLM calls run on one queue per provider. Every worker process watches which providers the live
 * LLM experiments use, consumes their queues, and keeps BullMQ's global limits on each queue in
 * line with the configs (`requestsPerMinute`, `concurrency`; the strictest experiment wins), so the
 * limits hold however many workers and machines run.
 */
export function startLlmQueues(ctx: WorkerContext, processor: Processor, opts: { concurrency: number; intervalMs?: number; lockMs?: number }) {
  const workers = new Map<string, Worker>();
  const applied = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function tick() {
    try {
      const limits = new Map<string, ProviderLimits>();
      for (const spec of await liveLlmConfigs(ctx.prisma)) {
        const name = llmQueueName(spec.emitter as LlmEmitterConfig);
        const merged = limits.get(name) ?? {};
        const own = limitsOf(spec);
        limits.set(name, { jobsPerMinute: minDefined(merged.jobsPerMinute, own.jobsPerMinute), jobsAtOnce: minDefined(merged.jobsAtOnce, own.jobsAtOnce) });
      }
      for (const [name, l] of limits) {
        if (stopped) return;
        if (!workers.has(name)) {
          const worker = ctx.queues.worker(name, processor, { concurrency: opts.concurrency, autorun: true, lockDuration: opts.lockMs ?? 30_000, stalledInterval: opts.lockMs ?? 30_000 });
          worker.on("failed", (job, error) => failureLogFor(ctx.log).report(`job ${job?.name}#${job?.id} on ${name}`, error));
          worker.on("error", (error) => failureLogFor(ctx.log).report(`queue ${name}`, error));
          workers.set(name, worker);
          ctx.log(`consuming LLM provider queue ${name}`);
        }
        const key = JSON.stringify(l);
        if (applied.get(name) !== key) {
          const queue = namedQueue(ctx.queues, name);
          await (l.jobsPerMinute ? queue.setGlobalRateLimit(l.jobsPerMinute, 60_000) : queue.removeGlobalRateLimit());
          await (l.jobsAtOnce ? queue.setGlobalConcurrency(l.jobsAtOnce) : queue.removeGlobalConcurrency());
          applied.set(name, key);
        }
      }
    } catch (error) {
      failureLogFor(ctx.log).report("LLM queue watch", error);
    }
    if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 2000);
  }
  const ready = tick();

  return {
    ready,
    queues: () => [...workers.keys()],
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ready;
      await Promise.allSettled([...workers.values()].map((w) => w.close()));
    },
  };
}

/** A job makes batchSize operator calls, plus as many judge calls when texts or descriptors are judged. */
export function limitsOf(config: ExperimentSpec): ProviderLimits {
  const emitter = config.emitter as LlmEmitterConfig;
  const callsPerJob = config.batchSize * (needsJudge(config) ? 2 : 1);
  return {
    jobsPerMinute: emitter.requestsPerMinute ? Math.max(1, Math.floor(emitter.requestsPerMinute / callsPerJob)) : undefined,
    jobsAtOnce: emitter.concurrency ? Math.max(1, Math.floor(emitter.concurrency / config.batchSize)) : undefined,
  };
}

const minDefined = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
