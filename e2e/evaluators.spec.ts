import { test, expect, type Page } from "@playwright/test";
import { bestCell, clickGridCell, shoot, waitForStatus } from "./helpers";

/** Bring-your-own evaluator from the dashboard: JavaScript written in the form, and a command that cannot run. */

// Throws for about a quarter of the candidates, logs a line for each, reports two metrics.
const CODE = `// Throws for some genomes, so the run shows failures.
function evaluate(genome) {
  console.log("x0 = " + genome[0].toFixed(3));
  if (genome[0] > 0.5) throw new Error("genome[0] too large: " + genome[0].toFixed(2));
  const n = genome.length;
  const mean = genome.reduce((s, x) => s + x, 0) / n;
  const spread = Math.max(...genome) - Math.min(...genome);
  let error = 0;
  for (let i = 0; i < n; i++) error += (genome[i] - Math.sin(i)) ** 2;
  if (genome[1] < -0.7) return { fitness: NaN }; // a second kind of failure
  console.log("mean " + mean.toFixed(3) + " spread " + spread.toFixed(3));
  return { fitness: -error, descriptors: [mean], metrics: { spread, error } };
}
`;

async function chooseDomain(page: Page, label: string) {
  await page.getByLabel("Domain", { exact: true }).selectOption({ label });
}

