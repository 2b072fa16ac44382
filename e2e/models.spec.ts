import { test, expect } from "@playwright/test";
import { startOpenAIMock, type OpenAIMock } from "../tests/helpers/openai-mock";
import { standinScript, standinTask } from "../tests/helpers/standin-model";
import { createRun, shoot, shootElement, waitForStatus } from "./helpers";

/**
 * Model ensembles and the best-of-N baseline from the dashboard, against local OpenAI-compatible
 * servers answering as the deterministic stand-in model (tests/helpers/standin-model.ts): an
 * ensemble of two models on two servers with a bandit, configured in the form, and its Models
 * panel; then a best-of-N run overlaid on an evolutionary one on the compare page.
 */

const tag = Date.now().toString(36).slice(-4);

test.describe("model ensembles and best-of-N", () => {
  let cheap: OpenAIMock;
  let dear: OpenAIMock;
  test.beforeAll(async () => {
    cheap = await startOpenAIMock(standinScript({ cheap: { improveRate: 0.5 } }, { seed: 7 }));
    dear = await startOpenAIMock(standinScript({ dear: { improveRate: 0.5 } }, { seed: 8 }));
  });
  test.afterAll(async () => {
    await cheap?.close();
    await dear?.close();
  });

  test("an ensemble on two servers with a Thompson bandit, made in the form; the Models panel shows the shift", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await page.getByLabel("Domain", { exact: true }).selectOption({ label: "JavaScript function" });
    await page.getByLabel("Text (LLM)").check();
    await page.getByLabel("evaluate(genome)", { exact: true }).fill(standinTask.evaluatorCode);
    await page.getByLabel("Description", { exact: true }).fill(standinTask.description);
    await page.getByLabel("Seed text 1", { exact: true }).fill(standinTask.seeds[0]!);
    for (const [i, d] of standinTask.descriptors.entries()) {
      await page.getByLabel(`Descriptor ${i + 1} name`).fill(d.name);
      await page.getByLabel(`Descriptor ${i + 1} from metric`).fill("");
      await page.getByLabel(`Descriptor ${i + 1} min`).fill(String(d.min));
      await page.getByLabel(`Descriptor ${i + 1} max`).fill(String(d.max));
      await page.getByLabel(`Descriptor ${i + 1} bins`).fill(String(d.bins));
    }

    // The main model on one server, a second model on another, each with its prices.
    await page.getByLabel("Base URL", { exact: true }).fill(cheap.baseURL);
    await page.getByLabel("Model", { exact: true }).fill("cheap");
    await page.getByLabel("API key (environment variable)").fill("");
    await page.getByLabel("Prompt price (USD / 1M tokens)").fill("1");
    await page.getByLabel("Completion price (USD / 1M tokens)").fill("1");
    await expect(page.getByRole("radiogroup", { name: "Model choice" })).toHaveCount(0);
    await expect(page.getByText("Model choice")).toHaveCount(0);
    await page.getByRole("button", { name: "+ Add a model" }).click();
    // A repeated name is refused inline.
    await page.getByLabel("Model 2", { exact: true }).fill("cheap");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText('models[1].model "cheap" repeats models[0]')).toBeVisible();
    await page.getByLabel("Model 2", { exact: true }).fill("dear");
    await page.getByLabel("Base URL of model 2").fill(dear.baseURL);
    await page.getByLabel("Prompt price of model 2").fill("20");
    await page.getByLabel("Completion price of model 2").fill("20");
    await page.getByLabel("Thompson sampling").check();
    await expect(page.getByLabel("Weight of model 2")).toBeDisabled();
    await expect(page.getByRole("radio", { name: /^Evolve/ })).toBeChecked();
    // The stand-in answers whole programs.
    await page.getByLabel("Full rewrite").check();
    await page.getByLabel("Batch size").fill("4");
    await page.getByLabel("Evaluations").fill("60");
    await page.getByLabel("Name", { exact: true }).fill(`Ensemble · Thompson (${tag})`);
    await expect(page.getByText("highlighted field")).toHaveCount(0);
    await page.mouse.move(0, 0);
    await shoot(page, "new-experiment-ensemble");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;

    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.config.emitter).toMatchObject({
      modelSelection: "thompson",
      strategy: "evolve",
      models: [{ model: "cheap" }, { model: "dear", baseURL: dear.baseURL }],
      prices: { cheap: { prompt: 1, completion: 1 }, dear: { prompt: 20, completion: 20 } },
    });
    await waitForStatus(request, id, "completed");
    expect(cheap.completions.every((r) => r.body.model === "cheap")).toBe(true);
    expect(dear.completions.every((r) => r.body.model === "dear")).toBe(true);
    expect(dear.completions.length).toBeGreaterThan(0);

    // The Models panel: one row per model with its calls, and the per-model curves.
    await page.reload();
    const panel = page.getByRole("region", { name: "Models" });
    await expect(panel).toContainText("Thompson-sampling bandit");
    const table = panel.getByRole("table", { name: "Models" });
    await expect(table.getByRole("row")).toHaveCount(3);
    const rowOf = (m: string) => table.getByRole("row").filter({ hasText: m });
    await expect(rowOf("cheap")).toContainText(String(cheap.completions.length));
    await expect(rowOf("dear")).toContainText(new URL(dear.baseURL).host);
    await expect(rowOf("dear")).toContainText(String(dear.completions.length));
    expect(cheap.completions.length).toBeGreaterThan(dear.completions.length);
    await expect(panel.getByRole("img", { name: "Share of calls per model chart" }).locator("path[stroke]")).toHaveCount(2);
    await panel.getByRole("radiogroup", { name: "Per-model curve" }).getByText("Archive gain").click();
    await expect(panel.getByRole("img", { name: "Archive gain per model chart" })).toBeVisible();
    await page.mouse.move(0, 0);
    await shootElement(page, panel, "models-panel");
  });

  test("best-of-N beside evolution on the compare page: badge, verdict at equal evaluations, cost curve", async ({ page, request }) => {
    const run = (name: string, strategy: string) =>
      createRun(request, {
        name,
        domain: { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds, description: standinTask.description },
        descriptors: standinTask.descriptors,
        emitter: { type: "llm", baseURL: cheap.baseURL, model: "cheap", mode: "full", strategy, prices: { cheap: { prompt: 1, completion: 1 } } },
        batchSize: 4,
        budget: { evaluations: 60 },
        seed: 3,
      });
    const evolve = await run(`Stand-in · evolution (${tag})`, "evolve");
    const bon = await run(`Stand-in · best-of-N (${tag})`, "best-of-n");
    await waitForStatus(request, evolve.id, "completed");
    await waitForStatus(request, bon.id, "completed");

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/compare?ids=${evolve.id},${bon.id}`);
    const legend = page.getByRole("list", { name: "Legend" });
    await expect(legend.getByText(`Stand-in · best-of-N (${tag})`)).toBeVisible();
    await expect(legend.getByText("best-of-N", { exact: true })).toHaveCount(1);
    const verdict = page.getByTestId("baseline-verdict");
    await expect(verdict).toContainText(/Evolution (beats|does not beat) best-of-N at 60 evaluations/);
    const table = verdict.getByRole("table", { name: "Evolution against best-of-N at equal evaluations" });
    for (const row of ["Best fitness", "QD-score", "Cost"]) await expect(table.getByRole("row", { name: new RegExp(`^${row}`) })).toBeVisible();
    await expect(page.getByRole("img", { name: "Cost (USD) chart" }).locator("path[stroke]")).toHaveCount(2);
    // The baseline is marked in the run picker too.
    await expect(page.getByRole("list", { name: "Runs" }).getByRole("listitem").filter({ hasText: `Stand-in · best-of-N (${tag})` })).toContainText("best-of-N");
    await page.mouse.move(0, 0);
    await shoot(page, "compare-best-of-n");
  });
});
