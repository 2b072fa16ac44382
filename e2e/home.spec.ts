import { test, expect } from "@playwright/test";

test("home page shows the app's name and the experiments list", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: "QD Studio" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Experiments", exact: true })).toBeVisible();
  await expect(page).toHaveTitle(/QD Studio/);
});

test("health endpoint reports database, queue and workers", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.ok).toBe(true);
  expect(body.db).toBe("up");
  expect(body.queue).toMatch(/^up/);
  expect(typeof body.workers).toBe("number");
});
