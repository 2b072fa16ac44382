import { describe, expect, it } from "vitest";
import { sharedRead } from "./shared-read";

describe("sharedRead", () => {
  it("concurrent callers share one read; it is reused within the TTL and read again after it", async () => {
    let clock = 0;
    let reads = 0;
    let release!: (v: number) => void;
    const read = () => {
      reads++;
      return new Promise<number>((r) => (release = r));
    };
    const a = sharedRead("k1", 1000, read, () => clock);
    const b = sharedRead("k1", 1000, read, () => clock);
    expect(reads).toBe(1);
    release(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    clock = 999;
    expect(await sharedRead("k1", 1000, read, () => clock)).toBe(7);
    expect(reads).toBe(1);
    clock = 1000;
    const c = sharedRead("k1", 1000, read, () => clock);
    expect(reads).toBe(2);
    release(8);
    expect(await c).toBe(8);
  });

  it("a failed read is not kept: the next caller reads again", async () => {
    let reads = 0;
    await expect(sharedRead("k2", 60_000, async () => (reads++, Promise.reject(new Error("down"))))).rejects.toThrow("down");
    expect(await sharedRead("k2", 60_000, async () => (reads++, 5))).toBe(5);
    expect(reads).toBe(2);
  });

  it("keys are independent", async () => {
    expect(await sharedRead("k3", 60_000, async () => "a")).toBe("a");
    expect(await sharedRead("k4", 60_000, async () => "b")).toBe("b");
  });
});
