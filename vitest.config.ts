import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["lib/**/*.test.ts", "components/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // Generous: tests poll for conditions, and the machine may be shared (tests/helpers/stack.ts).
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // Files share one machine's Postgres/Redis; each uses its own database and key prefix.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
