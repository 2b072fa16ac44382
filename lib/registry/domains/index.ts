/**
 * The domain registry: every domain kind (what a solution is and who scores it).
 * Adding a kind = its module in this folder + one line in DOMAINS (and FORM_DOMAINS)
 * + its tests; a kind the workers evaluate with an evaluator also gets one line
 * in ./evaluators.ts (server only), and a form section in components/form/domains.
 */
import type { z } from "zod";
import { kindUnion } from "../kind";
import { arm } from "./arm";
import { command } from "./command";
import { external } from "./external";
import { javascript } from "./javascript";
import { llmCode } from "./llm-code";
import { llmText } from "./llm-text";
import { program } from "./program";
import { rastrigin } from "./rastrigin";
import { sphere } from "./sphere";
import { webhook } from "./webhook";
import type { DomainKind } from "./types";

/** Benchmarks the workers evaluate in bulk (lib/qd). */
export const BUILT_IN_DOMAINS = [sphere, rastrigin, arm] as const;
/** Every kind an experiment may have, in the order messages list them. */
export const DOMAINS = [...BUILT_IN_DOMAINS, external, command, webhook, javascript, llmCode, llmText, program] as const;
/** The form's Domain select, in its order. */
export const FORM_DOMAINS: readonly DomainKind[] = [sphere, rastrigin, arm, llmCode, program, llmText, command, webhook, javascript, external];

export const BuiltInDomainConfig = kindUnion("domain", BUILT_IN_DOMAINS);
export type BuiltInDomainConfig = z.infer<typeof BuiltInDomainConfig>;
export const AnyDomainConfig = kindUnion("domain", DOMAINS);
export type AnyDomainConfig = z.infer<typeof AnyDomainConfig>;

export type DomainType = AnyDomainConfig["type"];
export type { DomainEvaluation, DomainKind } from "./types";

/** The registered kind of a domain type (undefined for an unknown type). */
export function findDomainKind(d: { type: string }): DomainKind | undefined {
  return (DOMAINS as readonly DomainKind[]).find((k) => k.type === d.type);
}

/** The registered kind of a config's domain (throws for an unknown type: configs are validated before). */
export function domainKindOf(d: { type: string }): DomainKind {
  const k = findDomainKind(d);
  if (!k) throw new Error(`unknown domain type "${d.type}"`);
  return k;
}

/** Types of the kinds scored a given way, e.g. the user evaluators. */
export const domainTypes = (evaluation: DomainKind["evaluation"]): string[] => DOMAINS.filter((k) => k.evaluation === evaluation).map((k) => k.type);

/** The engine domain of a built-in kind (throws for the others). */
export function createEngineDomain(d: { type: string }) {
  const k = domainKindOf(d);
  if (!k.engine) throw new Error(`domain "${d.type}" is not evaluated by the engine (${k.evaluation})`);
  return k.engine(k.schema.parse(d));
}
