import { test, expect } from "@playwright/test";
import { createRun, shoot, waitForStatus } from "./helpers";

/** Discount Model Search in the dashboard: the form's archive section, and a finished run's page (result grid + discount model). */
test("DMS: the form offers the discount archive with its fields; a run shows its result grid and the model's discount surface", async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const run = await createRun(request, {
    name: "Sphere 10-D · DMS (CMA-ME imp, 5 × 36)",
    domain: { type: "sphere", dim: 10 },
    archive: { type: "discount" },
    emitter: { type: "cma-me", count: 5, ranker: "imp", selectionRule: "mu", restartRule: "basic" },
    batchSize: 36,
    budget: { evaluations: 9_000 },
    iterationsPerJob: 10,
    seed: 1,
  });

  await page.goto("/experiments/new");
  await page.getByRole("radio", { name: "Discount model (DMS)" }).check();
  await expect(page.getByLabel("Discount learning rate (α)")).toHaveValue("0.1");
  await expect(page.getByLabel("Adam learning rate")).toHaveValue("0.001");
  await expect(page.getByTestId("archive-preview")).toHaveText("Result grid: 100 × 100 = 10,000 cells");
  const section = page.locator("section, fieldset, div").filter({ has: page.getByTestId("archive-preview") }).last();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await section.screenshot({ path: `e2e/screenshots/form-archive-dms-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: "light" });

  await waitForStatus(request, run.id, "completed");
  await page.goto(`/experiments/${run.id}`);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  const card = page.locator("#search-archive");
  await expect(card.getByText("Discount model (DMS)")).toBeVisible();
  await expect(card.getByTestId("search-archive-discount")).toBeVisible();
  await expect(card.getByText(/The discount the model predicts over the descriptor box \(60 × 60 points\)/)).toBeVisible();
  await page.mouse.move(0, 0);
  await shoot(page, "experiment-dms");
});
