// Applies the committed Prisma migrations (prisma/migrations) to a database.
//
// Runs `prisma migrate deploy` in a child process: the CLI loads prisma.config.ts, which points it at
// our offline schema engine (scripts/prisma-schema-engine.mjs), so migrations are tracked in Prisma's
// own `_prisma_migrations` table exactly as `npx prisma migrate deploy/status` expect. Creates the
// database if it does not exist yet. Takes ~1.5 s on a fresh database.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest directory above this file holding prisma.config.ts. */
function findRepoRoot(): string {
  const candidates: string[] = [];
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
      candidates.push(dir);
      dir = path.dirname(dir);
    }
  } catch {
    /* bundled without a file URL: fall back to the working directory */
  }
  candidates.push(process.cwd());
  const root = candidates.find((dir) => existsSync(path.join(dir, "prisma.config.ts")));
  if (!root) throw new Error("Cannot apply database migrations: prisma.config.ts was not found above lib/db or in the working directory.");
  return root;
}

function redact(text: string, databaseUrl: string): string {
  let out = text.split(databaseUrl).join("<DATABASE_URL>");
  try {
    const password = new URL(databaseUrl).password;
    if (password) out = out.split(decodeURIComponent(password)).join("***").split(password).join("***");
  } catch {
    /* not a URL: nothing more to hide */
  }
  return out;
}

/** The lines of CLI output worth showing when it fails (errors, not the banner). */
function relevantOutput(output: string): string {
  const noise = /^(Loaded Prisma config|Prisma schema loaded|Datasource "|\d+ migrations? found|\s*$)/;
  // Strip ANSI colours in case the CLI thinks it writes to a terminal.
  const lines = output.replace(/\x1b\[[0-9;]*m/g, "").split(/\r?\n/).filter((line) => !noise.test(line));
  return lines.join("\n").trim();
}

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  if (!databaseUrl) throw new Error("Cannot apply database migrations: no database URL was given.");
  const root = findRepoRoot();
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  if (!existsSync(cli)) throw new Error(`Cannot apply database migrations: the Prisma CLI is not installed (${cli} is missing; run npm install).`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PRISMA_SCHEMA_ENGINE_BINARY:
      process.env.PRISMA_SCHEMA_ENGINE_BINARY || path.join(root, "scripts", "prisma-schema-engine.mjs"),
    CHECKPOINT_DISABLE: "1", // no update check (no internet here)
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };

  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy", "--config", path.join(root, "prisma.config.ts")], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ code: exitCode, output }));
  });

  if (code !== 0) {
    const details = redact(relevantOutput(output), databaseUrl);
    throw new Error(
      `Applying database migrations failed (prisma migrate deploy exited with code ${code}).` +
        (details ? `\n${details}` : ""),
    );
  }
}
