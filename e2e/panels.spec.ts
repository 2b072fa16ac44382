import { test, expect, type Page } from "@playwright/test";
import { bestCell, createRun, shoot, sphere, waitForStatus } from "./helpers";

const tag = Date.now().toString(36).slice(-4);

const table = (page: Page) => page.getByRole("table", { name: "Elites" });
const bodyRows = (page: Page) => table(page).locator("tbody tr");

test("elite table: sort, filter, page, select a row → the elite panel", async ({ page, request }) => {
  test.setTimeout(240_000);
  const run = await createRun(request, sphere(`Table run (${tag})`, 10_000));
  await waitForStatus(request, run.id, "completed", 150_000);
  const best = await bestCell(request, run.id);
  const api = await (await request.get(`/api/experiments/${run.id}/elites?limit=1`)).json();
  const total: number = api.total;
  expect(total).toBeGreaterThan(100);

  await page.goto(`/experiments/${run.id}`);
  await expect(table(page)).toBeVisible();
  await expect(page.getByTestId("elite-table-range")).toHaveText(`1–50 of ${total.toLocaleString("en-US")} elites`);
  // Best first: the first row is the best cell.
  await expect(bodyRows(page).first()).toHaveAttribute("data-cell", String(best.cell));
  await expect(table(page).getByRole("columnheader", { name: /Fitness/ })).toHaveAttribute("aria-sort", "descending");
  await table(page).locator("tbody tr").nth(3).scrollIntoViewIfNeeded();
  await shoot(page, "elite-table");

  // Sort ascending by fitness: the worst comes first.
  await table(page).getByRole("button", { name: "Fitness", exact: true }).click();
  await expect(table(page).getByRole("columnheader", { name: /Fitness/ })).toHaveAttribute("aria-sort", "ascending");
  const worst = await (await request.get(`/api/experiments/${run.id}/elites?order=asc&limit=1`)).json();
  await expect(bodyRows(page).first()).toHaveAttribute("data-cell", String(worst.elites[0].cell));

  // Sort by cell, page forward: rows 51–100.
  await table(page).getByRole("button", { name: "Cell", exact: true }).click();
  await page.getByRole("navigation", { name: "Elite pages" }).getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("elite-table-range")).toHaveText(`51–100 of ${total.toLocaleString("en-US")} elites`);
  const page2 = await (await request.get(`/api/experiments/${run.id}/elites?sort=cell&order=asc&offset=50&limit=1`)).json();
  await expect(bodyRows(page).first()).toHaveAttribute("data-cell", String(page2.elites[0].cell));

  // Filter by fitness: only elites at least as good as the 10th best remain, and paging resets.
  const tenth = (await (await request.get(`/api/experiments/${run.id}/elites?limit=1&offset=9`)).json()).elites[0].fitness;
  await page.getByLabel("Fitness ≥").fill(String(tenth));
  await page.getByLabel("Fitness ≥").press("Enter");
  await expect(page.getByTestId("elite-table-range")).toHaveText(new RegExp(`^1–10 of 10 elites \\(filtered from`));
  await expect(bodyRows(page)).toHaveCount(10);

  // Select a row with the mouse → the elite panel shows that cell.
  const row = bodyRows(page).nth(2);
  const cell = Number(await row.getAttribute("data-cell"));
  await row.click();
  await expect(row).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("region", { name: "Elite", exact: true }).getByText(`Elite of cell ${cell.toLocaleString("en-US")}`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`cell=${cell}$`));

  // And with the keyboard: ↓ then Enter.
  await row.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const next = Number(await bodyRows(page).nth(3).getAttribute("data-cell"));
  await expect(page.getByRole("region", { name: "Elite", exact: true }).getByText(`Elite of cell ${next.toLocaleString("en-US")}`)).toBeVisible();

  // Clear the filters: everything is back.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.getByTestId("elite-table-range")).toHaveText(`1–50 of ${total.toLocaleString("en-US")} elites`);
});

