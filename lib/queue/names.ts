/** Queue names. Mutation (LLM/user operators, I/O-bound) and evaluation (CPU-bound) scale separately. */
export const QUEUES = {
  /** Produce candidates from the archive with an operator that is slow (LLM, user mutation). */
  mutation: "qd-mutation",
  /** Score candidates, compute descriptors, insert into the archive. */
  evaluation: "qd-evaluation",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
