/**
 * How long the web server's event loop can stall while experiments are created and
 * viewed: a trivial request (`GET /api/…` answered 404 by the catch-all route, no
 * database) is sent every 10 ms throughout, and its latency is the stall it met. The
 * operations include CVT archives, whose centroids (k-means) the web server computes
 * for the archive view; before they were built in slices, the pyribs-default CVT
 * (10,000 cells × 100,000 samples) held the loop for the whole k-means.
 *
 * Prints one JSON object: { idle: {…}, underLoad: { probes, p50Ms, p99Ms, maxMs }, operations: [{ what, ms }],
 * syncKmeansMs }. syncKmeansMs is the same k-means run synchronously in this process (what a
 * request used to block for). Target: underLoad.maxMs < 100 (machine noise included).
 *
 *   npx tsx bench/edge-latency.ts
 */
import { cvtCentroids } from "@/lib/qd";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";

const log = (s: string) => process.stderr.write(`[bench:edge-latency] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await createTestStack();
const server = await startApiServer(stack.env).catch(async (e) => {
  await stack.stop();
  throw e;
});

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
  return { probes: s.length, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1) };
}

/** Probes every 10 ms until stopped; returns the latencies. */
function probe() {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await server.fetch("/api/edge-latency-probe");
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      await sleep(10);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return latencies;
    },
  };
}

async function post(path: string, body: unknown) {
  const res = await server.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as { id?: string; error?: unknown };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

try {
  // Warm every route once (the first request of a route loads its code).
  const warm = await post("/api/experiments", { name: "warm", domain: { type: "sphere", dim: 10 }, budget: { evaluations: 100 } });
  await (await server.fetch(`/api/experiments/${warm.id}/archive`)).arrayBuffer();
  await (await server.fetch(`/experiments/${warm.id}`)).arrayBuffer();
  await (await server.fetch("/api/edge-latency-probe")).arrayBuffer();

  log("idle probes (3 s)");
  let p = probe();
  await sleep(3000);
  const idle = stats(await p.stop());

  const operations: { what: string; ms: number }[] = [];
  const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await f();
    operations.push({ what, ms: Math.round(performance.now() - t0) });
    return out;
  };
  log("creating and viewing experiments while probing");
  p = probe();
  for (let i = 0; i < 5; i++) await timed("create sphere-100 grid", () => post("/api/experiments", { name: `grid ${i}`, domain: { type: "sphere", dim: 100 }, budget: { evaluations: 10_000 } }));
  const cvtConfigs = [
    { what: "CVT 10,000 cells × 100,000 samples (pyribs default)", archive: { type: "cvt", cells: 10_000, samples: 100_000 } },
    { what: "CVT 20,000 cells × 100,000 samples (the cap)", archive: { type: "cvt", cells: 20_000, samples: 100_000 } },
  ];
  for (const c of cvtConfigs) {
    const exp = await timed(`create ${c.what}`, () => post("/api/experiments", { name: c.what, domain: { type: "sphere", dim: 10 }, archive: c.archive, budget: { evaluations: 10_000 } }));
    await timed(`GET archive, ${c.what}`, async () => (await server.fetch(`/api/experiments/${exp.id}/archive`)).arrayBuffer());
    await timed(`experiment page, ${c.what}`, async () => (await server.fetch(`/experiments/${exp.id}`)).arrayBuffer());
  }
  const underLoad = stats(await p.stop());

  log("the same k-means, synchronously, in this process");
  const t0 = performance.now();
  cvtCentroids({ k: 10_000, samples: 100_000, lower: [-25.6, -25.6], upper: [25.6, 25.6], seed: 0 });
  const syncKmeansMs = Math.round(performance.now() - t0);

  console.log(JSON.stringify({ idle, underLoad, operations, syncKmeansMs }));
} finally {
  await server.stop();
  await stack.stop();
}
