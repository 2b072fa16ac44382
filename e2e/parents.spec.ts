import { test, expect } from "@playwright/test";
import { reply, startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../tests/helpers/openai-mock";
import { clickGridCell, shootElement, waitForStatus } from "./helpers";
import { packing } from "../tests/helpers/circle-programs";

/**
 * Parent selection and crossover from the form: a policy with its parameter (validated inline),
 * a crossover rate; the run's crossover children show both parents and the rule that chose each
 * in the elite panel and the lineage.
 */

/** Diffs of the parent's radius line; crossover prompts get a better, longer program (a new cell). */
function script() {
  let n = 0;
  return (req: RecordedRequest) => {
    const i = n++;
    const user = String(req.body.messages?.at(-1)?.content ?? "");
    if (user.includes("# Parent program B")) return reply.code(packing(0.97 + 0.002 * (i % 10), 600 + ((i * 389) % 2800)));
    const line = user.match(/const r = [\d.]+ \/ \(2 \* cols\);/)?.[0];
    const s = Number((0.9 + 0.01 * (i % 8)).toFixed(2));
    return line && i % 2 ? reply.diff([[line, `const r = ${s} / (2 * cols);`]]) : reply.code(packing(s, (i * 461) % 3600));
  };
}

test.describe("parent selection and crossover", () => {
  let mock: OpenAIMock;
  test.beforeAll(async () => {
    mock = await startOpenAIMock(script());
  });
  test.afterAll(async () => {
    await mock?.close();
  });

  test("a power-law run with crossover made in the form; the elite panel and lineage say how each parent was chosen", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await page.getByLabel("Domain", { exact: true }).selectOption({ label: "LLM code (task)" });

    const fields = page.getByTestId("parent-selection");
    await expect(page.getByLabel("Parent selection", { exact: true })).toHaveValue("uniform");
    await expect(page.getByLabel("Crossover rate")).toHaveValue("0");
    await page.getByLabel("Parent selection", { exact: true }).selectOption({ label: "Power law by rank" });
    await expect(fields).toContainText("best first");
    // Inline errors from the schema, named by field.
    await page.getByLabel("Exponent", { exact: true }).fill("0");
    await page.getByLabel("Crossover rate").fill("1.5");
    await page.getByLabel("Base URL").fill(mock.baseURL);
    await page.getByLabel("Model", { exact: true }).fill("mock-model");
    await page.getByLabel("API key (environment variable)").fill("");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("emitter.parentSelection.exponent must be > 0")).toBeVisible();
    await expect(page.getByText("emitter.crossoverRate must be between 0 and 1")).toBeVisible();
    await expect(page).toHaveURL(/\/experiments\/new$/);

    await page.getByLabel("Exponent", { exact: true }).fill("2");
    await page.getByLabel("Crossover rate").fill("0.5");
    await page.getByLabel("Evaluations", { exact: true }).fill("24");
    await page.getByLabel("Name", { exact: true }).fill("Circle packing · power law + crossover");
    await expect(page.getByText("highlighted field")).toHaveCount(0);
    await page.mouse.move(0, 0);
    await shootElement(page, fields, "form-parent-selection");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;
    await waitForStatus(request, id, "completed");

    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.config.emitter.parentSelection).toEqual({ policy: "power-law", exponent: 2 });
    expect(exp.config.emitter.crossoverRate).toBe(0.5);

    await expect(page.getByRole("list", { name: "Configuration" })).toContainText("parents: power-law");
    await expect(page.getByRole("list", { name: "Configuration" })).toContainText("crossover 50%");

    // An elite written by crossover: both parents, each with the rule that chose it.
    const archive = await (await request.get(`/api/experiments/${id}/archive`)).json();
    let found: { cell: number; solution: any } | null = null;
    for (let i = 0; i < archive.elites.cell.length && !found; i++) {
      const s = await (await request.get(`/api/solutions/${archive.elites.solutionId[i]}`)).json();
      if (s.operator === "llm-crossover") found = { cell: archive.elites.cell[i], solution: s };
    }
    expect(found, "an elite written by crossover").not.toBeNull();
    expect(found!.solution.parentIds).toHaveLength(2);
    await page.reload();
    await clickGridCell(page, found!.cell, [8, 8]);
    const elitePanel = page.getByRole("region", { name: "Elite", exact: true });
    await expect(elitePanel).toContainText("llm-crossover");
    await expect(page.getByTestId("elite-selection")).toHaveText("power-law · crossover of two cells");
    await expect(elitePanel.getByTestId("parent-choice")).toHaveCount(2);
    await expect(elitePanel.getByTestId("parent-choice").first()).toContainText(/chosen by power-law, p = [\d.]+%/);
    await expect(elitePanel).toContainText("(parent A)");
    await expect(elitePanel).toContainText("(parent B)");

    await elitePanel.getByRole("button", { name: "Show lineage" }).click();
    const lineage = page.getByRole("region", { name: "Lineage" });
    await expect(lineage.getByTestId("lineage-operator").first()).toHaveText("crossover");
    await expect(lineage.getByTestId("lineage-selection").first()).toHaveText("✕ power");
    // The lineage may cross over more than once: at least one parent B, with its policy.
    await expect(lineage.getByRole("button", { name: /^Crossover parent B .*chosen by power-law/ }).first()).toBeVisible();
    await page.mouse.move(0, 0);
    await shootElement(page, elitePanel, "elite-crossover");
    await shootElement(page, lineage, "lineage-crossover");
  });
});
