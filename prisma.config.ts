// Prisma CLI configuration (Prisma 7). Loaded by every `prisma ...` command run from this repo.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

const root = path.dirname(fileURLToPath(import.meta.url));

// Prisma 7 no longer loads .env by itself.
if (existsSync(path.join(root, ".env"))) {
  try {
    process.loadEnvFile(path.join(root, ".env"));
  } catch {
    /* unreadable .env: ignore */
  }
}

// The CLI's native schema engine is downloaded from binaries.prisma.sh on first use, which fails offline
// (this machine, CI). Point the CLI at our JSON-RPC shim over @prisma/schema-engine-wasm instead. The CLI
// loads this file before it looks for the engine, so setting the variable here is enough. An explicitly
// set PRISMA_SCHEMA_ENGINE_BINARY (e.g. a real native binary) wins.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ||= path.join(root, "scripts", "prisma-schema-engine.mjs");

export default defineConfig({
  schema: path.join(root, "prisma", "schema.prisma"),
  migrations: {
    path: path.join(root, "prisma", "migrations"),
  },
  datasource: {
    // `migrate dev` / `migrate diff --from-migrations` use a throwaway shadow database created (and
    // dropped) on the same server by the engine shim, so no shadowDatabaseUrl is needed.
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/qd_studio_dev",
  },
});
