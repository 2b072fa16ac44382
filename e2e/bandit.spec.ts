import { test, expect } from "@playwright/test";
import { createRun, shoot, waitForStatus } from "./helpers";

const tag = Date.now().toString(36).slice(-4);
const es = (ranker: string) => ({ type: "cma-me", count: 3, ranker });

test("a bandit run (ME-MAP-Elites pool) shows its pool: groups, members, active slots and success rates", async ({ page, request }) => {
  test.setTimeout(420_000);
  const run = await createRun(request, {
    name: `ME-MAP-Elites pool (${tag})`,
    domain: { type: "sphere", dim: 20 },
    batchSize: 36,
    seed: 3,
    emitter: es("obj"),
    extraEmitters: [es("2rd"), es("2imp"), { type: "iso-line", isoSigma: 0.01, lineSigma: 0.1, count: 3 }],
    scheduler: { type: "bandit", numActive: 3 },
    budget: { evaluations: 10_800 },
  });
  await waitForStatus(request, run.id, "completed", 300_000);
  const report = await (await request.get(`/api/experiments/${run.id}/bandit`)).json();
  expect(report.selections).toBe(10_800);

  await page.goto(`/experiments/${run.id}`);
  const panel = page.getByRole("region", { name: "Bandit scheduler" });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("table", { name: "Pool groups" }).locator("tbody tr")).toHaveCount(4);
  await expect(panel.getByRole("table", { name: "Pool groups" })).toContainText("iso-line 0.01 / 0.1");
  const members = panel.getByRole("table", { name: "Pool members" }).locator("tbody tr");
  await expect(members).toHaveCount(12);
  await expect(panel.getByRole("table", { name: "Pool members" }).locator('tbody tr[data-active="true"]')).toHaveCount(3);
  await expect(panel).toContainText(`of ${(10_800).toLocaleString("en-US")} candidates entered the archive`);
  await panel.scrollIntoViewIfNeeded();
  await shoot(page, "bandit-panel");
  await panel.screenshot({ path: "e2e/screenshots/bandit-panel-card.png" });

  // Runs without the bandit have no pool.
  const plain = await createRun(request, { name: `no bandit (${tag})`, domain: { type: "sphere", dim: 10 }, budget: { evaluations: 1_000 } });
  const res = await request.get(`/api/experiments/${plain.id}/bandit`);
  expect(res.status()).toBe(404);
  expect((await res.json()).error.message).toMatch(/only runs with "scheduler": \{ "type": "bandit" \} have an emitter pool/);
});

test("the form builds pyribs' ME-MAP-Elites pool in one click", async ({ page, request }) => {
  test.setTimeout(300_000);
  await page.goto("/experiments/new");
  await page.getByLabel("Name", { exact: true }).fill(`Pool from the form (${tag})`);
  await page.getByLabel("Emitter", { exact: true }).selectOption("cma-me");
  await page.getByLabel("Scheduler", { exact: true }).selectOption("bandit");
  await expect(page.getByTestId("pool-fields")).toBeVisible();
  await page.getByRole("button", { name: "Use pyribs' ME-MAP-Elites pool" }).click();
  await expect(page.getByRole("button", { name: /^Remove group/ })).toHaveCount(3);
  await expect(page.getByTestId("pool-fields")).toContainText("60 emitters in all");
  await expect(page.getByLabel("Active emitters")).toHaveValue("15");
  await page.getByLabel("Evaluations").fill("5400");
  await page.getByTestId("pool-fields").scrollIntoViewIfNeeded();
  await shoot(page, "bandit-form");
  await page.getByRole("button", { name: "Create and start" }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  const exp = await (await request.get(`/api/experiments/${id}`)).json();
  expect(exp.config.extraEmitters).toEqual([
    { type: "cma-me", sigma0: 0.5, count: 15, ranker: "2rd", selectionRule: "filter", restartRule: "no_improvement" },
    { type: "cma-me", sigma0: 0.5, count: 15, ranker: "2imp", selectionRule: "filter", restartRule: "no_improvement" },
    { type: "iso-line", isoSigma: 0.01, lineSigma: 0.1, count: 15 },
  ]);
  expect(exp.config.emitter).toMatchObject({ type: "cma-me", ranker: "obj", count: 15 });
  // 60 members: the per-member table starts folded under the group table.
  const panel = page.getByRole("region", { name: "Bandit scheduler" });
  await expect(panel.getByRole("table", { name: "Pool groups" }).locator("tbody tr")).toHaveCount(4);
  await panel.getByText("Every emitter (60)").click();
  await expect(panel.getByRole("table", { name: "Pool members" }).locator("tbody tr")).toHaveCount(60);
});
