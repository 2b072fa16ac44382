import { test, expect, type Page, type Locator } from "@playwright/test";
import { bestCell, createRun, shootElement, sphere, waitForStatus } from "./helpers";

const tag = Date.now().toString(36).slice(-4);

/** One panel in light and dark (e2e/screenshots/<name>-<scheme>.png). */
/** From the top of one element to the bottom of another, full width, light and dark. */
async function shootRange(page: Page, from: Locator, to: Locator, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    await from.scrollIntoViewIfNeeded();
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
    await page.screenshot({ path: `e2e/screenshots/${name}-${scheme}.png`, fullPage: true, clip: { x: 0, y: a.y + scroll.y - 8, width: page.viewportSize()!.width, height: b.y + b.height - a.y + 16 } });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const count = async (page: Page) => Number(((await page.getByTestId("phylogeny-count").textContent()) ?? "").split(" solutions")[0]!.replace(/[^0-9]/g, ""));

test("phylogeny: the whole tree, keyboard and mouse selection → the elite panel, colour, one elite's ancestry", async ({ page, request }) => {
  test.setTimeout(300_000);
  const run = await createRun(request, sphere(`Phylogeny run (${tag})`, 3_000));
  await waitForStatus(request, run.id, "completed", 150_000);
  const api = await (await request.get(`/api/experiments/${run.id}/phylogeny`)).json();
  expect(api.total).toBeGreaterThan(10);
  const best = await bestCell(request, run.id);

  await page.goto(`/experiments/${run.id}`);
  const panel = page.getByRole("region", { name: "Phylogeny" });
  await panel.getByRole("button", { name: "Show the phylogeny" }).click();
  const canvas = panel.getByTestId("phylogeny-canvas");
  await expect(canvas).toBeVisible();
  await expect.poll(() => count(page)).toBe(api.total);

  // Keyboard: e selects the best elite (and centres it), Enter opens it in the elite panel.
  await canvas.focus();
  await page.keyboard.press("e");
  const selectedBox = panel.getByTestId("phylogeny-selected");
  await expect(selectedBox).toContainText("elite");
  await expect(selectedBox).toContainText(`cell ${best.cell.toLocaleString("en-US")}`);
  await page.keyboard.press("Enter");
  const elitePanel = page.locator("#elite");
  await expect(elitePanel.getByText(`of cell ${best.cell.toLocaleString("en-US")}`)).toBeVisible();

  // p walks to its first parent; the panel follows on Enter.
  await canvas.focus();
  const eliteText = (await selectedBox.textContent()) ?? "";
  await page.keyboard.press("p");
  // The parent may sit in the same cell (the elite it replaced); it is always an earlier generation.
  await expect(selectedBox).not.toHaveText(eliteText);
  await page.keyboard.press("Enter");
  await expect(elitePanel.getByText("Inspecting an ancestor")).toBeVisible();

  // Mouse: the selected node sits at the centre of the view (keyboard selection centres it); a click there opens it.
  await page.keyboard.press("e");
  await canvas.hover();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(panel.getByTestId("phylogeny-tooltip")).toContainText("fitness");
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(elitePanel.getByText(`of cell ${best.cell.toLocaleString("en-US")}`)).toBeVisible();

  // Colour by cell.
  await panel.getByRole("button", { name: "Cell", exact: true }).click();
  await expect(panel.getByRole("button", { name: "Cell", exact: true })).toHaveAttribute("aria-pressed", "true");
  await panel.getByRole("button", { name: "Fitness", exact: true }).click();

  // Select the best elite in the table (best first): the ancestry filter follows it and shrinks the tree.
  const firstRow = page.getByRole("table", { name: "Elites" }).locator("tbody tr").first();
  await expect(firstRow).toHaveAttribute("data-cell", String(best.cell));
  await firstRow.click();
  const only = panel.getByLabel("Only the selected elite's ancestry");
  await expect(only).toBeEnabled();
  await panel.scrollIntoViewIfNeeded();
  await canvas.focus();
  await page.keyboard.press("0"); // fit the whole tree
  await shootElement(page, panel, "phylogeny");
  await only.check();
  await expect.poll(() => count(page)).toBeLessThan(api.total);
  expect(await count(page)).toBeGreaterThan(1);
  await shootElement(page, panel, "phylogeny-ancestry");
  await only.uncheck();
  await expect.poll(() => count(page)).toBe(api.total);
});

test("archive over time: scrub, play, the curves' cursor and the phylogeny follow, export a frame", async ({ page, request }) => {
  test.setTimeout(300_000);
  const run = await createRun(request, sphere(`Replay run (${tag})`, 3_000, { seed: 9 }));
  await waitForStatus(request, run.id, "completed", 150_000);
  const history = await (await request.get(`/api/experiments/${run.id}/history`)).json();
  const writes: number = history.cell.length;
  expect(writes).toBeGreaterThan(10);
  const archive = await (await request.get(`/api/experiments/${run.id}/archive`)).json();
  const filled: number = archive.elites.cell.length;

  await page.goto(`/experiments/${run.id}`);
  await page.getByRole("region", { name: "Phylogeny" }).getByRole("button", { name: "Show the phylogeny" }).click();
  await expect(page.getByTestId("phylogeny-canvas")).toBeVisible();
  const replayCard = page.getByRole("region", { name: "Archive over time" });
  await replayCard.getByRole("button", { name: "Replay the archive" }).click();
  const slider = replayCard.getByTestId("replay-slider");
  await expect(slider).toHaveValue(String(writes));
  await expect(page.getByTestId("filled-cells")).toContainText(`replay${filled.toLocaleString("en-US")} / `);
  await expect(page.getByTestId("chart-cursor")).toHaveCount(4);

  // Keyboard on the slider: Home is the empty archive; the phylogeny fades what did not exist yet.
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(slider).toHaveValue("0");
  await expect(page.getByTestId("filled-cells")).toContainText("replay0 / ");
  await expect(replayCard.getByTestId("replay-status")).toContainText(`write 0 of ${writes.toLocaleString("en-US")}`);
  await expect(page.getByTestId("phylogeny-count")).toContainText("existed then");

  // Halfway: the grid holds exactly the cells written in the first half of the history.
  const half = Math.floor(writes / 2);
  await slider.fill(String(half));
  const cellsByThen = new Set(history.cell.slice(0, half)).size;
  await expect(page.getByTestId("filled-cells")).toContainText(`replay${cellsByThen.toLocaleString("en-US")} / `);
  await replayCard.scrollIntoViewIfNeeded();
  await shootRange(page, page.getByRole("region", { name: "Elite archive" }), page.getByRole("region", { name: "Phylogeny" }), "archive-replay");

  // Play moves forward and stops at the end.
  await replayCard.getByRole("button", { name: "Play" }).click();
  await expect(slider).toHaveValue(String(writes), { timeout: 60_000 });
  await expect(replayCard.getByRole("button", { name: "Play" })).toBeVisible();

  // Export the current frame as a PNG.
  const [download] = await Promise.all([page.waitForEvent("download"), replayCard.getByRole("button", { name: "This frame (PNG)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^archive-\d{7}\.png$/);

  // Back to live: the grid is the live archive again.
  await replayCard.getByRole("button", { name: "Back to live" }).click();
  await expect(page.getByTestId("filled-cells")).not.toContainText("replay");
  await expect(page.getByTestId("chart-cursor")).toHaveCount(0);
});

test("phylogeny: new nodes appear while the run goes on, without a reload, and the selected node stays", async ({ page, request }) => {
  test.setTimeout(300_000);
  const run = await createRun(request, {
    name: `Live phylogeny (ask/tell) (${tag})`,
    domain: { type: "external", dim: 2, bounds: [-1, 1] },
    descriptors: [
      { name: "x", min: -1, max: 1, bins: 20 },
      { name: "y", min: -1, max: 1, bins: 20 },
    ],
    emitter: { type: "gaussian", sigma: 0.2 },
    budget: { evaluations: 100_000 },
    seed: 4,
  });
  /**
   * One round of ask/tell, descriptors = the genome. The first round's fitness rises towards the origin; later
   * ones score below every elite, so they only fill new cells: the tree grows and no elite is replaced.
   */
  const round = async (count: number, later = false) => {
    const asked = await (await request.post(`/api/experiments/${run.id}/ask`, { data: { count } })).json();
    const results = asked.candidates.map((c: { id: string; genome: number[] }) => ({ candidateId: c.id, fitness: later ? -10 : 2 - Math.hypot(c.genome[0]!, c.genome[1]!), descriptors: c.genome }));
    const told = await request.post(`/api/experiments/${run.id}/tell`, { data: { results } });
    expect(told.status(), await told.text()).toBeLessThan(300);
  };
  await round(100);

  await page.goto(`/experiments/${run.id}`);
  await page.getByRole("button", { name: "Show the phylogeny" }).click();
  const live = page.getByTestId("phylogeny-live");
  await expect(live).toContainText("live ·");
  const before = await count(page);
  expect(before).toBeGreaterThan(0);
  // Select a node from the keyboard (the best elite): it must survive the reloads.
  const canvas = page.getByTestId("phylogeny-canvas");
  await canvas.focus();
  await page.keyboard.press("e");
  const selected = page.getByTestId("phylogeny-selected");
  await expect(selected).toBeVisible();
  const selectedText = await selected.textContent();

  // More results arrive over the API: the open tree grows by itself.
  for (let i = 0; i < 3; i++) await round(200, true);
  await expect.poll(() => count(page), { timeout: 120_000 }).toBeGreaterThan(before);
  await expect(selected).toBeVisible();
  expect(await selected.textContent()).toBe(selectedText);
  await shootElement(page, page.locator("#phylogeny"), "phylogeny-live");
});
