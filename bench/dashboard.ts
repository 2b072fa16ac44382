/**
 * Dashboard performance with Playwright (Chromium), against the production
 * build: a 100 × 100 archive (planar arm, 12 joints) filling live from two
 * workers. Prints one JSON object:
 *   redraw: grid redraw times while the archive fills (ms; the page records
 *           performance.now() around each draw in window.__qdGrid.draws)
 *   interactive: ms from navigation start until the grid has drawn after
 *           hydration (event handlers attached), on a fresh page and with ~75% filled
 * Targets: redraw < 16 ms, interactive < 1.5 s.
 *
 *   npx tsx bench/dashboard.ts [--seconds 15]
 */
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "15" }, reloads: { type: "string", default: "5" } } });
const seconds = Number(values.seconds);
const reloads = Number(values.reloads);
const log = (s: string) => process.stderr.write(`[bench:dashboard] ${s}\n`);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { n: s.length, p50: r(q(0.5)), p95: r(q(0.95)), max: r(s.at(-1) ?? NaN), mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
};

/** ms from navigation start until the grid's first draw after hydration. */
async function timeToInteractive(page: Page, url: string): Promise<{ interactiveMs: number; domContentLoadedMs: number; filled: number }> {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => (window.__qdGrid?.draws.length ?? 0) > 0, undefined, { timeout: 30_000, polling: 16 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    // The first draw runs in a layout effect of the hydrated tree: handlers are attached by then.
    const firstDrawAt = (window as unknown as { __qdFirstDrawAt?: number }).__qdFirstDrawAt ?? performance.now();
    return { interactiveMs: Math.round(firstDrawAt), domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd), filled: window.__qdGrid!.filled };
  });
}

const stack = await createTestStack();
const server = await startApiServer(stack.env).catch(async (e) => {
  await stack.stop();
  throw e;
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  stack.startWorker({ QD_WORKER_NAME: "bench-1" });
  stack.startWorker({ QD_WORKER_NAME: "bench-2" });
  const res = await server.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bench dashboard", domain: { type: "arm", joints: 12 }, batchSize: 100, budget: { evaluations: 5_000_000 }, seed: 1, start: true }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const url = `${server.url}/experiments/${id}`;
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && log(`console: ${m.text()}`));
  await page.addInitScript(() => {
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
  // Warm the server's route caches once.
  await page.goto(url);
  await page.waitForFunction(() => (window.__qdGrid?.draws.length ?? 0) > 0);

  const cold = await timeToInteractive(page, url);
  log(`first load: interactive ${cold.interactiveMs} ms (filled ${cold.filled})`);
  const startFilled = cold.filled;
  const drawsBefore = await page.evaluate(() => window.__qdGrid!.draws.length);
  log(`watching the archive fill for ${seconds} s`);
  await page.waitForTimeout(seconds * 1000);
  const live = await page.evaluate((n) => ({ draws: window.__qdGrid!.draws.slice(n), filled: window.__qdGrid!.filled, cells: window.__qdGrid!.cells }), drawsBefore);
  log(`live: ${live.draws.length} redraws, filled ${startFilled} → ${live.filled} of ${live.cells}`);

  const loads = [];
  for (let i = 0; i < reloads; i++) loads.push(await timeToInteractive(page, url));
  await server.fetch(`/api/experiments/${id}/cancel`, { method: "POST" });

  const result = {
    archive: { cells: live.cells, filledAtStart: startFilled, filledAtEnd: live.filled, seconds },
    redrawMs: stats(live.draws),
    redrawsPerSecond: Math.round((live.draws.length / seconds) * 10) / 10,
    interactive: {
      firstVisitMs: cold.interactiveMs,
      withFullerArchive: stats(loads.map((l) => l.interactiveMs)),
      filled: loads.at(-1)?.filled,
      domContentLoadedMs: stats(loads.map((l) => l.domContentLoadedMs)),
    },
    targets: { redrawMs: 16, interactiveMs: 1500 },
    pass: stats(live.draws).p95 < 16 && Math.max(...loads.map((l) => l.interactiveMs)) < 1500,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.stop();
  await stack.stop();
}