test("work with runs: notes and tags, search the list, clone into the form, save and load a template", async ({ page, request }) => {
  test.setTimeout(240_000);
  const name = `Notes run (${tag})`;
  const run = await createRun(request, sphere(name, 2_000, { seed: 11 }));
  await waitForStatus(request, run.id, "completed", 150_000);

  await page.goto(`/experiments/${run.id}`);
  const notes = page.getByRole("region", { name: "Notes" });
  await notes.getByLabel("Add a tag").fill(`baseline-${tag}`);
  await notes.getByLabel("Add a tag").press("Enter");
  await expect(notes.getByRole("link", { name: `baseline-${tag}` })).toBeVisible();
  await notes.getByLabel("Notes").fill("σ = 0.01 stalls after 1,000 evaluations; try CMA-ME next.");
  await notes.getByRole("button", { name: "Save notes" }).click();
  await expect(notes.getByRole("status")).toHaveText("Saved");
  await shoot(page, "run-notes");

  // Stored: a reload shows them, and so does the API.
  await page.reload();
  await expect(page.getByRole("region", { name: "Notes" }).getByLabel("Notes")).toHaveValue("σ = 0.01 stalls after 1,000 evaluations; try CMA-ME next.");
  const stored = await (await request.get(`/api/experiments/${run.id}`)).json();
  expect(stored).toMatchObject({ tags: [`baseline-${tag}`], notes: "σ = 0.01 stalls after 1,000 evaluations; try CMA-ME next." });

  // The list: the tag chip filters to this run; searching the notes finds it; a miss says so.
  await page.goto("/");
  await page.getByRole("navigation", { name: "Filter by tag" }).getByRole("link", { name: new RegExp(`baseline-${tag}`) }).click();
  await expect(page).toHaveURL(new RegExp(`tag=baseline-${tag}`));
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await page.goto("/");
  // Every word must match (the name, the notes, the domain or a tag).
  await page.getByRole("searchbox", { name: "Search experiments" }).fill(`stalls nothing-${tag}`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("no-match")).toBeVisible();
  await page.getByRole("searchbox", { name: "Search experiments" }).fill("stalls CMA-ME");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  await shoot(page, "experiments-search");

  // Clone: the form opens with the run's configuration.
  await page.goto(`/experiments/${run.id}`);
  await page.getByRole("link", { name: "Clone" }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/new\\?from=${run.id}`));
  await expect(page.getByRole("heading", { name: "Clone experiment" })).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(`${name} (copy)`);
  await expect(page.getByLabel("Dimensions")).toHaveValue("20");
  await expect(page.getByLabel("Evaluations")).toHaveValue("2000");
  await expect(page.getByLabel("Seed", { exact: true })).toHaveValue("11");
  await shoot(page, "clone-form");

  // Save it as a template (changed seed), then load it on a blank form.
  await page.getByLabel("Seed", { exact: true }).fill("12");
  await page.getByRole("button", { name: "Save as template…" }).click();
  await page.getByLabel("Template name").fill(`Sphere 20-D seed 12 (${tag})`);
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("group", { name: "Templates" }).getByRole("status")).toHaveText(`Saved as template “Sphere 20-D seed 12 (${tag})”.`);
  await page.goto("/experiments/new");
  await expect(page.getByLabel("Seed", { exact: true })).toHaveValue("0");
  await page.getByLabel("Start from a template").selectOption({ label: `Sphere 20-D seed 12 (${tag})` });
  await expect(page).toHaveURL(/template=/);
  await expect(page.getByLabel("Seed", { exact: true })).toHaveValue("12");
  await expect(page.getByLabel("Evaluations")).toHaveValue("2000");

  // The clone runs: create it and land on its page.
  await page.getByRole("button", { name: "Create and start" }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  const cloneId = page.url().split("/").pop()!;
  const clone = await (await request.get(`/api/experiments/${cloneId}`)).json();
  // Same archive and descriptors as the original (a built-in domain's measures for its size).
  const original = await (await request.get(`/api/experiments/${run.id}`)).json();
  expect(clone).toMatchObject({ seed: 12, budget: { evaluations: 2000 }, domainType: "sphere", cells: original.cells });
  expect(clone.descriptors).toEqual(original.descriptors);
});

test("compare: at most six runs, and a table of where each stands", async ({ page, request }) => {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const res = await request.post("/api/experiments", { data: sphere(`Cap ${i} (${tag})`, 1000) });
    ids.push((await res.json()).id);
  }
  await page.goto(`/compare?ids=${ids.join(",")}`);
  // The URL asked for seven: six are shown, the seventh cannot be picked until one is unpicked.
  await expect(page.getByRole("table", { name: "Where each run stands" }).locator("tbody tr")).toHaveCount(6);
  await expect(page.getByText("6 runs picked: the most the charts show.")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: `Compare Cap 6 (${tag})` })).toBeDisabled();
  await page.getByRole("checkbox", { name: `Compare Cap 0 (${tag})` }).uncheck();
  await expect(page.getByRole("checkbox", { name: `Compare Cap 6 (${tag})` })).toBeEnabled();
  await shoot(page, "compare-six");
});

test("parallel coordinates: brushing an axis filters the grid and the table; keyboard brushing", async ({ page, request }) => {
  test.setTimeout(240_000);
  const run = await createRun(request, sphere(`Parallel run (${tag})`, 10_000));
  const d0 = (await (await request.get(`/api/experiments/${run.id}`)).json()).descriptors[0].name as string;
  await waitForStatus(request, run.id, "completed", 150_000);
  await page.goto(`/experiments/${run.id}`);
  const pc = page.getByTestId("parallel-coordinates");
  await expect(pc).toBeVisible();
  const total = (await (await request.get(`/api/experiments/${run.id}/elites?limit=1`)).json()).total as number;
  await expect(page.getByTestId("brushed-count")).toHaveText(`${total.toLocaleString("en-US")} elites`);

  // Drag along the first axis over its upper half.
  const axis = pc.locator("g[data-axis]").first();
  await pc.scrollIntoViewIfNeeded();
  const box = (await axis.boundingBox())!;
  const x = box.x + box.width / 2;
  await page.mouse.move(x, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(x, box.y + box.height * 0.3, { steps: 4 });
  await page.mouse.move(x, box.y + box.height * 0.5, { steps: 4 });
  await page.mouse.up();
  await expect(pc.getByTestId("brush-0")).toBeVisible();
  await expect(page.getByTestId("range-chip")).toHaveCount(1);
  const kept = Number(((await page.getByTestId("brushed-count").textContent()) ?? "").replace(/[^0-9]/g, ""));
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(total);
  // The grid draws only the brushed elites, and the table lists exactly them.
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", String(kept));
  await expect(page.getByTestId("elite-table-range")).toContainText(`of ${kept.toLocaleString("en-US")} elites (filtered from`);
  await shoot(page, "parallel-coordinates");

  // Keyboard: Escape clears the brush; ↑ creates one in the middle, and ↑ again moves it up.
  await axis.focus();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("range-chip")).toHaveCount(0);
  await expect(page.getByTestId("brushed-count")).toHaveText(`${total.toLocaleString("en-US")} elites`);
  const lower = async () => Number(/∈ \[(-?[\d.,]+),/.exec((await page.getByTestId("range-chip").textContent()) ?? "")![1]!.replace(/,/g, ""));
  await page.keyboard.press("ArrowUp");
  await expect(page.getByTestId("range-chip")).toContainText(`${d0} ∈ [`);
  const before = await lower();
  await page.keyboard.press("ArrowUp");
  await expect.poll(lower).toBeGreaterThan(before);
  // Removing the chip in the table clears the brush too.
  await page.getByRole("button", { name: `Remove the ${d0} range` }).click();
  await expect(pc.getByTestId("brush-0")).toHaveCount(0);
});

test("where the budget went: outcomes, operators and evaluation times of a run", async ({ page, request }) => {
  test.setTimeout(240_000);
  const run = await createRun(request, sphere(`Budget run (${tag})`, 10_000, { keepAllSolutions: true }));
  await waitForStatus(request, run.id, "completed", 150_000);
  const report = await (await request.get(`/api/experiments/${run.id}/budget`)).json();
  // Every evaluation is in exactly one outcome.
  expect(Object.values(report.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(10_000);
  expect(report.storedEvaluations).toBeGreaterThan(0);
  await page.goto(`/experiments/${run.id}`);
  const panel = page.getByTestId("budget-panel");
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("term").filter({ hasText: /^Evaluations$/ })).toBeVisible();
  await expect(panel.getByRole("img", { name: /^All evaluations: / })).toBeVisible();
  const ops = panel.getByRole("table", { name: "By operator" });
  await expect(ops.locator("tbody tr")).toHaveCount(report.byOperator.length);
  await expect(panel.getByRole("img", { name: /Outcome shares over \d+ slices/ })).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await shoot(page, "budget");
});
