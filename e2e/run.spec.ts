import fs from "node:fs";
import { test, expect } from "@playwright/test";
import { bestCell, clickGridCell, filledCells, shoot } from "./helpers";

test("create a sphere run from the form, watch it fill, inspect an elite and its lineage, pause, resume, export", async ({ page, request }) => {
  await page.goto("/experiments/new");
  await page.getByLabel("Name", { exact: true }).fill("E2E sphere with a custom descriptor");
  await page.getByLabel("Dimensions").fill("20");
  // Custom descriptor row: replace the second default row with our own.
  await page.getByRole("button", { name: "Remove descriptor 2" }).click();
  await page.getByRole("button", { name: "+ Add descriptor" }).click();
  await page.getByLabel("Descriptor 2 name").fill("tail sum");
  await page.getByLabel("Descriptor 2 min").fill("-51.2");
  await page.getByLabel("Descriptor 2 max").fill("51.2");
  await page.getByLabel("Descriptor 2 bins").fill("50");
  await page.getByLabel("Descriptor 1 bins").fill("50");
  await expect(page.getByTestId("archive-preview")).toHaveText("50 × 50 = 2,500 cells");
  await page.getByLabel("Evaluations").fill("20000000");
  await page.getByLabel("Batch size").fill("50");
  await page.getByRole("button", { name: "Create and start" }).click();

  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/, { timeout: 120_000 });
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: "E2E sphere with a custom descriptor" })).toBeVisible();
  await expect(page.getByText("tail sum  [-51.2, 51.2]")).toBeVisible();

  // Cells appear while it runs (live, over SSE).
  await expect(page.getByTestId("status")).toHaveText(/running|completed/);
  await expect.poll(() => filledCells(page), { timeout: 120_000 }).toBeGreaterThan(0);
  const first = await filledCells(page);
  await expect.poll(() => filledCells(page), { timeout: 120_000 }).toBeGreaterThan(first);

  // Pause and resume.
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("status")).toHaveText("paused");
  // Batches in flight when the run paused still land: poll until the count holds still for a second.
  const evaluations = async () => (await (await request.get(`/api/experiments/${id}`)).json()).evaluations as number;
  let pausedAt = -1;
  await expect
    .poll(async () => {
      const before = await evaluations();
      await new Promise((r) => setTimeout(r, 1000));
      pausedAt = await evaluations();
      return pausedAt === before;
    })
    .toBe(true);
  await page.waitForTimeout(1500); // an observation window, not a wait: nothing new starts while paused
  expect(await evaluations()).toBe(pausedAt);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("status")).toHaveText(/running|completed/);
  await expect
    .poll(async () => (await (await request.get(`/api/experiments/${id}`)).json()).evaluations, { timeout: 120_000 })
    .toBeGreaterThan(pausedAt);
  // Pause again so the workers leave the machine's CPU to the browser while we explore the archive.
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("status")).toHaveText("paused");

  // Click a filled cell: its elite opens, and the cell goes into the URL.
  const best = await bestCell(request, id);
  await clickGridCell(page, best.cell, [50, 50]);
  await expect(page).toHaveURL(new RegExp(`[?&]cell=${best.cell}\\b`));
  await expect(page.getByText(`Elite of cell ${best.cell.toLocaleString("en-US")}`)).toBeVisible();
  await expect(page.getByTestId("elite-fitness")).not.toHaveText("—");
  await expect(page.getByRole("img", { name: /^Genome: 20 values/ })).toBeVisible();

  // Lineage: back to the first ancestor; click an ancestor to inspect it.
  await page.getByRole("button", { name: "Show lineage" }).click();
  const lineage = page.getByRole("region", { name: "Lineage" });
  await expect(lineage.getByRole("group", { name: "Lineage tree" })).toBeVisible();
  await expect(lineage.getByText(/generations? back to the first ancestor/)).toBeVisible();
  const ancestor = lineage.getByRole("button", { name: /^Ancestor 1:/ });
  if ((await ancestor.count()) > 0) {
    await ancestor.click();
    await expect(page.getByText("Inspecting an ancestor")).toBeVisible();
    await expect(page.getByRole("region", { name: "Ancestor" })).toBeVisible();
    await page.getByRole("button", { name: "Back to the elite" }).click();
    await expect(page.getByText(`Elite of cell ${best.cell.toLocaleString("en-US")}`)).toBeVisible();
  }

  // Keyboard: move from the selected cell and open the neighbour.
  await page.getByRole("application", { name: /Elite archive/ }).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]cell=\d+/);

  // A shared link opens the same cell.
  await page.goto(`/experiments/${id}?cell=${best.cell}`);
  await expect(page.getByText(`Elite of cell ${best.cell.toLocaleString("en-US")}`)).toBeVisible();

  // Export CSV.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const path = await download.path();
  const csv = fs.readFileSync(path!, "utf8");
  const [header, row] = csv.split("\n");
  expect(header).toContain("cell");
  expect(header).toContain("fitness");
  expect(header).toContain("tail sum");
  expect(row!.split(",").length).toBe(header!.split(",").length);

  // Cancel it: the run ends, the controls go away.
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Cancel run" }).click();
  await expect(page.getByTestId("status")).toHaveText("cancelled");
  await expect(page.getByRole("button", { name: "Resume" })).toHaveCount(0);
});
