/**
 * Dashboard performance with Playwright (Chromium), against the production build. Prints one JSON object:
 *   full:        a run with a full 100 × 100 archive (10,000 elites) and --solutions stored solutions, filled
 *                over ask/tell (the real write path): ms from navigation start until the grid has drawn
 *                after hydration (event handlers attached), over --reloads loads; the target < 1 s
 *   live:        a 100 × 100 archive (planar arm, 12 joints) filling at full speed from two workers while the
 *                page watches (from --settle ms after its load): grid redraw times (window.__qdGrid.draws), and every
 *                long task the main thread ran (PerformanceObserver "longtask", ≥ 50 ms by definition); target: none
 *   interactive: the live page reloaded with its archive ~75% filled
 *   settle:      each load of the full run is followed by --settle ms of watching: the long tasks the page runs once
 *                interactive (the panels below the fold mounting, their first draws), in full.afterInteractive. Without
 *                the pause the next load's navigation waited for them (they showed up as that load's first byte)
 * Targets: interactive < 1 s at 10,000 elites / 100,000 solutions, no long task during the live run, redraw < 16 ms.
 *
 *   npx tsx bench/dashboard.ts [--seconds 15] [--reloads 5] [--solutions 100000] [--settle 2000] [--profile] [--root <another checkout>]
 * --profile: a CPU profile of the live run's main thread, top functions by self and total time, named through
 * source maps when the build has them (NEXT_BROWSER_SOURCE_MAPS=1 npx next build).
 */
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";
import { hotFunctions, type CdpProfile } from "./profile-names";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "15" }, reloads: { type: "string", default: "5" }, solutions: { type: "string", default: "100000" }, settle: { type: "string", default: "2000" }, profile: { type: "boolean", default: false }, root: { type: "string" } } });
const seconds = Number(values.seconds);
const reloads = Number(values.reloads);
const solutions = Number(values.solutions);
const settleMs = Number(values.settle);
const log = (s: string) => process.stderr.write(`[bench:dashboard] ${s}\n`);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { n: s.length, p50: r(q(0.5)), p95: r(q(0.95)), max: r(s.at(-1) ?? NaN), mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
};

/** ms from navigation start until the grid's first draw after hydration. */
interface Load {
  interactiveMs: number;
  domContentLoadedMs: number;
  filled: number;
  /** Where the time went: first byte, last byte of the document, its size, scripts fetched before interactive. */
  ttfbMs: number;
  htmlDoneMs: number;
  htmlKb: number;
  scriptsBeforeInteractive: number;
  scriptKbBeforeInteractive: number;
  /** Main-thread time in long tasks before interactive (parse, eval, hydration). */
  longTaskMsBeforeInteractive: number;
  /** Long tasks (ms each) within settleMs after interactive. */
  longTasksAfter: number[];
}

/** ms from navigation start until the grid's first draw after hydration, with the load's breakdown. */
async function timeToInteractive(page: Page, url: string, settle = 0): Promise<Load> {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => (window.__qdGrid?.draws.length ?? 0) > 0, undefined, { timeout: 30_000, polling: 16 });
  const load = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    // The first draw runs in a layout effect of the hydrated tree: handlers are attached by then.
    const firstDrawAt = (window as unknown as { __qdFirstDrawAt?: number }).__qdFirstDrawAt ?? performance.now();
    const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((r) => r.initiatorType === "script" && r.startTime <= firstDrawAt);
    return {
      interactiveMs: Math.round(firstDrawAt),
      domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
      filled: window.__qdGrid!.filled,
      ttfbMs: Math.round(nav.responseStart),
      htmlDoneMs: Math.round(nav.responseEnd),
      htmlKb: Math.round(nav.decodedBodySize / 1024),
      scriptsBeforeInteractive: scripts.length,
      scriptKbBeforeInteractive: Math.round(scripts.reduce((a, r) => a + r.decodedBodySize, 0) / 1024),
      longTaskMsBeforeInteractive: (window.__qdLongTasks ?? []).filter((t) => t.start <= firstDrawAt).reduce((a, t) => a + t.duration, 0),
      longTasksAfter: [] as number[],
    };
  });
  if (settle > 0) {
    await page.waitForTimeout(settle);
    load.longTasksAfter = await page.evaluate(([from, ms]) => (window.__qdLongTasks ?? []).filter((t) => t.start > from && t.start <= from + ms).map((t) => t.duration), [load.interactiveMs, settle] as const);
  }
  return load;
}

/** The loads' breakdown as medians (see Load). */
const breakdown = (ls: Load[]) => ({
  ttfbMs: stats(ls.map((l) => l.ttfbMs)).p50,
  htmlDoneMs: stats(ls.map((l) => l.htmlDoneMs)).p50,
  htmlKb: stats(ls.map((l) => l.htmlKb)).p50,
  domContentLoadedMs: stats(ls.map((l) => l.domContentLoadedMs)).p50,
  scriptsBeforeInteractive: stats(ls.map((l) => l.scriptsBeforeInteractive)).p50,
  scriptKbBeforeInteractive: stats(ls.map((l) => l.scriptKbBeforeInteractive)).p50,
  longTaskMsBeforeInteractive: stats(ls.map((l) => l.longTaskMsBeforeInteractive)).p50,
});

