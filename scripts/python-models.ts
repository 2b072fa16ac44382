/**
 * Regenerates the Python client's models (clients/python/qdstudio/_models.py) from the
 * OpenAPI document the server serves (lib/api/openapi.ts), or checks them with --check.
 *
 *   npx tsx scripts/python-models.ts            # rewrite the models
 *   npx tsx scripts/python-models.ts --check    # exit 1 with a diff when they drifted
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { openApiDocument } from "@/lib/api/openapi";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const r = spawnSync("python3", [path.join(root, "clients/python/tools/generate_models.py"), "--openapi", "-", ...(check ? ["--check"] : [])], {
  input: JSON.stringify(openApiDocument()),
  stdio: ["pipe", "inherit", "inherit"],
});
process.exit(r.status ?? 1);
