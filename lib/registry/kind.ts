/**
 * A registered kind (an emitter, an archive, a scheduler, a domain): one module
 * exporting its browser-safe zod config (defaults, messages), the fields the
 * form renders for it, and, server/engine side, its factory. The registry of a
 * family derives from these the config union and its error message, the form's
 * options and sections, the OpenAPI schemas (through the union), the CLI's
 * options and the workers' dispatch.
 */
import { z } from "zod";

/** One parameter of a kind, as the form renders it (the zod schema stays the judge). */
export interface FormField {
  /** Key in the kind's config object. */
  key: string;
  label: string;
  /** Inline help under the control. */
  help?: string;
  control: "number" | "integer" | "select" | "boolean";
  options?: readonly { value: string; label: string }[];
  /** Shown only when the field is not optional-empty: omit from the config when left blank. */
  optional?: boolean;
}

/** The config object of a kind: a strict object whose `type` is a string literal. */
export type KindSchema = z.ZodObject<{ type: z.ZodLiteral<string> } & z.ZodRawShape>;

export interface KindModule<S extends KindSchema = KindSchema> {
  /** The `type` value, e.g. "gaussian". */
  readonly type: string;
  /** Human name for the form's select, e.g. "Gaussian mutation". */
  readonly label: string;
  /** One line under the select: what the kind does and when to use it. */
  readonly help: string;
  readonly schema: S;
  readonly fields: readonly FormField[];
}

/**
 * The discriminated union of a family's kinds, with one message for an unknown
 * or missing `type` that lists every registered kind.
 */
export function kindUnion<const M extends readonly KindModule[]>(path: string, kinds: M) {
  const schemas = kinds.map((k) => k.schema) as unknown as [M[number]["schema"], ...M[number]["schema"][]];
  return z.discriminatedUnion("type", schemas, { error: unknownKindMessage(path, kinds) });
}

export function unknownKindMessage(path: string, kinds: readonly { type: string }[]): string {
  const names = kinds.map((k) => `"${k.type}"`);
  return `${path}.type must be ${names.length === 1 ? names[0] : names.length === 2 ? `${names[0]} or ${names[1]}` : `one of ${names.join(", ")}`}`;
}

/** The kind's defaults: its config parsed from `{ type }` alone (undefined if it has required fields). */
export function defaultsOf<S extends KindSchema>(kind: KindModule<S>): z.infer<S> | undefined {
  const r = kind.schema.safeParse({ type: kind.type });
  return r.success ? r.data : undefined;
}
