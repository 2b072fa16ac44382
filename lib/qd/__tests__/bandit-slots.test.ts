import { describe, expect, it } from "vitest";
import { applyBanditJob, initialBandit, slotOfJob, ucbChoice, type BanditParams } from "../bandit-slots";

const params: BanditParams = { numActive: 3, pool: 6, reselect: "terminated", zeta: 0.05 };
const job = (slot: number, chain: number, slotJob: number, over: { successes?: number; evaluations?: number; restarted?: boolean } = {}) => ({
  slot,
  chain,
  slotJob,
  successes: over.successes ?? 0,
  evaluations: over.evaluations ?? 100,
  restarted: over.restarted ?? false,
});

describe("bandit slots (ME-MAP-Elites in distributed runs)", () => {
  it("starts with slot s on chain s, and places job k in slot k mod numActive", () => {
    const row = initialBandit(params);
    expect(row).toEqual({ slots: [0, 1, 2], slotJobs: [0, 0, 0], success: [0, 0, 0, 0, 0, 0], selection: [0, 0, 0, 0, 0, 0], reselections: 0 });
    expect(slotOfJob(row, 4, 3)).toEqual({ slot: 1, chain: 1, slotJob: 1, due: "ahead" });
    expect(slotOfJob(row, 2, 3)).toEqual({ slot: 2, chain: 2, slotJob: 0, due: "now" });
    const after = applyBanditJob(row, job(2, 2, 0), params);
    expect(slotOfJob(after, 2, 3).due).toBe("behind");
    expect(slotOfJob(after, 5, 3).due).toBe("now");
  });

  it("adds a job's successes and evaluations to its chain; a chain that did not restart keeps its slot", () => {
    const row = applyBanditJob(initialBandit(params), job(1, 1, 0, { successes: 7, evaluations: 72 }), params);
    expect(row.success).toEqual([0, 7, 0, 0, 0, 0]);
    expect(row.selection).toEqual([0, 72, 0, 0, 0, 0]);
    expect(row.slots).toEqual([0, 1, 2]);
    expect(row.slotJobs).toEqual([0, 1, 0]);
  });

  it("a restarted chain frees its slot for an untried chain first (later index on ties), never one another slot runs", () => {
    let row = applyBanditJob(initialBandit(params), job(0, 0, 0, { successes: 50, restarted: true }), params);
    expect(row.slots[0]).toBe(5);
    expect(row.reselections).toBe(1);
    row = applyBanditJob(row, job(1, 1, 0, { successes: 1, restarted: true }), params);
    expect(row.slots).toEqual([5, 4, 2]);
    // Every chain tried: UCB1 prefers the high success rate (chain 0: 50 of 100) among free chains.
    for (const [slot, chain, slotJob] of [[2, 2, 0], [0, 5, 1], [1, 4, 1]] as const) row = applyBanditJob(row, job(slot, chain, slotJob, { restarted: true }), params);
    expect(new Set(row.slots).size).toBe(3);
    expect(row.slots).toContain(0);
    expect(row.selection.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('"all" reselects after every job, and the slot may keep its own chain when it scores best', () => {
    const p = { ...params, reselect: "all" as const, pool: 3 };
    const row = applyBanditJob(initialBandit(p), job(0, 0, 0, { successes: 10 }), p);
    // Pool of 3 with 3 slots: the only free chain is its own.
    expect(row.slots).toEqual([0, 1, 2]);
    expect(ucbChoice({ ...row, selection: [100, 100, 100], success: [90, 1, 1] }, 1, 0.05)).toBe(1);
  });

  it("refuses a stale or duplicate job (wrong slot position or chain), so its commit rolls back", () => {
    const row = applyBanditJob(initialBandit(params), job(0, 0, 0, { restarted: true }), params);
    expect(() => applyBanditJob(row, job(0, 0, 0), params)).toThrow(/slot 0 is at job 1 on chain 5, not job 0 on chain 0/);
    expect(() => applyBanditJob(row, job(0, 0, 1), params)).toThrow(/not job 1 on chain 0/);
  });
});
