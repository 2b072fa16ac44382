import { describe, expect, it } from "vitest";
import { base64, numberArrayLiteral, uuidArrayLiteral } from "./commit-params";

describe("commit parameters as literals", () => {
  it("spells numbers as node-postgres would (String per element)", () => {
    expect(numberArrayLiteral([])).toBe("{}");
    expect(numberArrayLiteral([1, -2.5, 1e-7, 0.1 + 0.2, NaN, Infinity])).toBe("{1,-2.5,1e-7,0.30000000000000004,NaN,Infinity}");
    expect(numberArrayLiteral(new Int32Array([3, 4]))).toBe("{3,4}");
  });

  it("writes ids and NULLs, and refuses anything that is not a UUID", () => {
    const id = "0190a3c4-1b2c-7d3e-8f40-123456789abc";
    expect(uuidArrayLiteral([id, null, undefined])).toBe(`{${id},NULL,NULL}`);
    expect(() => uuidArrayLiteral([`${id},x`])).toThrow(/not a UUID/);
    expect(() => uuidArrayLiteral(["}"])).toThrow(/not a UUID/);
  });

  it("encodes a view's own bytes only", () => {
    const all = new Uint8Array([1, 2, 3, 4, 5]);
    expect(Buffer.from(base64(all.subarray(1, 3)), "base64")).toEqual(Buffer.from([2, 3]));
  });
});