test.describe("user evaluators", () => {
  test("a JavaScript evaluator written in the form: failures with reasons, metrics, an elite's metrics and logs", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await chooseDomain(page, "JavaScript function");

    const editor = page.getByLabel("evaluate(genome)");
    await expect(editor).toHaveValue(/function evaluate\(genome\)/);
    await expect(page.getByLabel("Gene lower bound")).toHaveValue("-1");
    await expect(page.getByLabel("Descriptor 2 from metric")).toHaveValue("spread");
    await shoot(page, "new-experiment-javascript");

    // Tab indents inside the editor instead of leaving it; Shift+Tab dedents.
    await editor.fill("function evaluate(genome) {");
    await editor.press("End");
    await editor.press("Enter");
    await expect(editor).toHaveValue("function evaluate(genome) {\n  ");
    await editor.press("Tab");
    await expect(editor).toHaveValue("function evaluate(genome) {\n    ");
    await expect(editor).toBeFocused();
    await editor.press("Shift+Tab");
    await expect(editor).toHaveValue("function evaluate(genome) {\n  ");
    await expect(page.getByTestId("code-editor-gutter")).toHaveText(/1\s*2/);

    // Inline validation with the API's schema.
    await editor.fill("");
    await page.getByLabel("Descriptor 2 from metric").fill("   ");
    await page.getByLabel("Timeout (ms)").fill("0");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("code must not be empty")).toBeVisible();
    await expect(page.getByText("metric must not be empty")).toHaveCount(0); // blank = read descriptors[1]
    await expect(editor).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Timeout (ms)")).toHaveAttribute("aria-invalid", "true");

    await editor.fill(CODE);
    await page.getByLabel("Timeout (ms)").fill("2000");
    await page.getByLabel("Name", { exact: true }).fill("JavaScript evaluator · throws for x0 > 0.5");
    await page.getByLabel("Descriptor 2 from metric").fill("spread");
    await page.getByLabel("Evaluations").fill("1500");
    await page.getByLabel("Batch size").fill("20");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;

    // Watch it run: failures appear in the panel and next to the evaluations.
    const failures = page.getByRole("region", { name: "Failures" });
    await expect(failures.getByTestId("failure-reason").filter({ hasText: /genome\[0\] too large: (0\.[5-9]|1\.00)/ }).first()).toBeVisible();
    await expect(page.getByTestId("failed-evaluations")).toContainText(/[1-9][\d,]* failed/);
    await waitForStatus(request, id, "completed");
    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.failedEvaluations).toBeGreaterThan(0);
    await expect(page.getByTestId("failed-evaluations")).toHaveText(`${exp.failedEvaluations.toLocaleString("en-US")} failed`);
    await expect(failures).toContainText(`${exp.failedEvaluations.toLocaleString("en-US")} of 1,500 evaluations failed`);
    // Logs of a failed candidate.
    await failures.getByTestId("failure").first().getByText(/^Logs/).click();
    await expect(failures.getByTestId("failure").first().locator("pre")).toContainText(/x0 = -?\d\.\d{3}/);
    await expect(failures.getByTestId("failure-reason").filter({ hasText: /fitness.*NaN|NaN.*fitness/ }).first()).toBeVisible();
    await expect(failures.getByRole("list", { name: "Reasons" })).toBeVisible();

    // Metrics produced so far, and which descriptor reads one.
    const metrics = page.getByRole("region", { name: "Metrics produced" });
    await expect(metrics.getByTestId("metric-keys")).toContainText("spread");
    await expect(metrics.getByTestId("metric-keys")).toContainText("error");
    await expect(metrics).toContainText("descriptor: spread");
    await expect(metrics).toContainText(`From ${(1500 - exp.failedEvaluations).toLocaleString("en-US")} evaluated candidates`);

    // Open the best elite: its metrics, logs and evaluation time.
    const best = await bestCell(request, id);
    await clickGridCell(page, best.cell, [20, 20]);
    await expect(page.getByTestId("elite-fitness")).not.toHaveText("—");
    const em = page.getByTestId("elite-metrics");
    await expect(em).toContainText("spread");
    await expect(em).toContainText("error");
    await expect(page.getByTestId("elite-logs")).toContainText(/x0 = -?\d\.\d{3}\s+mean -?\d\.\d{3} spread \d\.\d{3}/);
    await expect(page.getByRole("region", { name: "Elite", exact: true })).toContainText(/evaluation\s*[\d.]+ (ms|s)/);
    await page.mouse.move(0, 0);
    await shoot(page, "experiment-javascript");
  });

  test("a command that does not exist: the run pauses with the reason shown", async ({ page, request }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/experiments/new");
    await chooseDomain(page, "Command (any language)");
    await expect(page.getByLabel("Command", { exact: true })).toHaveValue("python3 examples/python/eval_sphere.py");
    await expect(page.getByLabel("Descriptor 1 from metric")).toHaveValue("");
    await page.getByLabel("Command", { exact: true }).fill("");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("command must not be empty")).toBeVisible();
    await page.getByLabel("Command", { exact: true }).fill("definitely-not-an-installed-command --flag");
    await page.getByLabel("Batch mode").check();
    await page.getByLabel("Name", { exact: true }).fill("Command that does not exist");
    await page.getByLabel("Evaluations").fill("1000");
    // Candidates evaluated at once: validated like the API does, stored as evaluation.concurrency.
    const atOnce = page.getByLabel("Candidates at once");
    await expect(atOnce).toHaveValue("");
    await atOnce.fill("0");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page.getByText("evaluation.concurrency must be at least 1")).toBeVisible();
    await expect(atOnce).toHaveAttribute("aria-invalid", "true");
    await atOnce.fill("12");
    await shoot(page, "new-experiment-command");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;
    expect((await (await request.get(`/api/experiments/${id}`)).json()).config.evaluation).toEqual({ concurrency: 12 });
    await waitForStatus(request, id, "paused");

    const banner = page.getByTestId("status-reason");
    await expect(banner).toBeVisible();
    await expect(banner).toContainText("The run was paused: every candidate failed so far");
    await expect(banner).toContainText(/not found|ENOENT/i);
    await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
    const failures = page.getByRole("region", { name: "Failures" });
    await expect(failures.getByTestId("failure-reason").first()).toContainText(/not found|ENOENT/i);
    await expect(page.getByTestId("failed-evaluations")).toBeVisible();
    await expect(page.getByRole("region", { name: "Metrics produced" }).getByTestId("metrics-empty")).toBeVisible();
    await page.mouse.move(0, 0);
    await shoot(page, "experiment-command-paused");
  });
});