declare global {
  interface Window {
    __qdLongTasks?: { start: number; duration: number }[];
  }
}

/**
 * A run whose 100 × 100 archive is full and which stores `n` solutions, through ask/tell: candidate k is told
 * descriptors in cell k mod 10,000 (every cell filled), with a fitness that rises with k (so later
 * candidates keep replacing elites, like a real run).
 */
async function seedFullRun(fetch: (path: string, init?: RequestInit) => Promise<Response>, n: number): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const r = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const { id } = await post("/api/experiments", {
    name: "bench dashboard (10,000 elites)",
    domain: { type: "external", dim: 2, bounds: [0, 1] },
    descriptors: [
      { name: "x", min: 0, max: 1, bins: 100 },
      { name: "y", min: 0, max: 1, bins: 100 },
    ],
    emitter: { type: "gaussian", sigma: 0.1 },
    budget: { evaluations: n },
    keepAllSolutions: true,
    seed: 3,
    start: true,
  });
  const per = 5000;
  for (let done = 0; done < n; ) {
    const asked = await post(`/api/experiments/${id}/ask`, { count: Math.min(per, n - done) });
    const results = (asked.candidates as { id: string }[]).map((c, i) => {
      const k = done + i;
      const cell = k % 10_000;
      return { candidateId: c.id, fitness: k / n + ((cell * 7919) % 1000) / 1e4, descriptors: [((cell / 100) | 0) / 100 + 0.005, (cell % 100) / 100 + 0.005] };
    });
    if (!results.length) break;
    await post(`/api/experiments/${id}/tell`, { results });
    done += results.length;
    if (done % 20_000 === 0) log(`seeded ${done} of ${n} solutions`);
  }
  return id;
}

