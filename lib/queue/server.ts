import { createQueueFactory, type QueueFactory } from "./connection";

/** The web server's process-wide queue connection (kept on globalThis to survive dev hot reloads). */
const holder = globalThis as unknown as { __qdQueues?: QueueFactory };

export function getQueues(): QueueFactory {
  holder.__qdQueues ??= createQueueFactory();
  return holder.__qdQueues;
}
