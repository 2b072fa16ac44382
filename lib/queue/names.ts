/** Queue names. Mutation (LLM/user operators, I/O-bound) and evaluation (CPU-bound) scale separately. */
export const QUEUES = {
  /** Produce candidates from the archive with an operator that is slow (LLM, user mutation). */
  mutation: "qd-mutation",
  /** Built-in domains: generate, score and insert a batch in place (CPU-bound: few jobs at once). */
  evaluation: "qd-evaluation",
  /**
   * Second stage of staged runs: score the candidates with the experiment's own evaluator (command,
   * webhook, javascript, program, LLM judge), then insert them. These jobs mostly wait, so a worker
   * runs many at once; QD_EVALUATION_SLOTS caps the candidates they evaluate together.
   */
  userEvaluation: "qd-user-evaluation",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
