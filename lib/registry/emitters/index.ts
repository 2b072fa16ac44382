/**
 * The emitter registry: every emitter kind, in the order the form and messages list them.
 * Adding a kind = its module in this folder + one line here (+ its tests).
 */
import type { z } from "zod";
import { kindUnion } from "../kind";
import { cmaMae } from "./cma-mae";
import { cmaMe } from "./cma-me";
import { gaussian } from "./gaussian";
import { gradientArborescence } from "./gradient-arborescence";
import { gradientOperator } from "./gradient-operator";
import { isoLine } from "./iso-line";
import { javascriptMutation } from "./javascript-mutation";
import { llm } from "./llm";
import type { EmitterContext, EmitterKind } from "./types";

/** Kinds that produce vector genomes from the archive (the engine's emitters). */
export const VECTOR_EMITTERS = [gaussian, isoLine, cmaMe, cmaMae, gradientOperator, gradientArborescence] as const;
/** Kinds the form's Emitter section offers (the staged kinds have their own sections). */
export const FORM_EMITTERS: readonly EmitterKind[] = [isoLine, gaussian, cmaMe, cmaMae, gradientOperator, gradientArborescence];
/** Every kind an experiment may use. */
export const EMITTERS = [...VECTOR_EMITTERS, llm, javascriptMutation] as const;

export const VectorEmitterConfig = kindUnion("emitter", VECTOR_EMITTERS);
export type VectorEmitterConfig = z.infer<typeof VectorEmitterConfig>;
export const AnyEmitterConfig = kindUnion("emitter", EMITTERS);
export type AnyEmitterConfig = z.infer<typeof AnyEmitterConfig>;

export type { EmitterContext, EmitterKind } from "./types";

/** The registered kind of a config's emitter (throws for an unknown type: configs are validated before). */
export function emitterKindOf(e: { type: string }): EmitterKind {
  const k = (EMITTERS as readonly EmitterKind[]).find((m) => m.type === e.type);
  if (!k) throw new Error(`unknown emitter type "${e.type}"`);
  return k;
}

/** The engine emitter of a vector kind, over `ctx.archive`. */
export function createEmitter(e: { type: string }, ctx: EmitterContext) {
  const k = emitterKindOf(e);
  if (!k.create) throw new Error(`emitter "${e.type}" has no engine emitter (it runs as ${k.distributed} proposals)`);
  return k.create(k.schema.parse(e), ctx);
}
