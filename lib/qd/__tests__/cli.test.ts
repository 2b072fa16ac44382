import { describe, expect, it } from "vitest";
import { parseRunConfig } from "../cli";

describe("CLI argument parsing", () => {
  it("builds a run config from flags", () => {
    const r = parseRunConfig(["--domain", "sphere", "--dim", "100", "--emitter", "iso-line", "--iso-sigma", "0.5", "--line-sigma", "0.2", "--batch", "540", "--iterations", "10", "--seed", "1", "--json"]);
    expect(r.config.emitter).toEqual({ type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540, count: 1 });
    expect(r.iterations).toBe(10);
    expect(r.json).toBe(true);
    const c = parseRunConfig(["--emitter", "cma-mae"]);
    expect(c.config.emitter).toMatchObject({ type: "cma-mae", batchSize: 36, count: 15, learningRate: 0.01 });
    const cvt = parseRunConfig(["--archive", "cvt", "--cells", "500", "--samples", "5000"]);
    expect(cvt.config.archive).toEqual({ type: "cvt", cells: 500, samples: 5000 });
    expect(parseRunConfig(["--domain", "arm", "--joints", "7"]).config.domain).toEqual({ type: "arm", joints: 7 });
  });
  it("rejects bad flags with clear messages", () => {
    expect(() => parseRunConfig(["--dim", "abc"])).toThrow(/--dim must be a number/);
    expect(() => parseRunConfig(["--emitter", "foo"])).toThrow(/--emitter must be one of/);
    expect(() => parseRunConfig(["--batch", "100", "--emitters", "15"])).toThrow(/not divisible/);
    expect(() => parseRunConfig(["--iterations", "1.5"])).toThrow(/integer/);
    expect(() => parseRunConfig(["--nope"])).toThrow(/Unknown option/);
  });
});
