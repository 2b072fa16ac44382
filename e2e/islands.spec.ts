import { expect, test } from "@playwright/test";
import { clickGridCell, createRun, filledCells, shoot, waitForStatus } from "./helpers";
import { fmtNum } from "../components/lib/format";

/** An island run on a cheap sandboxed-JavaScript evaluator: the archive panel switches between the union and each island. */
const CODE = "function evaluate(x) { return { fitness: -(x[0] * x[0] + x[1] * x[1]), descriptors: [x[0], x[1]] }; }";

async function islandArchive(request: import("@playwright/test").APIRequestContext, id: string, island?: number) {
  const a = await (await request.get(`/api/experiments/${id}/archive${island === undefined ? "" : `?island=${island}`}`)).json();
  return a.elites as { cell: number[]; fitness: number[]; solutionId: string[] };
}

test("the archive panel shows the union or one island's archive", async ({ page, request }) => {
  const exp = await createRun(request, {
    name: "Islands · three islands, ring migration",
    domain: { type: "javascript", code: CODE, dim: 4, bounds: [-1, 1] },
    descriptors: [
      { name: "x0", min: -1, max: 1, bins: 12 },
      { name: "x1", min: -1, max: 1, bins: 12 },
    ],
    emitter: { type: "gaussian", sigma: 0.15 },
    batchSize: 10,
    budget: { evaluations: 300 },
    seed: 4,
    maxInFlight: 3,
    islands: { count: 3, migrationInterval: 60, migrants: 2, topology: "ring" },
  });
  await waitForStatus(request, exp.id, "completed");
  const union = await islandArchive(request, exp.id);
  const one = await islandArchive(request, exp.id, 1);
  expect(one.cell.length).toBeGreaterThan(0);
  expect(one.cell.length).toBeLessThan(union.cell.length);

  await page.goto(`/experiments/${exp.id}`);
  const picker = page.getByTestId("island-picker");
  await expect(picker).toBeVisible();
  await expect(page.getByTestId("island-migrations")).toHaveText(/^3 islands · 5 migrations · \d+ migrants kept$/);
  expect(await filledCells(page)).toBe(union.cell.length);

  // One island: its own cells, and its own elite in a cell.
  await page.getByLabel("Island", { exact: true }).selectOption("1");
  await expect(page.getByTestId("filled-cells")).toContainText("on island 1");
  await expect.poll(() => filledCells(page)).toBe(one.cell.length);
  // A cell whose elite on island 1 is not the union's (another island did better there), else its best.
  const unionAt = new Map(union.cell.map((c, i) => [c, union.fitness[i]!]));
  let pick = one.cell.findIndex((c, i) => unionAt.get(c)! > one.fitness[i]!);
  if (pick < 0) pick = one.fitness.indexOf(Math.max(...one.fitness));
  const cell = one.cell[pick]!;
  await clickGridCell(page, cell, [12, 12]);
  await expect(page.getByTestId("elite-fitness")).toHaveText(fmtNum(one.fitness[pick], 5));
  // The island's elite is the one shown: no "better elite" notice from the union's fitness.
  await expect(page.getByText("A better elite has landed")).toHaveCount(0);
  await page.mouse.move(0, 0);
  await shoot(page, "experiment-islands");

  // Back to the union.
  await page.getByLabel("Island", { exact: true }).selectOption("all");
  await expect(page.getByTestId("filled-cells")).not.toContainText("on island");
  await expect.poll(() => filledCells(page)).toBe(union.cell.length);
  await expect(page.getByTestId("elite-fitness")).toHaveText(fmtNum(unionAt.get(cell), 5));
});

test("the form starts an island run and says what is wrong with its island fields", async ({ page, request }) => {
  await page.goto("/experiments/new");
  await page.getByLabel("Name", { exact: true }).fill("Islands · from the form");
  await page.getByLabel("Evaluations", { exact: true }).fill("2000");
  await expect(page.getByLabel("Migration interval")).toBeDisabled();
  await page.getByLabel("Islands", { exact: true }).fill("0");
  await page.getByRole("button", { name: "Create and start" }).click();
  await expect(page.getByText("islands.count must be at least 1")).toBeVisible();
  await expect(page.getByLabel("Islands", { exact: true })).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Islands", { exact: true }).fill("2");
  await page.getByLabel("Migration interval").fill("500");
  await page.getByLabel("Migrants per island").fill("3");
  await page.getByLabel("Topology").selectOption("all");
  await page.getByLabel("Stagnation limit").fill("100000");
  await shoot(page, "new-experiment-islands");
  await page.getByRole("button", { name: "Create and start" }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}/);
  const id = page.url().split("/experiments/")[1]!.split(/[?#]/)[0]!;
  const exp = await (await request.get(`/api/experiments/${id}`)).json();
  expect(exp.config.islands).toEqual({ count: 2, migrationInterval: 500, migrants: 3, topology: "all", spawnOnStagnation: { evaluations: 100000, seedWith: "initial" } });
  await waitForStatus(request, id, "completed");
  await page.reload();
  await expect(page.getByTestId("island-migrations")).toHaveText(/^2 islands · 4 migrations · \d+ migrants kept$/);
});