const stack = await createTestStack();
// --root: serve another checkout's build (A/B against main's code on the same machine, alternating runs).
const server = await startApiServer(stack.env, { root: values.root }).catch(async (e) => {
  await stack.stop();
  throw e;
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  stack.startWorker({ QD_WORKER_NAME: "bench-1" });
  stack.startWorker({ QD_WORKER_NAME: "bench-2" });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && log(`console: ${m.text()}`));
  await page.addInitScript(() => {
    // Every long task of the main thread (the browser reports only those of 50 ms or more).
    const tasks: { start: number; duration: number }[] = (window.__qdLongTasks = []);
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
      }).observe({ type: "longtask", buffered: true });
    } catch {
      /* no longtask support: the list stays empty and the bench says so below */
    }
    // Timestamp of the first grid draw (the page pushes to window.__qdGrid.draws).
    const w = window as unknown as { __qdFirstDrawAt?: number; __qdGrid?: { draws: number[] } };
    const draws: number[] = [];
    const origPush = draws.push.bind(draws);
    draws.push = (...v: number[]) => {
      w.__qdFirstDrawAt ??= performance.now();
      return origPush(...v);
    };
    w.__qdGrid = { draws, cells: 0, filled: 0 } as never;
  });
  // ---- the full archive: 10,000 elites and `solutions` stored solutions ----
  const fullId = await seedFullRun((p, init) => server.fetch(p, init), solutions);
  const stored = await stack.prisma.solution.count({ where: { experimentId: fullId } });
  const elites = await stack.prisma.elite.count({ where: { experimentId: fullId } });
  log(`full run: ${elites} elites, ${stored} stored solutions`);
  const fullUrl = `${server.url}/experiments/${fullId}`;
  await page.goto(fullUrl);
  await page.waitForFunction(() => (window.__qdGrid?.draws.length ?? 0) > 0);
  // The warm-up load settles like the measured ones: its panels' requests are not the first measured load's wait.
  await page.waitForTimeout(settleMs);
  const fullLoads: Load[] = [];
  const fullLongTasks: number[] = [];
  for (let i = 0; i < reloads; i++) {
    const l = await timeToInteractive(page, fullUrl, settleMs);
    fullLoads.push(l);
    // Long tasks up to the moment it became interactive (hydration, first draw).
    fullLongTasks.push(...(await page.evaluate((t) => (window.__qdLongTasks ?? []).filter((x) => x.start <= t).map((x) => x.duration), l.interactiveMs)));
  }
  log(`full run: interactive ${fullLoads.map((l) => l.interactiveMs).join(", ")} ms; first byte ${fullLoads.map((l) => l.ttfbMs).join(", ")} ms`);

  // ---- the live run (started only now, so the full run was measured on a quiet server) ----
  const res = await server.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bench dashboard", domain: { type: "arm", joints: 12 }, batchSize: 100, budget: { evaluations: 5_000_000 }, seed: 1, start: true }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const url = `${server.url}/experiments/${id}`;
  // Warm the server's route caches once.
  await page.goto(url);
  await page.waitForFunction(() => (window.__qdGrid?.draws.length ?? 0) > 0);

  // Settled first: the long tasks of loading the page (its panels mounting) are in coldAfterInteractive, not the live run's.
  const cold = await timeToInteractive(page, url, settleMs);
  log(`first load: interactive ${cold.interactiveMs} ms (filled ${cold.filled})`);
  const startFilled = cold.filled;
  const drawsBefore = await page.evaluate(() => window.__qdGrid!.draws.length);
  // Long tasks of loading the page are not the live run's: watch from here on.
  const watchFrom = await page.evaluate(() => performance.now());
  const evalsBefore = (await stack.prisma.experiment.findUnique({ where: { id }, select: { evaluations: true } }))!.evaluations;
  log(`watching the archive fill for ${seconds} s`);
  // --profile: a CPU profile of the page's main thread while it watches; the top functions by self time go to stderr.
  const cdp = values.profile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  await page.waitForTimeout(seconds * 1000);
  if (cdp) {
    const { profile } = (await cdp.send("Profiler.stop")) as { profile: CdpProfile };
    const hot = hotFunctions(profile, path.join(values.root ?? path.join(import.meta.dirname, ".."), ".next"));
    if (!hot.mapped) log("profile: no source maps (build with NEXT_BROWSER_SOURCE_MAPS=1 to name the functions)");
    for (const f of hot.self) log(`profile self  ${String(f.selfMs).padStart(6)} ms (total ${String(f.totalMs).padStart(6)})  ${f.name}`);
    for (const f of hot.total) log(`profile total ${String(f.totalMs).padStart(6)} ms (self  ${String(f.selfMs).padStart(6)})  ${f.name}`);
  }
  const live = await page.evaluate(
    ([n, from]) => ({
      draws: window.__qdGrid!.draws.slice(n),
      filled: window.__qdGrid!.filled,
      cells: window.__qdGrid!.cells,
      longTasks: (window.__qdLongTasks ?? []).filter((t) => t.start >= from),
      supported: PerformanceObserver.supportedEntryTypes.includes("longtask"),
    }),
    [drawsBefore, watchFrom] as const,
  );
  const evalsAfter = (await stack.prisma.experiment.findUnique({ where: { id }, select: { evaluations: true } }))!.evaluations;
  log(`live: ${live.draws.length} redraws, filled ${startFilled} → ${live.filled} of ${live.cells}, ${live.longTasks.length} long tasks`);

  const loads = [];
  for (let i = 0; i < reloads; i++) loads.push(await timeToInteractive(page, url, settleMs));
  await server.fetch(`/api/experiments/${id}/cancel`, { method: "POST" });

  const fullMs = fullLoads.map((l) => l.interactiveMs);
  const result = {
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    full: {
      elites,
      storedSolutions: stored,
      interactiveMs: stats(fullMs),
      domContentLoadedMs: stats(fullLoads.map((l) => l.domContentLoadedMs)),
      breakdownP50: breakdown(fullLoads),
      longTasksUntilInteractiveMs: stats(fullLongTasks),
      // The settleMs after each load: count per load, and every such task's duration.
      afterInteractive: { settleMs, longTasksPerLoad: fullLoads.map((l) => l.longTasksAfter.length), longTaskMs: stats(fullLoads.flatMap((l) => l.longTasksAfter)) },
      target: { interactiveMs: 1000 },
      ratioToTarget: Math.round((Math.max(...fullMs) / 1000) * 100) / 100,
    },
    live: {
      seconds,
      evaluationsPerSecond: Math.round((evalsAfter - evalsBefore) / seconds),
      longTaskSupported: live.supported,
      longTasks: live.longTasks.length,
      longTaskMs: stats(live.longTasks.map((t) => t.duration)),
      target: { longTasks: 0 },
    },
    archive: { cells: live.cells, filledAtStart: startFilled, filledAtEnd: live.filled, seconds },
    redrawMs: stats(live.draws),
    redrawsPerSecond: Math.round((live.draws.length / seconds) * 10) / 10,
    interactive: {
      firstVisitMs: cold.interactiveMs,
      firstVisitAfterInteractiveMs: cold.longTasksAfter,
      withFullerArchive: stats(loads.map((l) => l.interactiveMs)),
      filled: loads.at(-1)?.filled,
      domContentLoadedMs: stats(loads.map((l) => l.domContentLoadedMs)),
      breakdownP50: breakdown(loads),
      afterInteractive: { longTasksPerLoad: loads.map((l) => l.longTasksAfter.length), longTaskMs: stats(loads.flatMap((l) => l.longTasksAfter)) },
    },
    targets: { redrawMs: 16, interactiveMs: 1000, liveLongTasks: 0 },
    pass: stats(live.draws).p95 < 16 && Math.max(...fullMs, ...loads.map((l) => l.interactiveMs)) < 1000 && live.longTasks.length === 0,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.stop();
  await stack.stop();
}
