import { test, expect } from "@playwright/test";
import { bestCell, clickGridCell, createRun, shoot, waitForStatus } from "./helpers";

/** Screenshots of every page in light and dark mode (e2e/screenshots/*.png), on a full-size 100 × 100 archive. */
test("screenshots: experiments, experiment with elite and lineage, 3-D fold, CVT", async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const run = await createRun(request, {
    name: "Sphere 100-D · MAP-Elites (Iso+LineDD)",
    domain: { type: "sphere", dim: 100 },
    batchSize: 100,
    budget: { evaluations: 150_000 },
    seed: 1,
  });
  const cvt = await createRun(request, {
    name: "Rastrigin 20-D · CVT 1,000 cells",
    domain: { type: "rastrigin", dim: 20 },
    archive: { type: "cvt", cells: 1000 },
    emitter: { type: "gaussian", sigma: 0.5 },
    budget: { evaluations: 40_000 },
    seed: 2,
  });
  const arm = await createRun(request, {
    name: "Planar arm, 12 joints",
    domain: { type: "arm", joints: 12 },
    budget: { evaluations: 60_000 },
    seed: 3,
  });
  await waitForStatus(request, run.id, "completed");
  await waitForStatus(request, cvt.id, "completed");
  await waitForStatus(request, arm.id, "completed");

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();
  await shoot(page, "experiments");

  await page.goto(`/experiments/${run.id}`);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  const best = await bestCell(request, run.id);
  await clickGridCell(page, best.cell, [100, 100]);
  await expect(page.getByTestId("elite-fitness")).not.toHaveText("—");
  await page.getByRole("button", { name: "Show lineage" }).click();
  await expect(page.getByRole("group", { name: "Lineage tree" })).toBeVisible();
  await page.mouse.move(0, 0);
  await shoot(page, "experiment");

  // Hover tooltip on the grid.
  await clickGridCell(page, best.cell, [100, 100]);
  await expect(page.getByRole("tooltip").filter({ hasText: `Cell ${best.cell.toLocaleString("en-US")}` })).toBeVisible();
  await page.getByRole("region", { name: "Elite archive" }).screenshot({ path: "e2e/screenshots/grid-tooltip-light.png" });

  await page.goto(`/experiments/${cvt.id}`);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  await shoot(page, "experiment-cvt");

  await page.goto(`/experiments/${arm.id}`);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  await shoot(page, "experiment-arm");
});
