import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";

export interface Exp {
  id: string;
  status: string;
  evaluations: number;
}

/** Creates (and starts) an experiment over the API. */
export async function createRun(request: APIRequestContext, body: Record<string, unknown>): Promise<Exp> {
  const res = await request.post("/api/experiments", { data: { start: true, ...body } });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

export async function waitForStatus(request: APIRequestContext, id: string, status: string, timeout = 300_000) {
  await expect
    .poll(async () => (await (await request.get(`/api/experiments/${id}`)).json()).status, { timeout, intervals: [250, 500, 1000] })
    .toBe(status);
}

export const sphere = (name: string, evaluations: number, extra: Record<string, unknown> = {}) => ({
  name,
  domain: { type: "sphere", dim: 20 },
  emitter: { type: "iso-line", isoSigma: 0.01, lineSigma: 0.2 },
  batchSize: 100,
  budget: { evaluations },
  seed: 7,
  ...extra,
});

/** The number shown as "N / M cells filled". */
export async function filledCells(page: Page): Promise<number> {
  const text = (await page.getByTestId("filled-cells").textContent()) ?? "";
  return Number(text.split("/")[0]!.replace(/[^0-9]/g, ""));
}

/**
 * Clicks a grid cell on the canvas (2-D grid, first descriptor on x).
 * Cell index is row-major: cell = i0 * bins1 + i1.
 */
export async function clickGridCell(page: Page, cell: number, bins: [number, number]) {
  const canvas = page.getByTestId("elite-grid-canvas");
  const box = (await canvas.boundingBox())!;
  const i0 = Math.floor(cell / bins[1]);
  const i1 = cell % bins[1];
  const x = ((i0 + 0.5) / bins[0]) * box.width;
  const y = box.height - ((i1 + 0.5) / bins[1]) * box.height;
  await canvas.click({ position: { x, y } });
}

/** The filled cell with the best fitness, from the archive API. */
export async function bestCell(request: APIRequestContext, id: string): Promise<{ cell: number; fitness: number }> {
  const a = await (await request.get(`/api/experiments/${id}/archive`)).json();
  let best = -1;
  for (let i = 0; i < a.elites.cell.length; i++) if (best < 0 || a.elites.fitness[i] > a.elites.fitness[best]) best = i;
  return { cell: a.elites.cell[best], fitness: a.elites.fitness[best] };
}

export async function shoot(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `e2e/screenshots/${name}-${scheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** One element, scrolled into view, in light and dark (e2e/screenshots/<name>-light|dark.png). */
export async function shootElement(page: Page, element: Locator, name: string) {
  await element.scrollIntoViewIfNeeded();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    await element.screenshot({ path: `e2e/screenshots/${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: "light" });
}
