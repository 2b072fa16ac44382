import { test, expect } from "@playwright/test";
import { reply, startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../tests/helpers/openai-mock";
import { waitForStatus } from "./helpers";

/**
 * "Your program" from the form: the Python example with its OpenEvolve evaluator (pasted in the
 * form), evolved against a local OpenAI-compatible server; the elite's program is highlighted as
 * Python, the cascade and a traceback show on the experiment page.
 */
const BETTER = `def search(iterations=2000, bounds=(-5.12, 5.12)):
    """A coarse grid, then a local search around the best grid point."""
    lo, hi = bounds
    best = None
    for i in range(41):
        for j in range(41):
            x, y = lo + (hi - lo) * i / 40, lo + (hi - lo) * j / 40
            value = objective(x, y)
            if best is None or value < best[2]:
                best = (x, y, value)
    return best`;

function script() {
  let n = 0;
  return (req: RecordedRequest) => {
    const user = String(req.body.messages?.at(-1)?.content ?? "");
    const parent = user.match(/# Parent program\n[\s\S]*?```python\n([\s\S]*?)\n```/)?.[1] ?? "";
    const block = (body: string) => parent.replace(/(# EVOLVE-BLOCK-START\n)[\s\S]*?(# EVOLVE-BLOCK-END)/, (_m, a: string, b: string) => `${a}${body}\n${b}`);
    return n++ % 2 === 0 ? reply.code(block(BETTER), { lang: "python" }) : reply.code(block("def search(iterations=2000, bounds=(-5.12, 5.12)):\n    return missing_helper()"), { lang: "python" });
  };
}

test.describe("your own program", () => {
  let mock: OpenAIMock;
  test.beforeAll(async () => {
    mock = await startOpenAIMock(script());
  });
  test.afterAll(async () => {
    await mock?.close();
  });

  test("the Python example made in the form runs: highlighted Python, failures with their traceback", async ({ page, request }) => {
    test.setTimeout(240_000);
    await page.goto("/experiments/new");
    await page.getByLabel("Domain", { exact: true }).selectOption({ label: "Your program (LLM, any language)" });
    await expect(page.getByLabel("Language")).toHaveValue("python");
    await expect(page.getByLabel("Evaluator", { exact: true })).toHaveValue("openevolve-source");
    // The initial program and the evaluator are highlighted as Python as you type.
    await expect(page.getByTestId("code-editor-highlight").first().locator(".hljs-keyword").first()).toBeVisible();
    await expect(page.getByLabel("Descriptor 1 from metric")).toHaveValue("codeLength");
    await expect(page.getByLabel("Diff")).toBeChecked();
    // No range to guess: code length follows the values seen.
    await page.getByLabel("Descriptor 1 auto range").check();
    await expect(page.getByLabel("Descriptor 1 min")).toBeDisabled();
    await page.getByLabel("System message").fill("You write terse Python.");

    await page.getByLabel("Base URL").fill(mock.baseURL);
    await page.getByLabel("Model", { exact: true }).fill("mock-model");
    await page.getByLabel("API key (environment variable)").fill("");
    await page.getByLabel("Evaluations").fill("6");
    await page.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/, { timeout: 60_000 });
    const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;
    await waitForStatus(request, id, "completed", 180_000);

    // The failed child: its NameError from the evaluator, with the traceback in its logs.
    await page.reload();
    await expect(page.getByTestId("failure-reason").first()).toContainText("NameError: name 'missing_helper' is not defined");

    // The best elite's program, highlighted as Python.
    const a = await (await request.get(`/api/experiments/${id}/archive`)).json();
    let best = 0;
    for (let i = 1; i < a.elites.cell.length; i++) if (a.elites.fitness[i] > a.elites.fitness[best]) best = i;
    await page.goto(`/experiments/${id}?cell=${a.elites.cell[best]}`);
    const code = page.getByTestId("genome-code");
    await expect(code).toContainText("A coarse grid");
    await expect(code.locator("code.language-python .hljs-keyword").first()).toHaveText(/import|def|for|return/);

    // The auto range now covers the programs' lengths (the placeholder was [0, 1]).
    const exp = await (await request.get(`/api/experiments/${id}`)).json();
    expect(exp.descriptors[0].max).toBeGreaterThan(100);

    // Cloning the run pre-fills the program fields and keeps the auto range.
    await page.goto(`/experiments/new?from=${id}`);
    await expect(page.getByLabel("Language")).toHaveValue("python");
    await expect(page.getByLabel("Evaluator", { exact: true })).toHaveValue("openevolve-source");
    await expect(page.getByLabel("Descriptor 1 auto range")).toBeChecked();
    await expect(page.getByLabel("System message")).toHaveValue("You write terse Python.");
    await expect(page.getByTestId("code-editor-highlight").first()).toContainText("EVOLVE-BLOCK-START");
  });
});
