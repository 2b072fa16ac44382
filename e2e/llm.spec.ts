import { test, expect, type APIRequestContext, type Page } from "@playwright/test";
import { reply, startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../tests/helpers/openai-mock";
import { clickGridCell, shoot, shootElement, waitForStatus } from "./helpers";
import { packing } from "../tests/helpers/circle-programs";

/**
 * LLM runs from the dashboard, against a local OpenAI-compatible server started by this spec
 * (the workers call it): an llm-code circle-packing run configured in the form, its elites'
 * highlighted programs, diffs against their parents, prompts, replies, tokens and cost. Then a
 * JSON-genome run (the user's mutation) configured in the form, and the llm-text fields.
 */

const TOKENS = { promptTokens: 1500, completionTokens: 400 };
/** mock-model at $2 / $8 per 1M tokens (prices given in the form): 1500·2 + 400·8 = $0.0062 per call. */
const CALL_COST = (TOKENS.promptTokens * 2 + TOKENS.completionTokens * 8) / 1e6;

/** Rewrites and SEARCH/REPLACE diffs of the parent's radius line, like a model reading the prompt would. */
function script() {
  let n = 0;
  return (req: RecordedRequest) => {
    const i = n++;
    const s = Number((0.9 + 0.01 * (i % 10)).toFixed(2));
    const user = String(req.body.messages?.at(-1)?.content ?? "");
    const line = user.match(/const r = [\d.]+ \/ \(2 \* cols\);/)?.[0];
    if (i % 3 !== 2 && line) return reply.diff([[line, `const r = ${s} / (2 * cols);`]], TOKENS);
    return reply.code(packing(s, (i * 461) % 3600), TOKENS);
  };
}

async function chooseDomain(page: Page, label: string) {
  await page.getByLabel("Domain", { exact: true }).selectOption({ label });
}

/** A stored elite made by the LLM from a parent (the most interesting one to open), with its cell. */
async function llmElite(request: APIRequestContext, id: string, operator: RegExp) {
  const a = await (await request.get(`/api/experiments/${id}/archive`)).json();
  for (let i = 0; i < a.elites.cell.length; i++) {
    const s = await (await request.get(`/api/solutions/${a.elites.solutionId[i]}`)).json();
    if (operator.test(s.operator) && s.parentIds.length) return { cell: a.elites.cell[i] as number, solution: s };
  }
  return null;
}

test.describe("LLM runs", () => {
  let mock: OpenAIMock;
  test.beforeAll(async () => {
    mock = await startOpenAIMock(script());
  });
  test.afterAll(async () => {
    await mock?.close();
  });

  test("an llm-code circle-packing run made in the form: highlighted programs, diff vs parent, prompt and reply, tokens and cost", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await chooseDomain(page, "LLM code (task)");

    // The task, its objective and reference; the task's descriptor metrics; LLM defaults.
    await expect(page.getByLabel("Task", { exact: true })).toHaveValue("circle-packing");
    await expect(page.getByTestId("task-info")).toContainText("sum of the radii of the 26 circles");
    await expect(page.getByTestId("task-info")).toContainText("2.635");
    await expect(page.getByLabel("Descriptor 1 from metric")).toHaveValue("codeLength");
    await expect(page.getByLabel("Descriptor 2 from metric")).toHaveValue("minGap");
    await expect(page.getByTestId("archive-preview")).toHaveText("8 × 8 = 64 cells");
    await expect(page.getByLabel("Diff")).toBeChecked();
    await expect(page.getByLabel("Batch size")).toHaveValue("2");
    await expect(page.getByLabel("Evaluations")).toHaveValue("200");
    await expect(page.getByLabel("Cost cap (USD)")).toHaveValue("1");
    await expect(page.getByLabel("Provider", { exact: true })).toHaveValue("openai");
    await expect(page.getByLabel("API key (environment variable)")).toHaveValue("OPENAI_API_KEY");

    // Presets fill the base URL; a URL of your own shows as "Other".
    await page.getByLabel("Provider", { exact: true }).selectOption({ label: "Ollama (local)" });
    await expect(page.getByLabel("Base URL")).toHaveValue("http://127.0.0.1:11434/v1");
    await expect(page.getByLabel("API key (environment variable)")).toHaveValue("");

    // Inline errors from the schema: a bad URL, a key pasted instead of a variable name, a negative cap.
    await page.getByLabel("Base URL").fill("not a url");
    await page.getByLabel("API key (environment variable)").fill("sk-live-123");
    await page.getByLabel("Cost cap (USD)").fill("-1");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("baseURL must be an http(s) URL")).toBeVisible();
    await expect(page.getByText("apiKeyEnv must be the NAME of an environment variable")).toBeVisible();
    await expect(page.getByText("budget.costUsd must be positive")).toBeVisible();
    await expect(page).toHaveURL(/\/experiments\/new$/);

    // Point it at the mock server: a local server, no key; prices of our own for the cost.
    await page.getByLabel("Base URL").fill(mock.baseURL);
    await expect(page.getByLabel("Provider", { exact: true })).toHaveValue("custom");
    await page.getByLabel("Model", { exact: true }).fill("mock-model");
    await expect(page.getByTestId("price-hint")).toContainText('No list price known for "mock-model"');
    await page.getByLabel("API key (environment variable)").fill("");
    await page.getByLabel("Prompt price (USD / 1M tokens)").fill("2");
    await page.getByLabel("Completion price (USD / 1M tokens)").fill("8");
    await expect(page.getByTestId("price-hint")).toContainText("your prices for mock-model");
    await page.getByLabel("Cost cap (USD)").fill("1");
    await page.getByLabel("Evaluations").fill("30");
    await page.getByLabel("Name", { exact: true }).fill("Circle packing · mock LLM");
    await expect(page.getByText("highlighted field")).toHaveCount(0);
    await page.mouse.move(0, 0);
    await shoot(page, "new-experiment-llm");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;

    // It runs: cells fill, tokens and money are counted.
    await expect.poll(async () => Number(((await page.getByTestId("filled-cells").textContent()) ?? "0").split("/")[0]!.replace(/\D/g, "")), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    await waitForStatus(request, id, "completed");
    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.evaluations).toBe(30);
    expect(exp.usage.costUsd).toBeCloseTo(mock.completions.length * CALL_COST, 9);
    expect(exp.budget.costUsd).toBe(1);
    expect(mock.completions.length).toBeGreaterThan(20);
    expect(mock.completions.every((r) => r.body.model === "mock-model")).toBe(true);

    // The experiment page: model in the header, tokens and total cost against the cap.
    await expect(page.getByRole("list", { name: "Configuration" })).toContainText("llm · diff · mock-model");
    const cost = `$${exp.usage.costUsd.toFixed(4)}`;
    await expect(page.getByTestId("kpi-cost")).toHaveText(cost);
    await expect(page.getByTestId("kpi-cost-sub")).toContainText("of $1.00 cap");
    await expect(page.getByTestId("kpi-tokens-sub")).toHaveText(`${exp.usage.promptTokens.toLocaleString("en-US")} prompt · ${exp.usage.completionTokens.toLocaleString("en-US")} completion`);
    await expect(page.getByTestId("cost-curve")).toBeVisible();

    // An elite written by a diff: its program, highlighted.
    const found = (await llmElite(request, id, /^llm-diff$/)) ?? (await llmElite(request, id, /^llm-/));
    expect(found, "an elite made by the LLM from a parent").not.toBeNull();
    await clickGridCell(page, found!.cell, [8, 8]);
    const elitePanel = page.getByRole("region", { name: "Elite", exact: true });
    await expect(elitePanel).toContainText(found!.solution.operator);
    await expect(page.getByTestId("elite-tokens")).toHaveText("1,500 prompt · 400 completion");
    await expect(page.getByTestId("elite-cost")).toHaveText("$0.0062");
    await expect(elitePanel).toContainText("mock-model");
    const genome = page.locator("#genome");
    await expect(genome.getByTestId("genome-code")).toContainText("function pack()");
    await expect(genome.getByTestId("genome-code").locator(".hljs-keyword").first()).toBeVisible();
    await expect(genome.getByTestId("genome-code").locator(".hljs-number").first()).toBeVisible();

    // Diff against the parent: the radius line changed (a diff) or more (a rewrite).
    await genome.getByRole("tab", { name: "Diff vs parent" }).click();
    const diff = genome.getByTestId("genome-diff");
    await expect(diff.locator('tr[data-kind="add"]').first()).toContainText(/const r = [\d.]+ \/ \(2 \* cols\);|x{3}|pack/);
    await expect(diff.locator('tr[data-kind="del"]').first()).toBeVisible();
    await expect(diff.getByTestId("diff-stats")).toContainText(/\+\d+ lines? −\d+ lines? against the parent/);

    // The exchange with the model, folded until asked for.
    const prompt = genome.getByTestId("llm-prompt");
    await expect(prompt.locator("pre").first()).toBeHidden();
    await prompt.locator("summary").click();
    await expect(prompt).toContainText("system");
    await expect(prompt).toContainText("function pack()");
    await expect(prompt).toContainText("1,500 tokens");
    const replyFold = genome.getByTestId("llm-reply");
    await replyFold.locator("summary").click();
    await expect(replyFold).toContainText(/<<<<<<< SEARCH|Here is an improved version/);
    await expect(replyFold.locator("pre")).toContainText(String(found!.solution.reply).split("\n")[0]!);

    // Lineage back to the seed, each step with its operator.
    await elitePanel.getByRole("button", { name: "Show lineage" }).click();
    const lineage = page.getByRole("region", { name: "Lineage" });
    // The elite first, its oldest ancestor (the task's starter program) last.
    await expect(lineage.getByTestId("lineage-operator").first()).toHaveText(/^(diff|full)$/);
    await expect(lineage.getByTestId("lineage-operator").last()).toHaveText("seed");
    // An ancestor's program opens in the same view; then back to the elite.
    await lineage.getByRole("button", { name: /^Ancestor 1:/ }).click();
    await expect(page.getByRole("region", { name: /^Program of the ancestor/ }).getByTestId("genome-code")).toContainText("function pack()");
    await page.getByRole("button", { name: "Back to the elite" }).click();
    await expect(page.getByRole("region", { name: /^Program of the elite/ })).toBeVisible();

    // The diff and the highlighted program, each on its own screenshot (the view opened afresh: prompt and reply folded).
    await expect(prompt.locator("pre").first()).toBeHidden();
    await genome.getByRole("tab", { name: "Diff vs parent" }).click();
    await expect(genome.getByTestId("genome-diff")).toBeVisible();
    await page.mouse.move(0, 0);
    await shootElement(page, genome, "elite-diff");
    await genome.getByRole("tab", { name: "Program" }).click();
    await expect(genome.getByTestId("genome-code")).toBeVisible();
    await shootElement(page, genome, "elite-program");
    // The whole page, with the exchange unfolded.
    await prompt.locator("summary").click();
    await replyFold.locator("summary").click();
    await shoot(page, "experiment-llm");
  });

  test("a JSON-genome run: seeds and mutate(parent, rng) in the form, validated, created and run", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await chooseDomain(page, "JavaScript function");
    await page.getByLabel("JSON (your mutation)").check();
    await expect(page.getByLabel("Dimensions")).toHaveCount(0);
    await expect(page.getByLabel("mutate(parent, rng)", { exact: true })).toHaveValue(/function mutate\(parent, rng\)/);

    // Seeds that are not JSON, and an empty mutation: inline errors, nothing created.
    const seeds = page.getByLabel("Seeds (JSON array)");
    await seeds.fill("[[0, 0], [0.5,");
    await page.getByLabel("mutate(parent, rng)", { exact: true }).fill("");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText(/seeds are not valid JSON/)).toBeVisible();
    await expect(page.getByText("code must not be empty")).toBeVisible();
    await expect(seeds).toHaveAttribute("aria-invalid", "true");
    await seeds.fill("{}");
    await expect(page.getByText("domain.seeds must be an array")).toBeVisible();

    await seeds.fill("[[0, 0, 0], [0.5, -0.5, 0.25]]");
    await page.getByLabel("mutate(parent, rng)", { exact: true }).fill(`function mutate(parent, rng) {
  const child = parent.slice();
  if (rng.random() < 0.2 && child.length < 8) child.push(rng.uniform(-1, 1));
  const i = rng.int(child.length);
  child[i] = Math.max(-1, Math.min(1, child[i] + rng.normal(0, 0.3)));
  return child;
}`);
    await page.getByLabel("Name", { exact: true }).fill("JSON genomes · variable-length arrays");
    await page.getByLabel("Evaluations").fill("400");
    await expect(page.getByText("highlighted field")).toHaveCount(0);
    await page.mouse.move(0, 0);
    await shoot(page, "new-experiment-json");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;
    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.config.emitter).toMatchObject({ type: "javascript-mutation" });
    expect(exp.config.domain.seeds).toEqual([[0, 0, 0], [0.5, -0.5, 0.25]]);
    await waitForStatus(request, id, "completed");

    // An elite's genome is JSON, pretty-printed.
    const a = await (await request.get(`/api/experiments/${id}/archive`)).json();
    expect(a.elites.cell.length).toBeGreaterThan(3);
    await clickGridCell(page, a.elites.cell[0], [20, 20]);
    await expect(page.locator("#genome").getByTestId("genome-code")).toContainText(/\[\s+-?\d/);
    await expect(page.getByRole("region", { name: "Elite", exact: true })).toContainText("javascript-mutation");
    await expect(page.getByRole("region", { name: /^Genome \(JSON\) of the elite/ })).toBeVisible();
    await page.mouse.move(0, 0);
    await shoot(page, "experiment-json");
  });

  test("llm-text: description, seed texts and a rubric per descriptor", async ({ page }) => {
    await page.goto("/experiments/new");
    await chooseDomain(page, "LLM text");
    await expect(page.getByLabel("Description", { exact: true })).toHaveValue(/poem about the sea/);
    await expect(page.getByLabel("Seed text 1", { exact: true })).toHaveValue(/\S/);
    await expect(page.getByLabel("Descriptor 1 rubric", { exact: true })).toHaveValue("0 = melancholic … 1 = joyful");
    await expect(page.getByLabel("Full rewrite")).toBeChecked();
    await expect(page.getByTestId("archive-preview")).toHaveText("5 × 5 = 25 cells");
    await page.getByLabel("Descriptor 2 rubric", { exact: true }).fill("");
    await page.getByRole("button", { name: "Remove seed text 2" }).click();
    await page.getByLabel("Seed text 1", { exact: true }).fill("");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText('descriptor "imagery" of an llm-text experiment needs a rubric')).toBeVisible();
    await expect(page.getByText("each seed text must not be empty")).toBeVisible();
    await expect(page.getByLabel("Descriptor 2 rubric", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await page.mouse.move(0, 0);
    await shoot(page, "new-experiment-llm-text-errors");
  });
});
