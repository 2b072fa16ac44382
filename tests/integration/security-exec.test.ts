/**
 * Issue 12, execution half: untrusted code fails closed, hard kills recover. One test per scenario;
 * each of them failed on the code before this suite (root fallback, environ and root-only files
 * readable, network reachable, a grandchild holding stdout hung the job, an orphaned embedded server
 * blocked the next start, a database restart logged one empty line per job).
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvaluator, type EvalResult } from "../../lib/evaluators/index";
import { createPrismaClient } from "../../lib/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/runtime/embedded-postgres";
import { SandboxHost, shutdownSharedSandboxHost } from "../../lib/sandbox/index";
import { processSandboxMode, resetProcessSandboxMode } from "../../lib/sandbox/process";
import { evaluateBinPacking, evaluateCirclePacking, CIRCLE_PACKING_SEED } from "../../lib/tasks/index";
import { createFailureLog } from "../../workers/failure-log";
import { freePort } from "../helpers/server";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECRET = "s3cr3t-exec-test-4b7d21";
const isRoot = process.getuid?.() === 0;

let dir: string;
beforeAll(async () => {
  process.env.QD_EXEC_TEST_SECRET = SECRET;
  dir = await mkdtemp(join(tmpdir(), "qd-security-exec-"));
  await chmod(dir, 0o755); // scripts here are run by the sandbox's `nobody`
});
afterAll(async () => {
  delete process.env.QD_EXEC_TEST_SECRET;
  await rm(dir, { recursive: true, force: true });
  await shutdownSharedSandboxHost();
});

const one = async (command: string, extra: Record<string, unknown> = {}): Promise<EvalResult> => {
  // Generous: python via a pyenv shim takes seconds to start on a loaded machine.
  const ev = createEvaluator({ type: "command", command, timeoutMs: 60_000, ...extra });
  try {
    return (await ev.evaluate([{ id: "x", genome: [1, 2] }]))[0]!;
  } finally {
    await ev.close();
  }
};
const failed = (r: EvalResult) => {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  return r as Extract<EvalResult, { ok: false }>;
};
const succeeded = (r: EvalResult) => {
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r as Extract<EvalResult, { ok: true }>;
};

/** Live (non-zombie) processes whose command line contains `needle`. */
async function processesWith(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir("/proc")).filter((n) => /^\d+$/.test(n))) {
    const [cmd, stat] = await Promise.all([readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""), readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")]);
    if (cmd.includes(needle) && !stat.includes(") Z ")) found.push(Number(pid));
  }
  return found;
}

