import { test, expect } from "@playwright/test";
import { reply, startOpenAIMock, type OpenAIMock } from "../tests/helpers/openai-mock";
import { packing } from "../tests/helpers/circle-programs";
import { shootElement, waitForStatus } from "./helpers";

/**
 * Duplicate rejection from the dashboard: the setting in the new-experiment form (embeddings mode
 * against the local mock server, which also serves /v1/embeddings), then the run's duplicate rate
 * per model in the budget panel and the "duplicate of …" list with its diff against the original.
 */

/** Every third answer repeats the answer two calls before it, with a comment and blank lines added. */
function repeatingScript() {
  const answers: string[] = [];
  return () => {
    const i = answers.length;
    const program = i % 3 === 2 ? `// same idea, tidied up\n${answers[i - 2]!.replace(/\n/g, "\n\n")}` : packing(Number((0.8 + 0.003 * i).toFixed(3)), (i * 137) % 900);
    answers.push(program);
    return reply.code(program, { promptTokens: 1000, completionTokens: 300 });
  };
}

test.describe("duplicate rejection", () => {
  let mock: OpenAIMock;
  test.beforeAll(async () => {
    mock = await startOpenAIMock(repeatingScript());
  });
  test.afterAll(async () => {
    await mock?.close();
  });

  test("the form's dedupe setting reaches the run; the dashboard shows duplicates per model and what each duplicates", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await page.getByLabel("Domain", { exact: true }).selectOption({ label: "LLM code (task)" });
    const dedupe = page.getByLabel("Duplicate rejection");
    await expect(dedupe).toHaveValue("minhash");
    await expect(page.getByLabel("Similarity threshold")).toHaveAttribute("placeholder", "0.9");
    await expect(page.getByTestId("dedupe-hint")).toContainText("token-shingle Jaccard");

    await page.getByLabel("Base URL").fill(mock.baseURL);
    await page.getByLabel("Model", { exact: true }).fill("mock-model");
    await page.getByLabel("API key (environment variable)").fill("");
    await page.getByLabel("Prompt price (USD / 1M tokens)").fill("2");
    await page.getByLabel("Completion price (USD / 1M tokens)").fill("8");
    await page.getByLabel("Evaluations").fill("24");
    await page.getByLabel("Name", { exact: true }).fill("Circle packing · dedupe");

    // Embeddings mode: its endpoint fields appear; a bad threshold is refused inline.
    await dedupe.selectOption({ label: "Exact + embeddings" });
    await expect(page.getByLabel("Similarity threshold")).toHaveAttribute("placeholder", "0.99");
    await page.getByLabel("Embeddings base URL").fill(mock.baseURL);
    await page.getByLabel("Embedding model").fill("mock-embedding");
    await page.getByLabel("Similarity threshold").fill("1.5");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("dedupe.threshold must be in (0, 1]")).toBeVisible();
    await expect(page).toHaveURL(/\/experiments\/new$/);
    await page.getByLabel("Similarity threshold").fill("0.999");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;

    await waitForStatus(request, id, "completed");
    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.config.emitter.dedupe).toMatchObject({ mode: "embeddings", threshold: 0.999, embeddings: { baseURL: mock.baseURL, model: "mock-embedding" } });
    expect(exp.evaluations).toBe(24);
    expect(exp.duplicates).toBeGreaterThan(0);
    expect(mock.embeddings.length).toBeGreaterThan(0);

    // The budget panel: the duplicate count and rate of mock-model.
    await page.reload();
    const budget = page.getByTestId("budget-panel");
    await expect(budget).toContainText("Duplicates rejected");
    const row = page.getByRole("table", { name: "By model" }).getByRole("row", { name: /mock-model/ });
    await expect(row.getByTestId("duplicate-rate")).toContainText(String(exp.duplicates));

    // The duplicates list: what each one duplicates; opened, its diff against the original.
    const panel = page.getByTestId("duplicates-panel");
    await expect(panel.getByTestId("duplicate")).toHaveCount(exp.duplicates);
    const first = panel.getByTestId("duplicate").first();
    await expect(first.getByTestId("duplicate-of")).toContainText(/duplicate of [0-9a-f]{8}/);
    await expect(first).toContainText("identical after normalisation");
    await first.locator("summary").click();
    await expect(first).toContainText("differences from the original");
    await expect(first).toContainText("same idea, tidied up");
    // The diff header names what it compares with: the original, not the duplicate's parent.
    await expect(first.getByTestId("diff-stats")).toContainText(/against the original it duplicates|Identical to the original it duplicates/);
    await expect(first.getByTestId("diff-stats")).not.toContainText("parent");
    await shootElement(page, page.getByRole("region", { name: "Duplicates rejected before evaluation" }), "duplicates-panel");
    await shootElement(page, budget, "budget-duplicates");
  });
});
