import { describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CANCELLED_ERROR, createEvaluationSlots, evaluateEach } from "./concurrency";
import { createWebhookEvaluator } from "./webhook";

/** A task that waits until released by the test: concurrency is observed, not timed. */
function gate() {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const started: number[] = [];
  return {
    get active() {
      return active;
    },
    get peak() {
      return peak;
    },
    started,
    waiting,
    async run(i: number) {
      active++;
      peak = Math.max(peak, active);
      started.push(i);
      await new Promise<void>((r) => waiting.push(r));
      active--;
      return i * 10;
    },
    /** Let the tasks that are waiting finish, one round at a time. */
    async releaseAll() {
      for (const r of waiting.splice(0)) r();
      await new Promise((r) => setImmediate(r));
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("evaluateEach", () => {
  it("runs exactly `concurrency` at once while work remains, and keeps results in item order", async () => {
    const g = gate();
    const items = Array.from({ length: 10 }, (_, i) => i);
    const done = evaluateEach(items, { concurrency: 4 }, (i) => g.run(i), () => -1);
    await settle();
    expect(g.active).toBe(4);
    while (g.waiting.length) await g.releaseAll();
    expect(await done).toEqual(items.map((i) => i * 10));
    expect(g.peak).toBe(4);
  });

  it("the worker's slots cap two calls together below their own concurrency", async () => {
    const g = gate();
    const slots = createEvaluationSlots(3);
    const a = evaluateEach([0, 1, 2, 3], { concurrency: 4, slots: [slots] }, (i) => g.run(i), () => -1);
    const b = evaluateEach([4, 5, 6, 7], { concurrency: 4, slots: [slots] }, (i) => g.run(i), () => -1);
    await settle();
    expect(g.active).toBe(3);
    expect(slots.inFlight).toBe(3);
    while (g.waiting.length) await g.releaseAll();
    expect([...(await a), ...(await b)]).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(g.peak).toBe(3);
    expect(slots.inFlight).toBe(0);
  });

  it("an item holds one slot of every pool: the smaller pool decides, and overlapping calls share them", async () => {
    const g = gate();
    const experiment = createEvaluationSlots(2);
    const worker = createEvaluationSlots(8);
    const a = evaluateEach([0, 1, 2], { concurrency: 3, slots: [experiment, worker] }, (i) => g.run(i), () => -1);
    const b = evaluateEach([3, 4, 5], { concurrency: 3, slots: [experiment, worker] }, (i) => g.run(i), () => -1);
    await settle();
    expect(g.active).toBe(2);
    expect(worker.inFlight).toBe(2);
    while (g.waiting.length) await g.releaseAll();
    expect([...(await a), ...(await b)]).toEqual([0, 10, 20, 30, 40, 50]);
    expect(g.peak).toBe(2);
    expect([experiment.inFlight, worker.inFlight]).toEqual([0, 0]);
  });

  it("a crash fails that item only", async () => {
    const out = await evaluateEach(
      [1, 2, 3, 4],
      { concurrency: 2 },
      async (i) => {
        if (i === 2) throw new Error("segfault");
        return `ok ${i}`;
      },
      (i, error) => `failed ${i}: ${error}`,
    );
    expect(out).toEqual(["ok 1", "failed 2: the evaluator crashed: segfault", "ok 3", "ok 4"]);
  });

  it("after an abort, items not started fail as cancelled and slot waiters give up", async () => {
    const g = gate();
    const slots = createEvaluationSlots(1);
    const ac = new AbortController();
    const done = evaluateEach<number, number | string>([0, 1, 2, 3], { concurrency: 2, slots: [slots], signal: ac.signal }, (i) => g.run(i), (_i, error) => error);
    await settle();
    expect(g.started).toEqual([0]); // the second lane waits for the only slot
    ac.abort();
    await g.releaseAll();
    expect(await done).toEqual([0, CANCELLED_ERROR, CANCELLED_ERROR, CANCELLED_ERROR]);
    expect(g.started).toEqual([0]);
    expect(slots.inFlight).toBe(0);
  });
});

describe("webhook evaluator: concurrency and cancellation", () => {
  it("holds `concurrency` requests open at once, also over overlapping calls; an abort ends the open ones as cancelled", async () => {
    let open = 0;
    let peak = 0;
    const pending: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      open++;
      peak = Math.max(peak, open);
      res.on("close", () => open--);
      pending.push(res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ev = createWebhookEvaluator({ type: "webhook", url, concurrency: 3, retries: 0 });
    const ac = new AbortController();
    const candidates = Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, genome: [i] }));
    // Two jobs of the same experiment at once: together they still hold 3 requests open.
    const done = ev.evaluate(candidates.slice(0, 2), { signal: ac.signal }).then(async (first) => [...first, ...(await rest)]);
    const rest = ev.evaluate(candidates.slice(2), { signal: ac.signal });
    // Answer the first three in order, once all three are open together.
    while (pending.length < 3) await new Promise((r) => setTimeout(r, 10));
    expect(peak).toBe(3);
    for (const res of pending.splice(0, 3)) res.writeHead(200, { "content-type": "application/json" }).end('{"fitness": 1}');
    while (pending.length < 2) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const rs = await done;
    expect(rs.slice(0, 3).map((r) => r.ok)).toEqual([true, true, true]);
    expect(rs.slice(3)).toEqual([expect.objectContaining({ ok: false, error: CANCELLED_ERROR }), expect.objectContaining({ ok: false, error: CANCELLED_ERROR })]);
    expect(peak).toBe(3);
    await ev.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
});
