/**
 * Flag values for the CLI: typed from strings with messages that name the flag,
 * and the flags of a registered kind derived from its zod schema (a key
 * `isoSigma` is the flag `--iso-sigma`; its type, choices and default are the
 * schema's, its help the kind's form metadata).
 */
import { z } from "zod";
import type { KindModule } from "@/lib/registry/kind";
import { defaultsOf } from "@/lib/registry/kind";

export class UsageError extends Error {}

export function num(v: string | undefined, name: string, def: number, opts: { int?: boolean; min?: number } = {}): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  if (opts.int && !Number.isInteger(x)) throw new UsageError(`--${name} must be an integer, got "${v}"`);
  if (opts.min !== undefined && x < opts.min) throw new UsageError(`--${name} must be >= ${opts.min}, got ${v}`);
  return x;
}

export function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}; got "${v}"`);
  return v as T;
}

export function bool(v: string | undefined, name: string, def: boolean): boolean {
  if (v === undefined) return def;
  if (v !== "true" && v !== "false") throw new UsageError(`--${name} must be true or false, got "${v}"`);
  return v === "true";
}

/** `isoSigma` → `iso-sigma`. */
export const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** What a schema key takes on the command line. */
export type FlagKind = { kind: "number"; int: boolean } | { kind: "choice"; options: readonly string[] } | { kind: "boolean" } | { kind: "other" };

/** The innermost schema under defaults and optionals. */
function unwrap(s: z.ZodType): z.ZodType {
  let t = s;
  while (t instanceof z.ZodDefault || t instanceof z.ZodOptional) t = (t as z.ZodDefault | z.ZodOptional).unwrap() as z.ZodType;
  return t;
}

export function flagKind(s: z.ZodType): FlagKind {
  const t = unwrap(s);
  if (t instanceof z.ZodNumber) return { kind: "number", int: t.isInt };
  if (t instanceof z.ZodEnum) return { kind: "choice", options: t.options as readonly string[] };
  if (t instanceof z.ZodBoolean) return { kind: "boolean" };
  return { kind: "other" };
}

export interface KindFlag {
  key: string;
  flag: string;
  type: FlagKind;
  help?: string;
  default?: unknown;
}

/** The flags of a kind: every key of its config but `type` and the ones listed in `skip`. */
export function kindFlags(kind: KindModule, skip: readonly string[] = []): KindFlag[] {
  const defaults = (defaultsOf(kind) ?? {}) as Record<string, unknown>;
  return Object.entries(kind.schema.shape as unknown as Record<string, z.ZodType>)
    .filter(([key]) => key !== "type" && !skip.includes(key))
    .map(([key, s]) => ({ key, flag: flagName(key), type: flagKind(s), help: kind.fields.find((f) => f.key === key)?.help, default: defaults[key] }));
}

/** One line of usage for a flag: `--iso-sigma S  Isotropic noise per gene. (default 0.01)`. */
export function flagUsage(f: KindFlag, indent = 4): string {
  const arg = f.type.kind === "number" ? (f.type.int ? " N" : " X") : f.type.kind === "choice" ? ` ${f.type.options.join("|")}` : f.type.kind === "boolean" ? " true|false" : " V";
  const head = `${" ".repeat(indent)}--${f.flag}${arg}`;
  const tail = [f.help, f.default !== undefined ? `(default ${String(f.default)})` : undefined].filter(Boolean).join(" ");
  return tail ? `${head.padEnd(36)}${head.length >= 36 ? " " : ""}${tail}` : head;
}
