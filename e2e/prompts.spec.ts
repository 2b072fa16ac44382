import { test, expect } from "@playwright/test";
import { reply, startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../tests/helpers/openai-mock";
import { packing } from "../tests/helpers/circle-programs";
import { waitForStatus } from "./helpers";

/**
 * Evolving prompts from the dashboard: the form's checkbox reaches the run; the run page lists the
 * prompt variants with their children and gain, and a variant opens to its text and the meta-prompt
 * that wrote it. The local mock answers meta-prompts with a rewritten system message.
 */
function script() {
  let programs = 0;
  let rewrites = 0;
  return (req: RecordedRequest) => {
    const text = JSON.stringify(req.body.messages);
    if (text.includes("# Current system message (variant")) return reply.text(`\`\`\`text\nYou are a careful geometer. Rewrite ${++rewrites}.\n\`\`\``);
    const i = programs++;
    return reply.code(packing(Number((0.8 + 0.004 * i).toFixed(3)), (i * 131) % 800), { promptTokens: 800, completionTokens: 200 });
  };
}

test.describe("evolving prompts", () => {
  let mock: OpenAIMock;
  test.beforeAll(async () => {
    mock = await startOpenAIMock(script());
  });
  test.afterAll(async () => {
    await mock?.close();
  });

  test("the form turns it on; the run page lists the variants and opens one", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await page.getByLabel("Domain", { exact: true }).selectOption({ label: "LLM code (task)" });
    await page.getByLabel("Base URL").fill(mock.baseURL);
    await page.getByLabel("Model", { exact: true }).fill("mock-model");
    await page.getByLabel("API key (environment variable)").fill("");
    await page.getByLabel("Evaluations").fill("24");
    await page.getByLabel("Name", { exact: true }).fill("Circle packing · evolving prompts");
    await expect(page.getByLabel("Rewrite rate")).toHaveCount(0);
    await page.getByLabel("Evolve the system prompt").check();
    await page.getByLabel("Rewrite rate").fill("1");
    await page.getByLabel("Most variants").fill("3");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;

    await waitForStatus(request, id, "completed");
    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.config.emitter.prompts).toMatchObject({ evolve: true, mutationRate: 1, maxVariants: 3 });
    const report = await (await request.get(`/api/experiments/${id}/prompts`)).json();
    expect(report.variants.length).toBeGreaterThan(1);

    await page.reload();
    const panel = page.getByTestId("prompts-panel");
    const table = panel.getByRole("table", { name: "Prompt variants" });
    await expect(table.getByRole("row")).toHaveCount(1 + report.variants.length);
    const row = (v: number) => table.getByRole("row").filter({ has: page.getByRole("button", { name: `#${v}`, exact: true }) });
    await expect(row(0)).toContainText("evolutionary search");
    const v1 = report.variants[1];
    await expect(row(1)).toContainText(`from #${v1.parentVariant}`);
    await expect(row(1)).toContainText(String(v1.pulls));
    await table.getByRole("button", { name: "#1", exact: true }).click();
    const detail = page.getByTestId("prompt-variant");
    await expect(detail).toContainText("You are a careful geometer.");
    await expect(detail).toContainText(`rewritten from #${v1.parentVariant}`);
    await detail.getByText("The meta-prompt and reply that wrote it").click();
    await expect(detail).toContainText(`# Current system message (variant ${v1.parentVariant})`);
    await panel.scrollIntoViewIfNeeded();
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(150);
      await panel.screenshot({ path: `e2e/screenshots/prompts-panel-${scheme}.png` });
    }
  });
});
