import { describe, expect, it } from "vitest";
import { BUILT_IN_DOMAINS } from "@/lib/registry/domains";
import { VECTOR_EMITTERS, type EmitterKind } from "@/lib/registry/emitters";
import { defaultsOf } from "@/lib/registry/kind";
import { emitterFlags } from "../emitters";
import { flagName } from "../flags";
import { parseRunConfig } from "../run";
import { usage } from "../usage";

const kinds: readonly EmitterKind[] = VECTOR_EMITTERS;

describe("CLI options from the registries", () => {
  it("the usage lists every built-in domain and vector emitter with each of its flags and defaults", () => {
    const text = usage();
    for (const k of BUILT_IN_DOMAINS) expect(text).toContain(`${k.type}:`);
    expect(text).toContain(`--domain ${BUILT_IN_DOMAINS.map((k) => k.type).join("|")}`);
    expect(text).toContain(`--emitter ${VECTOR_EMITTERS.map((k) => k.type).join("|")}`);
    for (const k of VECTOR_EMITTERS) for (const f of emitterFlags(k)) expect(text, `${k.type} --${f.flag}`).toContain(`--${f.flag}`);
    expect(text).toMatch(/--iso-sigma X\s+Isotropic noise per gene\. \(default 0\.01\)/);
  });

  it("flag names are the config keys in kebab case", () => {
    expect(flagName("isoSigma")).toBe("iso-sigma");
    expect(flagName("sigma0")).toBe("sigma0");
    expect(emitterFlags(VECTOR_EMITTERS.find((k) => k.type === "cma-mae")!).map((f) => f.flag)).toEqual(expect.arrayContaining(["sigma0", "ranker", "selection-rule", "restart-rule", "learning-rate", "threshold-min"]));
  });

  it("each emitter's defaults are its registry defaults", () => {
    for (const type of ["gaussian", "iso-line", "cma-me", "cma-mae"] as const) {
      const d = defaultsOf(kinds.find((k) => k.type === type)!) as Record<string, unknown>;
      const { count: _count, ...params } = d;
      const e = parseRunConfig(["--emitter", type, "--batch", "540"]).config.emitter as Record<string, unknown>;
      expect(e, type).toMatchObject(params);
    }
  });

  it("the registry's checks answer for the flags, naming them", () => {
    expect(() => parseRunConfig(["--emitter", "gaussian", "--sigma=-1"])).toThrow("--sigma must be >= 0");
    expect(() => parseRunConfig(["--emitter", "cma-mae", "--learning-rate", "2"])).toThrow("--learning-rate must be <= 1");
    expect(() => parseRunConfig(["--emitter", "cma-me", "--sigma0", "0"])).toThrow("--sigma0 must be > 0");
    expect(() => parseRunConfig(["--dim", "20000"])).toThrow("--dim must be at most 10,000");
    expect(() => parseRunConfig(["--domain", "arm", "--joints", "0"])).toThrow("--joints must be >= 1");
    expect(() => parseRunConfig(["--domain", "ackley"])).toThrow(/--domain must be one of sphere, rastrigin, arm/);
    expect(() => parseRunConfig(["--emitter", "gradient-operator", "--operator", "line"])).toThrow(/--operator must be one of isotropic, iso-line/);
  });

  it("a flag the registry adds reaches the engine (gradient-operator's operator and line σ)", () => {
    const e = parseRunConfig(["--emitter", "gradient-operator", "--operator", "iso-line", "--line-sigma", "0.2"]).config.emitter;
    expect(e).toMatchObject({ type: "gradient-operator", operator: "iso-line", lineSigma: 0.2 });
    expect(parseRunConfig(["--emitter", "gradient-operator"]).config.emitter).not.toHaveProperty("operator");
    expect(parseRunConfig(["--domain", "arm", "--joints", "7"]).config.domain).toEqual({ type: "arm", joints: 7 });
  });
});
