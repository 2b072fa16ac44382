import { test, expect } from "@playwright/test";
import { createRun, shoot } from "./helpers";

test("a 3-D archive (filled over ask/tell): choose axes, fold the third or slice through it", async ({ page, request }) => {
  const run = await createRun(request, {
    name: "External 3-D (ask/tell)",
    domain: { type: "external", dim: 3, bounds: [-1, 1] },
    descriptors: [
      { name: "alpha", min: -1, max: 1, bins: 12 },
      { name: "beta", min: -1, max: 1, bins: 12 },
      { name: "gamma", min: -1, max: 1, bins: 6 },
    ],
    emitter: { type: "gaussian", sigma: 0.3 },
    budget: { evaluations: 3000 },
    seed: 5,
  });
  for (let round = 0; round < 6; round++) {
    const asked = await (await request.post(`/api/experiments/${run.id}/ask`, { data: { count: 500 } })).json();
    if (!asked.candidates?.length) break;
    const results = asked.candidates.map((c: { id: string; genome: number[] }) => ({
      candidateId: c.id,
      fitness: 3 - c.genome.reduce((s, x) => s + x * x, 0),
      descriptors: c.genome,
    }));
    const told = await request.post(`/api/experiments/${run.id}/tell`, { data: { results } });
    expect(told.status(), await told.text()).toBeLessThan(300);
  }

  await page.goto(`/experiments/${run.id}`);
  await expect(page.getByTestId("elite-grid-canvas")).toHaveAttribute("data-filled", /[1-9]/);
  await expect(page.getByText("alpha  [-1, 1]")).toBeVisible();
  await expect(page.getByText("beta  [-1, 1]")).toBeVisible();
  await expect(page.getByText("Each square shows the best elite over the other descriptors.")).toBeVisible();

  // Put gamma on the y axis.
  await page.getByLabel("Y axis").selectOption({ label: "gamma" });
  await expect(page.getByText("gamma  [-1, 1]")).toBeVisible();
  await page.getByLabel("Y axis").selectOption({ label: "beta" });

  // Slice through gamma.
  await page.getByRole("radio", { name: "slice", exact: true }).check();
  await expect(page.getByText("Showing one slice through the other descriptors.")).toBeVisible();
  const slider = page.getByLabel("gamma bin");
  await slider.fill("3");
  await expect(slider).toHaveValue("3");
  await shoot(page, "experiment-3d-slice");
  await page.getByRole("radio", { name: "best over them", exact: true }).check();
  await shoot(page, "experiment-3d-fold");
});

test("a CVT archive with three descriptors: a 3-D scatter that turns by drag and keys, and picks an elite", async ({ page, request }) => {
  const run = await createRun(request, {
    name: "External CVT 3-D (ask/tell)",
    domain: { type: "external", dim: 3, bounds: [-1, 1] },
    descriptors: [
      { name: "alpha", min: -1, max: 1, bins: 1 },
      { name: "beta", min: -1, max: 1, bins: 1 },
      { name: "gamma", min: -1, max: 1, bins: 1 },
    ],
    archive: { type: "cvt", cells: 400 },
    emitter: { type: "gaussian", sigma: 0.3 },
    budget: { evaluations: 2000 },
    seed: 9,
  });
  for (let round = 0; round < 4; round++) {
    const asked = await (await request.post(`/api/experiments/${run.id}/ask`, { data: { count: 500 } })).json();
    if (!asked.candidates?.length) break;
    const results = asked.candidates.map((c: { id: string; genome: number[] }) => ({
      candidateId: c.id,
      fitness: 3 - c.genome.reduce((s, x) => s + x * x, 0),
      descriptors: c.genome,
    }));
    const told = await request.post(`/api/experiments/${run.id}/tell`, { data: { results } });
    expect(told.status(), await told.text()).toBeLessThan(300);
  }

  await page.goto(`/experiments/${run.id}`);
  const scatter = page.getByTestId("scatter-3d");
  await expect(scatter).toHaveAttribute("data-points", /^[1-9]\d+$/);
  await expect(page.getByRole("img", { name: /^3-D scatter of [1-9][\d,]* elites over alpha, beta, gamma/ })).toBeVisible();
  await scatter.scrollIntoViewIfNeeded();
  await shoot(page, "experiment-cvt-3d");

  // Drag to turn.
  const yaw0 = Number(await scatter.getAttribute("data-yaw"));
  const box = (await scatter.boundingBox())!;
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x + 160, box.y + 60, { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => Number(await scatter.getAttribute("data-yaw"))).toBeGreaterThan(yaw0 + 0.5);

  // Keys: Home resets, an arrow turns by a step, Enter picks the elite nearest the centre.
  await scatter.focus();
  await page.keyboard.press("Home");
  await expect(scatter).toHaveAttribute("data-yaw", yaw0.toFixed(3));
  await page.keyboard.press("ArrowRight");
  await expect(scatter).not.toHaveAttribute("data-yaw", yaw0.toFixed(3));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]cell=\d+/);
  await expect(page.locator("#elite").getByText(/^Elite of cell [\d,]+$/)).toBeVisible();
  await shoot(page, "experiment-cvt-3d-selected");
});
