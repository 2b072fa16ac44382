import { test, expect } from "@playwright/test";
import { createRun, shoot, sphere, waitForStatus } from "./helpers";

const tag = Date.now().toString(36).slice(-4);
const A = `Compare: Gaussian σ=0.5 (${tag})`;
const B = `Compare: Iso+LineDD (${tag})`;

test("compare two runs: overlaid curves, and a run picker that updates the URL", async ({ page, request }) => {
  const a = await createRun(request, sphere(A, 30_000, { emitter: { type: "gaussian", sigma: 0.5 } }));
  const b = await createRun(request, sphere(B, 30_000));
  await waitForStatus(request, a.id, "completed");
  await waitForStatus(request, b.id, "completed");

  await page.goto(`/compare?ids=${a.id},${b.id}`);
  await expect(page.getByRole("heading", { name: "Compare runs" })).toBeVisible();
  const legend = page.getByRole("list", { name: "Legend" });
  await expect(legend.getByText(A)).toBeVisible();
  await expect(legend.getByText(B)).toBeVisible();
  for (const title of ["QD-score", "Coverage", "Max fitness", "Mean fitness"]) {
    await expect(page.getByRole("figure", { name: `${title} against evaluations` })).toBeVisible();
  }
  // Two lines per chart.
  await expect(page.getByRole("img", { name: "QD-score chart" }).locator("path[stroke]")).toHaveCount(2);
  await shoot(page, "compare");

  // Hover shows both runs' values.
  const chart = page.getByRole("img", { name: "Coverage chart" });
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
  await expect(page.getByRole("tooltip").filter({ hasText: "evaluations" })).toBeVisible();

  // The final archives side by side, on one colour scale, with labelled axes.
  const finals = page.getByTestId("final-grid");
  await expect(finals).toHaveCount(2);
  await expect(page.getByTestId("final-grids").getByRole("figure", { name: /fitness \(one scale for all runs\)/ })).toBeVisible();
  for (const name of [A, B]) {
    await expect(page.getByRole("img", { name: new RegExp(`^${name.replace(/[()=.+]/g, "\\$&")}: [1-9][\\d,]* of 10,000 cells filled, best fitness`) })).toBeVisible();
  }
  await expect(page.getByTestId("final-grids").getByText("m0  [-51.2, 51.2]")).toHaveCount(2);
  // Each panel opens its run (from the keyboard too).
  await page.getByTestId("final-grids").getByRole("link", { name: B }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/experiments/${b.id}`));
  await page.goBack();

  // Unpick one run: the URL follows.
  await page.getByRole("checkbox", { name: `Compare ${A}` }).uncheck();
  await expect(page).toHaveURL(new RegExp(`ids=${b.id}$`));
  await expect(legend.getByText(A)).toHaveCount(0);

  // Start from nothing and pick both.
  await page.goto("/compare");
  await expect(page.getByText("Pick two or more runs")).toBeVisible();
  await page.getByRole("checkbox", { name: `Compare ${B}` }).check();
  await expect(page).toHaveURL(/ids=/);
  await page.getByRole("checkbox", { name: `Compare ${A}` }).check();
  await expect(page.getByRole("img", { name: "Max fitness chart" }).locator("path[stroke]")).toHaveCount(2);
});