describe("the JavaScript sandbox host never runs as root", () => {
  it.skipIf(!isRoot)("when it cannot drop to nobody the candidate fails with that reason (no root fallback)", async () => {
    // A host script `nobody` cannot read: the drop fails; the old code then started it as root.
    const closed = join(ROOT, "node_modules", `.qd-test-closed-${process.pid}`);
    await mkdir(closed, { mode: 0o700 });
    try {
      await cp(join(ROOT, "lib/sandbox/host.mjs"), join(closed, "host.mjs"));
      await cp(join(ROOT, "lib/sandbox/strip-exports.mjs"), join(closed, "strip-exports.mjs"));
      const host = new SandboxHost({ script: join(closed, "host.mjs") });
      const ev = createEvaluator({ type: "javascript", code: "function evaluate(g) { return { fitness: 1 } }" }, { host });
      const [r] = await ev.evaluate([{ id: "a", genome: 0 }]);
      expect(failed(r!).error).toMatch(/^internal: the JavaScript sandbox never runs untrusted code as root: it could not start as uid 65534/);
      expect(host.running).toBe(false);
      await ev.close();
      await host.close();
      // Asking for uid 0 explicitly is refused too.
      const rootHost = new SandboxHost({ uid: 0, gid: 0 });
      const ev2 = createEvaluator({ type: "javascript", code: "function evaluate(g) { return { fitness: 1 } }" }, { host: rootHost });
      expect(failed((await ev2.evaluate([{ id: "b", genome: 0 }]))[0]!).error).toMatch(/never runs untrusted code as root: uid\/gid 0 requested/);
      await ev2.close();
      await rootHost.close();
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});

describe("command evaluators run in the process sandbox", () => {
  beforeAll(async () => {
    const mode = await processSandboxMode();
    expect(mode.kind, JSON.stringify(mode)).toBe(isRoot ? "root" : "user");
  });

  it.skipIf(!isRoot)("run as nobody, and cannot read the worker's environment through /proc", async () => {
    const r = succeeded(
      await one(
        `sh -c 'id -u >&2; cat /proc/$PPID/environ /proc/${process.pid}/environ /proc/[0-9]*/environ 2>&1 | tr "\\0" "\\n" >&2; echo "{\\"fitness\\": 1}"'`,
      ),
    );
    expect(r.logs!.split("\n")[0]).toBe("65534");
    expect(r.logs).not.toContain(SECRET);
    expect(r.logs).not.toContain("QD_EXEC_TEST_SECRET");
  });

  it.skipIf(!isRoot)("cannot read a root-only (0600) file, nor write outside its private directory", async () => {
    const secretFile = join(dir, "root-only.txt");
    await writeFile(secretFile, SECRET, { mode: 0o600 });
    const r = succeeded(await one(`sh -c 'cat ${secretFile} >&2; echo x > ${join(dir, "written.txt")}; echo y > $HOME/ok && echo "{\\"fitness\\": 1}"'`));
    expect(r.logs).not.toContain(SECRET);
    expect(r.logs).toMatch(/Permission denied/);
    expect(r.logs).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync(join(dir, "written.txt"))).toBe(false);
  });

  it("has no network: a server on the worker's loopback is unreachable", async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await one(`python3 -c "import socket, json; socket.create_connection(('127.0.0.1', ${port}), timeout=3); print(json.dumps({'fitness': 1}))"`);
      expect(failed(r).error).toMatch(/exited with code 1: .*(ConnectionRefusedError|Network is unreachable|OSError)/s);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it("cannot connect to Unix sockets on the file system (e.g. PostgreSQL's trust socket)", async () => {
    let connections = 0;
    const sock = join(dir, "s.sock");
    const server = net.createServer((s) => {
      connections++;
      s.end();
    });
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    await chmod(sock, 0o777);
    try {
      const r = await one(`python3 -c "import socket, json; s = socket.socket(socket.AF_UNIX); s.connect('${sock}'); print(json.dumps({'fitness': 1}))"`);
      expect(failed(r).error).toMatch(/PermissionError/);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it("a grandchild that keeps stdout open does not hang the job, and is killed", async () => {
    const marker = `999999.${process.pid}1`;
    const t0 = Date.now();
    const r = await one(`sh -c 'setsid sleep ${marker} & echo "{\\"fitness\\": 2}"'`, { timeoutMs: 8000 });
    expect(Date.now() - t0).toBeLessThan(8000 + 2000);
    expect(succeeded(r).fitness).toBe(2);
    await new Promise((res) => setTimeout(res, 300));
    expect(await processesWith(marker)).toEqual([]);
  });

  it("without the sandbox (QD_UNSAFE_NO_SANDBOX=1) such a job still settles: pipes closed after exit", async () => {
    process.env.QD_UNSAFE_NO_SANDBOX = "1";
    resetProcessSandboxMode();
    const marker = `999999.${process.pid}2`;
    try {
      const t0 = Date.now();
      const r = await one(`sh -c 'setsid sleep ${marker} & echo "{\\"fitness\\": 3}"'`, { timeoutMs: 60_000 });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(succeeded(r).fitness).toBe(3);
    } finally {
      delete process.env.QD_UNSAFE_NO_SANDBOX;
      resetProcessSandboxMode();
      for (const pid of await processesWith(marker)) process.kill(pid, "SIGKILL"); // unsandboxed: it escaped
    }
  });

  it("fails closed with the reason when bubblewrap is missing", async () => {
    process.env.QD_SANDBOX_BWRAP = "/nonexistent/bwrap";
    resetProcessSandboxMode();
    try {
      const r = failed(await one(`sh -c 'echo "{\\"fitness\\": 1}"'`));
      expect(r.error).toMatch(/the command sandbox is unavailable \(bwrap not found\); install bubblewrap .* or set QD_UNSAFE_NO_SANDBOX=1/);
    } finally {
      delete process.env.QD_SANDBOX_BWRAP;
      resetProcessSandboxMode();
    }
  });

  it("examples/python still runs (pyenv's python under /root is exposed read-only)", async () => {
    const r = succeeded(await one(`python3 ${join(ROOT, "examples/python/eval_sphere.py")}`, { descriptorCount: 2 }));
    expect(r.descriptors).toEqual([1, 2]);
  });
});

describe("non-finite results are failures with a reason in every evaluator kind", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('{"fitness": 1, "descriptors": [NaN, 0.5]}'));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  });
  afterAll(() => server.close());

  it("command, webhook, javascript, and both LLM tasks", async () => {
    expect(failed(await one(`python3 -c "import json; print(json.dumps({'fitness': float('inf')}))"`)).error).toBe("invalid output: fitness: must be a finite number, got Infinity");
    const hook = createEvaluator({ type: "webhook", url, retries: 0 });
    expect(failed((await hook.evaluate([{ id: "w", genome: 1 }]))[0]!).error).toMatch(/descriptors\[0\]: must be a finite number, got NaN/);
    await hook.close();
    const js = createEvaluator({ type: "javascript", code: "function evaluate(g) { return { fitness: 1, metrics: { m: -Infinity } } }" });
    expect(failed((await js.evaluate([{ id: "j", genome: 1 }]))[0]!).error).toMatch(/^invalid-output: .*non-finite number -Infinity/);
    await js.close();
    const bins = await evaluateBinPacking("function priority(item, bins) { return bins.map(() => NaN); }", [{ capacity: 10, items: [4, 5] }]);
    expect(failed(bins).error).toMatch(/non-finite score at index 0: NaN/);
    const circles = await evaluateCirclePacking(CIRCLE_PACKING_SEED.replace(/function pack\(\)\s*\{/, "function pack() { return Array.from({ length: 26 }, () => [0.5, 0.5, NaN]);"));
    expect(failed(circles).error).toMatch(/invalid packing: .*NaN|not finite|finite/);
  });
});

describe("embedded PostgreSQL", () => {
  let data: string;
  let port: number;
  let db: EmbeddedDatabase | undefined;
  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), "qd-embedded-pg-"));
    await chmod(data, 0o755); // the server runs as the `postgres` user when we are root
    port = await freePort();
  });
  afterAll(async () => {
    await db?.stop();
    await rm(data, { recursive: true, force: true });
  });

  it("after kill -9 of its owner, the next start stops the orphan and starts; random password, 0600", { timeout: 240_000 }, async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", join(ROOT, "tests/fixtures/embedded-pg-owner.ts"), join(data, "qd"), String(port)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    owner.stdout!.on("data", (d: Buffer) => (out += d));
    owner.stderr!.on("data", (d: Buffer) => (out += d));
    await new Promise<void>((resolve, reject) => {
      owner.stdout!.on("data", () => out.includes("ready") && resolve());
      owner.once("exit", (code) => reject(new Error(`owner exited (${code}): ${out}`)));
    });
    owner.kill("SIGKILL");
    await new Promise((r) => owner.once("exit", r));
    const pidFile = join(data, "qd", "postgres", "postmaster.pid");
    const orphan = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
    expect(() => process.kill(orphan, 0)).not.toThrow(); // the server outlived its owner

    const lines: string[] = [];
    db = await startEmbeddedPostgres(join(data, "qd"), port, (l) => lines.push(l));
    expect(lines.join("\n")).toMatch(/stopping the embedded PostgreSQL left running by an earlier start/);
    const password = decodeURIComponent(new URL(db.url).password);
    expect(password).not.toBe("qd-studio-local");
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect((await readFile(join(data, "qd", "postgres-password"), "utf8")).trim()).toBe(password);
    expect(statSync(join(data, "qd", "postgres-password")).mode & 0o777).toBe(0o600);
    expect(lines.join("\n")).not.toContain(password);
    const prisma = createPrismaClient(db.url);
    try {
      expect(await prisma.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      // The published password no longer works.
      const wrong = createPrismaClient(db.url.replace(encodeURIComponent(password), "qd-studio-local"));
      await expect(wrong.$queryRawUnsafe("SELECT 1")).rejects.toThrow();
      await wrong.$disconnect().catch(() => undefined);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("a restart mid-run is logged once, with the reason, not once per failed job", { timeout: 240_000 }, async () => {
    expect(db).toBeDefined();
    const prisma = createPrismaClient(db!.url);
    const lines: string[] = [];
    const failures = createFailureLog((l) => lines.push(l), { windowMs: 60_000 });
    try {
      await prisma.$queryRawUnsafe("SELECT 1");
      await db!.stop();
      for (let i = 0; i < 76; i++) {
        await prisma.$queryRawUnsafe("SELECT 1").catch((e: unknown) => failures.report(`job batch#${i} on evaluate`, e));
      }
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^job batch#0 on evaluate failed: the database is unreachable \(.+\)$/);
      failures.flush();
      expect(lines[1]).toMatch(/^75 more failures in \d+ s with the same reason \(the database is unreachable/);
      db = await startEmbeddedPostgres(join(data, "qd"), port, () => {});
      expect(await prisma.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
