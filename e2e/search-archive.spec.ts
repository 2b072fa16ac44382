import { test, expect, type Page } from "@playwright/test";
import { fmtNum } from "../components/lib/format";
import { createRun, waitForStatus } from "./helpers";

const tag = Date.now().toString(36).slice(-4);

/** Light and dark pictures of one panel (README: e2e/screenshots/<name>-<scheme>.png). */
async function shootPanel(page: Page, selector: string, name: string) {
  // Pictures without a focus ring.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator(selector).screenshot({ path: `e2e/screenshots/${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** Light and dark pictures of consecutive form sections, top of the first to the bottom of the last. */
async function shootSections(page: Page, names: string[], name: string) {
  const section = (n: string) => page.locator("form section").filter({ has: page.getByRole("heading", { name: n, exact: true }) });
  await section(names[0]!).evaluate((el) => el.scrollIntoView({ block: "start" }));
  const boxes = await Promise.all(names.map(async (n) => (await section(n).boundingBox())!));
  const top = Math.min(...boxes.map((b) => b.y));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const clip = { x: Math.max(0, left - 16), y: Math.max(0, top - 8), width: right - left + 32, height: bottom - top + 16 };
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `e2e/screenshots/${name}-${scheme}.png`, clip });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("an NSLC run from the form: the proximity archive fills, a picked point opens its cell's elite", async ({ page, request }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/experiments/new");
  await page.getByLabel("Name", { exact: true }).fill(`NSLC sphere 10-D (${tag})`);
  await page.getByLabel("Dimensions").fill("10");
  await page.getByLabel("Proximity (novelty search)").check();
  // Novelty search runs as pyribs runs it: CMA-ME chains ranked by novelty, then by local competition.
  await expect(page.getByLabel("Emitter", { exact: true })).toHaveValue("cma-me");
  await expect(page.getByLabel("Ranker")).toHaveValue("nov");
  await page.getByLabel("Local competition (NSLC)").selectOption("true");
  await expect(page.getByLabel("Ranker")).toHaveValue("nslc");
  await page.getByLabel("Emitters", { exact: true }).fill("5");
  await page.getByLabel("Evaluations").fill("1080");
  await page.getByLabel("Seed").fill("1");
  await page.getByRole("button", { name: "Create and start" }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
  const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;

  // It fills: points in the scatter, elites in the grid.
  const scatter = page.getByTestId("search-archive-scatter");
  await expect(scatter).toHaveAttribute("data-points", /^[1-9]/);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  await waitForStatus(request, id, "completed", 180_000);
  const report = await (await request.get(`/api/experiments/${id}/search-archive`)).json();
  expect(report.type).toBe("proximity");
  await expect(page.getByTestId("search-archive-caption")).toContainText(`${report.total.toLocaleString("en-US")} points kept by the proximity archive`);
  await expect(scatter).toHaveAttribute("data-points", String(report.measures.length));

  // Pick a point with the mouse: its values and the result-grid cell it falls in; open that cell's elite.
  const dot = scatter.locator("circle").first();
  const [cx, cy] = [Number(await dot.getAttribute("cx")), Number(await dot.getAttribute("cy"))];
  const box = (await scatter.boundingBox())!;
  await scatter.click({ position: { x: (cx / 560) * box.width, y: (cy / 400) * box.height } });
  const picked = page.getByRole("region", { name: "Picked point" });
  await expect(picked).toBeVisible();
  const open = picked.getByRole("button", { name: /^Show cell [\d,]+'s elite$/ });
  const cell = Number((await open.textContent())!.replace(/[^0-9]/g, ""));
  await open.click();
  await expect(page.getByRole("region", { name: "Elite", exact: true }).getByText(`Elite of cell ${cell.toLocaleString("en-US")}`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`cell=${cell}$`));

  // And with the keyboard: Home picks the best point, the arrows move on, Enter opens the cell.
  await scatter.focus();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("search-archive-picked-objective")).toHaveText(fmtNum(Math.max(...report.objective), 4));
  await page.mouse.move(0, 0);
  await shootPanel(page, "#search-archive", "search-archive-nslc");
  await scatter.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/cell=\d+$/);
});

test("a DDS run: the density archive's reservoir, drawn in one colour with what it means", async ({ page, request }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const run = await createRun(request, {
    name: `DDS sphere 10-D (${tag})`,
    domain: { type: "sphere", dim: 10 },
    archive: { type: "density", method: "kde", bufferSize: 2_000 },
    emitter: { type: "cma-me", count: 5, sigma0: 1.5, ranker: "density", selectionRule: "mu", restartRule: "basic" },
    batchSize: 36,
    budget: { evaluations: 1_080 },
    seed: 1,
  });
  await waitForStatus(request, run.id, "completed", 180_000);
  await page.goto(`/experiments/${run.id}`);
  const panel = page.getByRole("region", { name: "Density archive (density descent)" });
  await expect(page.getByTestId("search-archive-caption")).toContainText("measures in the density archive's reservoir");
  await expect(panel.getByText("one measure in the reservoir")).toBeVisible();
  await expect(page.getByTestId("search-archive-scatter")).toHaveAttribute("data-points", /^[1-9]/);
  await shootPanel(page, "#search-archive", "search-archive-dds");
});

test("the form's archive kinds: each shows its own fields, and a search archive brings its emitter", async ({ page }) => {
  await page.goto("/experiments/new");
  const help = page.getByTestId("archive-help");
  await page.getByLabel("CVT", { exact: true }).check();
  await expect(page.getByLabel("CVT cells")).toBeVisible();
  await expect(page.getByLabel("k-means samples")).toBeVisible();
  await expect(page.getByLabel("Descriptor 1 bins")).toHaveCount(0);

  await page.getByLabel("Proximity (novelty search)").check();
  await expect(help).toContainText("Novelty search");
  for (const field of ["Neighbours (k)", "Novelty threshold", "Local competition (NSLC)", "Descriptor 1 bins"]) await expect(page.getByLabel(field)).toBeVisible();
  await expect(page.getByLabel("CVT cells")).toHaveCount(0);
  await expect(page.getByTestId("archive-preview")).toHaveText("Result grid: 100 × 100 = 10,000 cells");
  await expect(page.getByLabel("Ranker")).toHaveValue("nov");
  await expect(page.getByRole("heading", { name: "Islands" })).toHaveCount(0);
  await expect(page.getByTestId("scheduler-fields")).toHaveCount(0);
  await page.setViewportSize({ width: 1280, height: 900 });
  await shootSections(page, ["Archive", "Emitter"], "new-experiment-proximity");

  // The discount archive has no ranker of its own: CMA-ME ranked by improvement over its discount, as pyribs' dms row.
  await page.getByLabel("Discount model (DMS)").check();
  for (const field of ["Discount learning rate (α)", "Adam learning rate"]) await expect(page.getByLabel(field)).toBeVisible();
  await expect(page.getByLabel("Neighbours (k)")).toHaveCount(0);
  await expect(page.getByLabel("Ranker")).toHaveValue("imp");
  await expect(help).toContainText("ranker “imp”");

  await page.getByLabel("Density (density descent)").check();
  for (const field of ["Estimator", "Bandwidth (h)", "Buffer size"]) await expect(page.getByLabel(field)).toBeVisible();
  await expect(page.getByLabel("Discount learning rate (α)")).toHaveCount(0);
  await expect(page.getByLabel("Ranker")).toHaveValue("density");

  // Back on a grid: no search fields, the CMA-ME default ranker, the scheduler and islands offered again with CMA-ME.
  await page.getByLabel("Grid", { exact: true }).check();
  await expect(page.getByLabel("Estimator")).toHaveCount(0);
  await expect(page.getByLabel("Ranker")).toHaveValue("2imp");
  await expect(page.getByTestId("scheduler-fields")).toBeVisible();
  await expect(page.getByTestId("archive-preview")).toHaveText("100 × 100 = 10,000 cells");
});
