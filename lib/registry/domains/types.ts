import type { z } from "zod";
import type { Domain } from "@/lib/qd/domains/types";
import type { KindModule, KindSchema } from "../kind";

/**
 * Who scores a domain's candidates:
 * - "built-in": a benchmark of lib/qd the worker evaluates in bulk (its measures are the descriptors);
 * - "external": the client, over ask/tell;
 * - "user": the user's evaluator run by the workers (command, webhook, javascript);
 * - "llm": candidates written by the LLM operator, scored by a task, a program evaluator or a judge.
 */
export type DomainEvaluation = "built-in" | "external" | "user" | "llm";

export interface DomainKind<S extends KindSchema = KindSchema> extends KindModule<S> {
  readonly evaluation: DomainEvaluation;
  /**
   * The form's genome-size field ("dim" or "joints") of vector domains, also listed in `fields`;
   * the form draws the rest of a kind's fields in its own section (components/form/domains).
   */
  readonly sizeKey?: "dim" | "joints";
  /** Built-in kinds: the engine domain (pure, lib/qd). */
  engine?(config: z.infer<S>): Domain;
}

/** Declares a kind with its config type inferred from its schema. */
export const domainKind = <S extends KindSchema>(k: DomainKind<S>): DomainKind<S> => k;
