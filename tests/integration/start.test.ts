import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { TEST_REDIS_URL, TEST_CEILING_MS } from "../helpers/stack";
import { freePort } from "../helpers/ports";

const root = path.resolve(import.meta.dirname, "../..");

interface Started {
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["DATABASE_URL", "REDIS_URL", "PORT"]) delete clean[k];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    pid: child.pid!,
    output: () => out,
    exited,
    async stop(signal = "SIGINT") {
      child.kill(signal);
      return exited;
    },
  };
}

/** The failure is one sentence on one line, never a stack trace. */
function expectOneSentence(output: string, pattern: RegExp) {
  expect(output).toMatch(pattern);
  expect(output).not.toMatch(/^\s+at /m);
  const line = output.split("\n").find((l) => pattern.test(l))!;
  expect(line.trim().endsWith(".")).toBe(true);
}

describe("npm start refuses bad configuration with one clear sentence", () => {
  it("a DATABASE_URL that is not a URL", async () => {
    const s = start({ DATABASE_URL: "localhost:5432/qd", PORT: String(await freePort()) });
    expect(await s.exited).toBe(1);
    expectOneSentence(s.output(), /DATABASE_URL must be a postgresql:\/\/ URL/);
  });

  it("an unreachable database", async () => {
    const s = start({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/qd`, PORT: String(await freePort()) });
    expect(await s.exited).toBe(1);
    expectOneSentence(s.output(), /Cannot connect to PostgreSQL at .*connection refused.*check DATABASE_URL/);
  });

  it("an unreachable Redis", async () => {
    const s = start({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres", REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PORT: String(await freePort()) });
    expect(await s.exited).toBe(1);
    expectOneSentence(s.output(), /Cannot connect to Redis at .*check REDIS_URL/);
  });

  it("a port already in use", async () => {
    const busy = net.createServer().listen(0, "0.0.0.0");
    await new Promise((r) => busy.once("listening", r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const s = start({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres", REDIS_URL: TEST_REDIS_URL, PORT: String(port) });
      expect(await s.exited).toBe(1);
      expectOneSentence(s.output(), new RegExp(`Port ${port} is already in use`));
    } finally {
      busy.close();
    }
  });

  it("a port that is not a number", async () => {
    const s = start({ PORT: "http" });
    expect(await s.exited).toBe(1);
    expectOneSentence(s.output(), /Configuration error: PORT/);
  });
});

describe("npm start with nothing configured", () => {
  it("runs on the embedded database and keeps the data across restarts", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qd-embedded-"));
    fs.chmodSync(dataDir, 0o755); // the embedded server runs as the postgres user when we are root
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), HOST: "127.0.0.1", QD_WORKERS: "1", QD_DATA_DIR: dataDir, QD_EMBEDDED_PG_PORT: String(pgPort) };
    let first: Started;
    const health = async () => {
      for (let i = 0; i < 600; i++) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/health`);
          if (res.ok) return (await res.json()) as { ok: boolean; db: string; queue: string; workers: number };
        } catch {
          /* not up yet */
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`never healthy; output:\n${first.output().slice(-3000)}`);
    };
    // The superuser's password is random per data directory, readable by its owner only.
    const dbUrl = () => {
      const file = path.join(dataDir, "postgres-password");
      expect(fs.statSync(file).mode & 0o077).toBe(0);
      return `postgresql://postgres:${encodeURIComponent(fs.readFileSync(file, "utf8").trim())}@127.0.0.1:${pgPort}/qd_studio`;
    };
    try {
      first = start(env);
      const h = await health();
      expect(h).toMatchObject({ ok: true, db: "up", queue: "up (postgres)" });

      // A worker killed twice in a row is restarted both times, the second time after a longer wait.
      const workerPid = () => {
        const children = fs.readFileSync(`/proc/${first.pid}/task/${first.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
        return children.find((pid) => fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workers/main.ts"));
      };
      const waitForOutput = async (pattern: RegExp) => {
        for (let i = 0; i < 1200 && !pattern.test(first.output()); i++) await new Promise((r) => setTimeout(r, 100));
        expect(first.output()).toMatch(pattern);
      };
      const killWorker = async (after: number | undefined) => {
        let pid: number | undefined;
        for (let i = 0; i < 1200 && (!(pid = workerPid()) || pid === after); i++) await new Promise((r) => setTimeout(r, 100));
        expect(pid).toBeGreaterThan(0);
        // Workers run below the web server's priority (QD_WORKER_NICE, default 10): field 19 of /proc/<pid>/stat.
        expect(Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")[16])).toBe(10);
        process.kill(pid!, "SIGKILL");
        return pid;
      };
      const killed = await killWorker(undefined);
      await waitForOutput(/worker 0 exited \(SIGKILL\); restarting in 1 s\n/);
      await killWorker(killed); // killed again right after its restart: a crash in a row
      await waitForOutput(/worker 0 exited \(SIGKILL\); restarting in 2 s \(crash 2 in a row\)/);
      for (let i = 0; i < 1200 && (await health()).workers < 1; i++) await new Promise((r) => setTimeout(r, 250));
      expect((await health()).workers).toBe(1);
      const client = new pg.Client(dbUrl());
      await client.connect();
      await client.query(
        `INSERT INTO "Experiment" (id, name, config, "domainType", "archiveType", "emitterType", seed, "batchSize", "budgetEvaluations", cells, "updatedAt")
         VALUES (gen_random_uuid(), 'kept across restarts', '{}', 'sphere', 'grid', 'iso-line', 1, 10, 100, 100, now())`,
      );
      await client.end();
      expect(await first.stop("SIGINT")).toBe(0);
      expect(first.output()).toContain("stopped");

      const second = (first = start(env));
      await health();
      const again = new pg.Client(dbUrl());
      await again.connect();
      const { rows } = await again.query(`SELECT name FROM "Experiment"`);
      await again.end();
      expect(rows.map((r) => r.name)).toEqual(["kept across restarts"]);
      const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(home).toContain("kept across restarts");
      expect(await second.stop("SIGTERM")).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, TEST_CEILING_MS);
});
