/** Built-in domain registry: getDomain({ type, dim | joints }). */
import { armDomain } from "./arm";
import { rastriginDomain, sphereDomain } from "./linear-projection";
import type { Domain, DomainSpec } from "./types";

export const DOMAIN_TYPES = ["sphere", "rastrigin", "arm"] as const;

export function getDomain(spec: DomainSpec): Domain {
  switch (spec.type) {
    case "sphere":
      return sphereDomain(spec.dim ?? 100);
    case "rastrigin":
      return rastriginDomain(spec.dim ?? 100);
    case "arm":
      return armDomain(spec.joints ?? spec.dim ?? 12);
    default:
      throw new Error(`unknown domain "${(spec as { type: string }).type}" (use ${DOMAIN_TYPES.join(", ")})`);
  }
}
