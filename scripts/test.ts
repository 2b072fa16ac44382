/**
 * `npm test`: unit, integration and end-to-end suites, then one summary line.
 * Integration and e2e run against the machine's real PostgreSQL and Redis
 * (TEST_DATABASE_URL / TEST_REDIS_URL), each in its own database and key prefix.
 * Pass suite names to run a subset: `npm test -- unit integration`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import crypto from "node:crypto";
import pg from "pg";
import { deleteRedisPrefix } from "@/lib/queue/cleanup";
import { buildIsCurrent, recordBuild } from "@/lib/runtime/build-stamp";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const REPORTS = "test-results";

interface Counts { passed: number; failed: number; skipped: number }

const suites: Record<string, () => Promise<Counts>> = {
  typecheck,
  unit: () => vitest("unit"),
  integration: () => vitest("integration"),
  e2e: e2e,
};

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/** The whole tree type-checks (the web build checks only the app). Counts as one test. */
async function typecheck(): Promise<Counts> {
  const code = await run("npx", ["tsc", "--noEmit", "-p", "."]);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

/** Builds the web app once, before the suites that start servers, so they never build concurrently. */
async function ensureBuild(): Promise<void> {
  if (buildIsCurrent(process.cwd())) return;
  console.log("building the web app for the integration and end-to-end tests");
  const code = await run("npx", ["next", "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
  if (code !== 0) throw new Error("next build failed");
  recordBuild(process.cwd());
}

async function vitest(project: string): Promise<Counts> {
  const out = `${REPORTS}/${project}.json`;
  fs.rmSync(out, { force: true });
  const code = await run("npx", ["vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  if (!fs.existsSync(out)) return { passed: 0, failed: Math.max(1, code), skipped: 0 };
  const r = JSON.parse(fs.readFileSync(out, "utf8"));
  const failed = r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0);
  return { passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
}

async function e2e(): Promise<Counts> {
  const id = crypto.randomBytes(4).toString("hex");
  const database = `qd_e2e_${id}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const out = `${REPORTS}/e2e-report.json`;
  fs.rmSync(out, { force: true });
  try {
    const code = await run("npx", ["playwright", "test"], {
      ...process.env,
      DATABASE_URL: url.toString(),
      REDIS_URL,
      QD_QUEUE_PREFIX: `e2e-${id}`,
    });
    if (!fs.existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
    const s = JSON.parse(fs.readFileSync(out, "utf8")).stats;
    return { passed: s.expected + s.flaky, failed: s.unexpected + (code !== 0 && !s.unexpected ? 1 : 0), skipped: s.skipped };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await deleteRedisPrefix(REDIS_URL, `e2e-${id}`).catch(() => {});
  }
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => a in suites);
  const names = wanted.length ? wanted : Object.keys(suites);
  fs.mkdirSync(REPORTS, { recursive: true });
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  if (names.includes("integration") || names.includes("e2e")) {
    await ensureBuild().catch((error: Error) => {
      console.error(error.message);
      total.failed++;
      lines.push("  build        failed");
    });
  }
  for (const name of names) {
    const started = Date.now();
    const c = await suites[name]!().catch((error: Error) => {
      console.error(`${name} suite could not run: ${error.message}`);
      return { passed: 0, failed: 1, skipped: 0 };
    });
    lines.push(`  ${name.padEnd(12)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  console.log(`\n${lines.join("\n")}`);
  console.log(`Total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
}

void main();
