import { test, expect } from "@playwright/test";
import { shoot } from "./helpers";

test.describe("new experiment form", () => {
  test("shows the archive size live and validation errors inline, from the API's schema", async ({ page }) => {
    await page.goto("/experiments/new");
    await expect(page.getByRole("heading", { name: "New experiment" })).toBeVisible();
    await expect(page.getByTestId("archive-preview")).toHaveText("100 × 100 = 10,000 cells");
    await shoot(page, "new-experiment");

    await page.getByLabel("Descriptor 2 bins").fill("50");
    await expect(page.getByTestId("archive-preview")).toHaveText("100 × 50 = 5,000 cells");

    // Break several fields at once.
    await page.getByLabel("Name", { exact: true }).fill("");
    await page.getByLabel("Descriptor 1 max").fill("-300");
    await page.getByLabel("Descriptor 2 bins").fill("0");
    await page.getByLabel("Evaluations").fill("");
    await page.getByLabel("Iso sigma (σ_iso)").fill("-1");
    await page.getByRole("button", { name: "Create and start" }).click();

    await expect(page.getByRole("alert").first()).toContainText("highlighted fields");
    await expect(page.getByText("name must not be empty")).toBeVisible();
    await expect(page.getByText("max must be greater than min")).toBeVisible();
    await expect(page.getByText("bins must be at least 1")).toBeVisible();
    await expect(page.getByText("budget.evaluations must be a number")).toBeVisible();
    await expect(page.getByText("emitter.isoSigma must be >= 0")).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await shoot(page, "new-experiment-errors");

    // A built-in domain has a fixed number of measures.
    await page.getByLabel("Name", { exact: true }).fill("ok");
    await page.getByLabel("Descriptor 1 max").fill("256");
    await page.getByLabel("Descriptor 2 bins").fill("10");
    await page.getByLabel("Evaluations").fill("1000");
    await page.getByLabel("Iso sigma (σ_iso)").fill("0.01");
    await page.getByRole("button", { name: "+ Add descriptor" }).click();
    await expect(page.getByText('domain "sphere" produces 2 descriptors; got 3')).toBeVisible();
    await page.getByRole("button", { name: "Remove descriptor 3" }).click();
    await expect(page.getByText(/produces 2 descriptors/)).toHaveCount(0);
    await expect(page.getByText("highlighted field")).toHaveCount(0);

    // Nothing was created while the form was invalid.
    await expect(page).toHaveURL(/\/experiments\/new$/);
  });

  test("offers CMA-MEGA / CMA-MAEGA and, with the CMA emitters, the bandit scheduler with their parameters", async ({ page }) => {
    await page.goto("/experiments/new");
    await page.getByLabel("Emitter", { exact: true }).selectOption("gradient-arborescence");
    await expect(page.getByLabel("θ learning rate")).toHaveValue("1");
    await expect(page.getByLabel("Archive learning rate (α, CMA-MAEGA)")).toHaveValue("");
    await expect(page.getByText(/CMA-ES over the coefficients of the objective's and measures' gradients/)).toBeVisible();
    await expect(page.getByTestId("scheduler-fields")).toHaveCount(0);

    await page.getByLabel("Emitter", { exact: true }).selectOption("cma-me");
    await page.getByLabel("Scheduler", { exact: true }).selectOption("bandit");
    await page.getByLabel("Active emitters").fill("20");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("scheduler.numActive (20) must be at most emitter.count (15), the pool it chooses from")).toBeVisible();
  });

  test("CVT archive: cell count replaces bins in the preview", async ({ page }) => {
    await page.goto("/experiments/new");
    await page.getByLabel("CVT").check();
    await expect(page.getByLabel("Descriptor 1 bins")).toHaveCount(0);
    await page.getByLabel("CVT cells").fill("2000");
    await expect(page.getByTestId("archive-preview")).toContainText("2,000 cells");
    await page.getByLabel("CVT cells").fill("0");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("archive.cells must be at least 1")).toBeVisible();
  });
});
