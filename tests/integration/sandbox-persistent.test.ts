/**
 * Issue 15.3: command evaluators reuse warm sandboxes (lib/sandbox/persistent.ts). A reused sandbox
 * must be as closed as a fresh one, and nothing one candidate leaves behind (files, processes) may
 * reach the next; a timeout discards the sandbox; results do not depend on the concurrency.
 */
import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvaluator, type EvalResult } from "../../lib/evaluators/index";
import { createSandboxPool } from "../../lib/sandbox/persistent";
import { processSandboxMode } from "../../lib/sandbox/process";

const isRoot = process.getuid?.() === 0;
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qd-persistent-"));
  await chmod(dir, 0o755);
  const mode = await processSandboxMode();
  expect(mode.kind, JSON.stringify(mode)).toBe(isRoot ? "root" : "user");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Live (non-zombie) processes whose command line contains `needle`. */
async function processesWith(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir("/proc")).filter((n) => /^\d+$/.test(n))) {
    const [cmd, stat] = await Promise.all([readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""), readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")]);
    if (cmd.includes(needle) && !stat.includes(") Z ")) found.push(Number(pid));
  }
  return found;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a reused sandbox", () => {
  it("serves many candidates from one sandbox, each with a fresh HOME; files and processes of one candidate never reach the next", async () => {
    const pool = createSandboxPool({ envPath: env.PATH });
    const marker = `888888.${process.pid}3`;
    try {
      const run = (script: string) => pool.run({ command: "sh", args: ["-c", script], env, stdin: "x\n", timeoutMs: 20_000 });
      const first = await run(`echo secret > $HOME/left-behind; setsid sleep ${marker} & echo "$HOME"`);
      expect(first.code, JSON.stringify(first)).toBe(0);
      const home1 = first.stdout.toString().trim();
      const second = await run(`echo "$HOME"; ls -A "$HOME" | wc -l; cat ${home1}/left-behind 2>&1; ps -eo args 2>/dev/null | grep -c "sleep ${marker}" || true; ls /proc | grep -c '^[0-9]'`);
      expect(second.code, JSON.stringify(second)).toBe(0);
      const [home2, entries, leftover] = second.stdout.toString().split("\n");
      expect(home2).not.toBe(home1);
      expect(entries).toBe("0");
      expect(leftover).not.toBe("secret");
      expect(await processesWith(marker)).toEqual([]);
      expect(pool.stats).toMatchObject({ started: 1, runs: 2, fallback: null });
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!isRoot)("keeps the isolation of a fresh sandbox: nobody, read-only root, no network, no worker environment", async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    process.env.QD_PERSISTENT_TEST_SECRET = "s3cr3t-persistent-91f";
    const pool = createSandboxPool({ envPath: env.PATH });
    try {
      for (let i = 0; i < 2; i++) {
        // The second candidate runs in the sandbox the first one used.
        const r = await pool.run({
          command: "sh",
          args: ["-c", `id -u; touch ${dir}/w${i} 2>&1; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c QD_PERSISTENT_TEST_SECRET; exec 3<>/dev/tcp/127.0.0.1/${port} 2>&1; bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}' 2>&1 | head -1`],
          env,
          timeoutMs: 20_000,
        });
        const out = r.stdout.toString();
        expect(out.split("\n")[0], JSON.stringify(r)).toBe("65534");
        expect(out).toMatch(/Read-only file system|Permission denied/);
        expect(out).not.toContain("s3cr3t");
        expect(out.split("\n")[2]).toBe("0");
      }
      expect(connections).toBe(0);
      expect(pool.stats.started).toBe(1);
    } finally {
      delete process.env.QD_PERSISTENT_TEST_SECRET;
      server.close();
      await pool.close();
    }
  });

  it("a timeout kills everything the candidate started and the next candidate gets a new sandbox", async () => {
    const pool = createSandboxPool({ envPath: env.PATH });
    const marker = `777777.${process.pid}7`;
    try {
      const slow = await pool.run({ command: "sh", args: ["-c", `setsid sleep ${marker} & sleep ${marker}`], env, timeoutMs: 1500 });
      expect(slow.error).toMatch(/timed out after 1500 ms/);
      expect(await until(() => processesWith(marker), (p) => p.length === 0)).toEqual([]);
      const next = await pool.run({ command: "sh", args: ["-c", "echo fine"], env, timeoutMs: 20_000 });
      expect(next.stdout.toString()).toBe("fine\n");
      expect(pool.stats.started).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("oversized output fails that candidate, and the sandbox is replaced", async () => {
    const pool = createSandboxPool({ envPath: env.PATH });
    try {
      const big = await pool.run({ command: "sh", args: ["-c", "yes | head -c 200000"], env, timeoutMs: 20_000, maxStdoutBytes: 1000 });
      expect(big.error).toMatch(/output too large: more than 1000 bytes/);
      const next = await pool.run({ command: "sh", args: ["-c", "echo fine"], env, timeoutMs: 20_000 });
      expect(next.stdout.toString()).toBe("fine\n");
      expect(pool.stats.started).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("a memory limit per candidate still applies inside a warm sandbox", async () => {
    const pool = createSandboxPool({ envPath: env.PATH });
    try {
      // 64 MiB data limit: allocating 200 MB fails in the candidate, the next candidate is fine.
      const hog = await pool.run({ command: "python3", args: ["-c", "x = bytearray(200 * 1024 * 1024); print('allocated')"], env, timeoutMs: 30_000, memoryMb: 64 });
      expect(hog.stdout.toString()).not.toContain("allocated");
      expect(hog.stderr).toMatch(/MemoryError/);
      const next = await pool.run({ command: "sh", args: ["-c", "echo fine"], env, timeoutMs: 20_000 });
      expect(next.stdout.toString()).toBe("fine\n");
    } finally {
      await pool.close();
    }
  });
});

describe("command evaluator results do not depend on concurrency", () => {
  const fitness = (r: EvalResult) => (r.ok ? r.fitness : r.error);
  it("48 candidates at concurrency 1, 16 and through a fresh sandbox per candidate give the same results in order", async () => {
    const command = `sh -c 'read l; n=$(echo "$l" | sed "s/.*genome\\":\\([0-9]*\\).*/\\1/"); if [ $((n % 7)) -eq 3 ]; then echo "{\\"error\\": \\"seven $n\\"}"; else echo "{\\"fitness\\": $((n * n)), \\"descriptors\\": [0.5, 0.5]}"; fi'`;
    const candidates = Array.from({ length: 48 }, (_, i) => ({ id: `c${i}`, genome: i }));
    const expected = candidates.map((c) => (c.genome % 7 === 3 ? `evaluator reported an error: seven ${c.genome}` : c.genome * c.genome));
    const runWith = async (concurrency: number) => {
      const ev = createEvaluator({ type: "command", command, timeoutMs: 60_000, concurrency });
      try {
        return (await ev.evaluate(candidates)).map(fitness);
      } finally {
        await ev.close();
      }
    };
    expect(await runWith(1)).toEqual(expected);
    expect(await runWith(16)).toEqual(expected);
    process.env.QD_SANDBOX_PERSISTENT = "0";
    try {
      expect(await runWith(8)).toEqual(expected);
    } finally {
      delete process.env.QD_SANDBOX_PERSISTENT;
    }
  });
});
