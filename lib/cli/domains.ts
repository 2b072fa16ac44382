/** The CLI's domains: the registry's built-in kinds (the engine evaluates them), sized by their size flag. */
import type { DomainSpec } from "@/lib/qd/domains/types";
import { BUILT_IN_DOMAINS, type DomainKind } from "@/lib/registry/domains";
import { defaultsOf } from "@/lib/registry/kind";
import { kindFlags, num, oneOf, UsageError, type KindFlag } from "./flags";

export const CLI_DOMAINS: readonly DomainKind[] = BUILT_IN_DOMAINS;

/** A domain's size flag (--dim, --joints). */
export const sizeFlag = (k: DomainKind): KindFlag => kindFlags(k).find((f) => f.key === k.sizeKey)!;

/** Every size flag, once. */
export const SIZE_FLAGS = [...new Set(CLI_DOMAINS.map((k) => sizeFlag(k).flag))];

export function domainFromFlags(v: Record<string, string | boolean | undefined>): DomainSpec {
  const type = oneOf(v.domain as string | undefined, "domain", CLI_DOMAINS.map((k) => k.type), CLI_DOMAINS[0]!.type);
  const kind = CLI_DOMAINS.find((k) => k.type === type)!;
  const f = sizeFlag(kind);
  const def = (defaultsOf(kind) as Record<string, number>)[f.key]!;
  // Linear-projection measures sum the halves of the genome: at least 2 genes.
  const size = num(v[f.flag] as string | undefined, f.flag, def, { int: true, min: f.key === "dim" ? 2 : 1 });
  const r = kind.schema.safeParse({ type, [f.key]: size });
  if (!r.success) throw new UsageError(r.error.issues[0]!.message.replace(`domain.${f.key}`, `--${f.flag}`));
  return r.data as DomainSpec;
}
