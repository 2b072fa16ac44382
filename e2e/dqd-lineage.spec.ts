import { test, expect } from "@playwright/test";
import { bestCell, clickGridCell, createRun, shootElement, waitForStatus } from "./helpers";

test("a CMA-MEGA elite: the elite panel names the gradient operator, and its lineage says why it has no ancestors", async ({ page, request }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const run = await createRun(request, {
    name: `CMA-MEGA sphere 10-D (${Date.now().toString(36).slice(-4)})`,
    domain: { type: "sphere", dim: 10 },
    emitter: { type: "gradient-arborescence", count: 2 },
    batchSize: 36,
    budget: { evaluations: 740 },
    seed: 1,
  });
  await waitForStatus(request, run.id, "completed", 180_000);
  await page.goto(`/experiments/${run.id}`);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  await shootElement(page, page.getByRole("region", { name: "Elite archive" }), "cma-mega-archive");
  const best = await bestCell(request, run.id);
  await clickGridCell(page, best.cell, [100, 100]);
  const elite = page.getByRole("region", { name: "Elite", exact: true });
  await expect(elite.getByText("gradient-arborescence (CMA-MEGA / CMA-MAEGA)")).toBeVisible();
  await expect(elite.getByText(/none \(its emitter's solution point θ/)).toBeVisible();
  await elite.getByRole("button", { name: "Show lineage" }).click();
  const lineage = page.getByRole("region", { name: "Lineage" });
  await expect(lineage.getByTestId("lineage-origin")).toContainText("No ancestors to walk: gradient-arborescence (CMA-MEGA / CMA-MAEGA) made this elite as its emitter's solution point θ");
  // No one-dot "chain of mutated parents" legend for an elite that has none.
  await expect(lineage.getByText(/chain of mutated parents/)).toHaveCount(0);
});
