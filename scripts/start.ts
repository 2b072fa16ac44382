/**
 * `npm start`: QD Studio in one command. Uses DATABASE_URL / REDIS_URL when set,
 * otherwise an embedded PostgreSQL under ./.qd-studio (and BullMQ's PostgreSQL
 * backend instead of Redis). Applies migrations, builds the web app when its
 * sources changed, then runs the web server and QD_WORKERS worker processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readEnv, redactUrl, ConfigError, type Env } from "@/lib/config";
import { checkPortFree, checkPostgres, checkRedis } from "@/lib/runtime/preflight";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/runtime/embedded-postgres";
import { buildIsCurrent, recordBuild } from "@/lib/runtime/build-stamp";
import { migrateDatabase } from "@/lib/db/migrate";
import { checkExposure } from "@/lib/runtime/exposure";
import { nextRestart } from "@/lib/runtime/restart-policy";
import { webServerArgs } from "@/lib/runtime/web-server-args";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(`[qd-studio] ${line}`);

const children = new Set<ChildProcess>();
let embedded: EmbeddedDatabase | undefined;
let stopping = false;

async function main() {
  const env = readEnv();
  checkExposure(env);
  await checkPortFree(env.PORT, env.HOST);

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    log(`starting embedded PostgreSQL (data in ${path.join(env.QD_DATA_DIR, "postgres")})`);
    embedded = await startEmbeddedPostgres(path.resolve(root, env.QD_DATA_DIR), env.QD_EMBEDDED_PG_PORT, log);
    databaseUrl = embedded.url;
  } else {
    await checkPostgres(databaseUrl);
  }
  if (env.REDIS_URL) await checkRedis(env.REDIS_URL);
  log(`database: ${redactUrl(databaseUrl)}`);
  log(`job queue: ${env.REDIS_URL ? `Redis at ${redactUrl(env.REDIS_URL)}` : "PostgreSQL (no REDIS_URL set)"}`);

  await migrateDatabase(databaseUrl);
  log("database schema is up to date");

  if (!buildIsCurrent(root)) {
    log("building the web app (first start or sources changed; takes a minute)");
    await run(process.execPath, [nextBin(), "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
    recordBuild(root);
  }

  const childEnv = { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" };
  startWeb(env, childEnv);
  for (let i = 0; i < env.QD_WORKERS; i++) startWorker(i, childEnv, env.QD_WORKER_NICE);

  await waitUntilHealthy(env.PORT);
  const shown = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  log(`QD Studio is running at http://${shown}:${env.PORT} with ${env.QD_WORKERS} worker(s). Press Ctrl-C to stop.`);
}

function nextBin() {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

function startWeb(env: Env, childEnv: NodeJS.ProcessEnv) {
  const web = spawn(process.execPath, webServerArgs(root, env.PORT, env.HOST), {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "inherit", "inherit"],
  });
  track(web, (code) => {
    log(`web server exited (${code}); stopping`);
    void shutdown(1);
  });
}

function startWorker(index: number, childEnv: NodeJS.ProcessEnv, nice: number, crashes = 0) {
  const startedAt = Date.now();
  const worker = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers", "main.ts")], {
    cwd: root,
    env: { ...childEnv, QD_WORKER_NAME: `local-${index}` },
    stdio: ["ignore", "inherit", "inherit"],
  });
  // Lower priority than the web server: a run that fills every CPU must not slow the dashboard down.
  try {
    if (worker.pid) os.setPriority(worker.pid, nice);
  } catch {
    /* not permitted here: run at normal priority */
  }
  track(worker, (code) => {
    const { crashesInARow: next, delayMs } = nextRestart(crashes, Date.now() - startedAt);
    log(`worker ${index} exited (${code}); restarting in ${Math.round(delayMs / 1000)} s${next > 1 ? ` (crash ${next} in a row)` : ""}`);
    setTimeout(() => !stopping && startWorker(index, childEnv, nice, next), delayMs);
  });
}

function track(child: ChildProcess, onUnexpectedExit: (code: number | string | null) => void) {
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) onUnexpectedExit(code ?? signal);
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: "inherit" });
    children.add(child);
    child.on("exit", (code) => {
      children.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`"${path.basename(args[0]!)} ${args.slice(1).join(" ")}" failed (exit ${code}); see its output above.`));
    });
  });
}

async function waitUntilHealthy(port: number) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!stopping) log("the web server is slow to report healthy; check the output above");
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  const quiet = children.size === 0 && !embedded;
  if (!quiet) log("stopping…");
  const exits = [...children].map((child) => new Promise((r) => child.once("exit", r)));
  for (const child of children) child.kill("SIGTERM");
  const forced = setTimeout(() => children.forEach((c) => c.kill("SIGKILL")), 15_000);
  await Promise.all(exits);
  clearTimeout(forced);
  if (embedded) await embedded.stop().catch(() => {});
  if (!quiet) log("stopped");
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[qd-studio] ${error instanceof ConfigError ? "Configuration error: " : ""}${message}`);
  await shutdown(1);
});
