import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvaluator, verifySignature, type EvalResult } from "../../lib/evaluators/index";
import { shutdownSharedSandboxHost } from "../../lib/sandbox/index";
import { waitFor, POLL_CEILING_MS } from "../helpers/stack";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SPHERE = join(ROOT, "examples/python/eval_sphere.py");
const SECRET = "s3cr3t-qd-test-7f3a9c1e";
const WEBHOOK_SECRET = "whsec-qd-test-51b2e0";

let dir: string;
beforeAll(async () => {
  process.env.QD_TEST_SECRET = SECRET;
  process.env.QD_WEBHOOK_SECRET_TEST = WEBHOOK_SECRET;
  dir = await mkdtemp(join(tmpdir(), "qd-evaluators-test-"));
  // Evaluator commands run as `nobody` in the sandbox: their scripts must be readable by it.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  delete process.env.QD_TEST_SECRET;
  delete process.env.QD_WEBHOOK_SECRET_TEST;
  await rm(dir, { recursive: true, force: true });
  await shutdownSharedSandboxHost();
});

async function script(name: string, body: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, body);
  return p;
}

/** Live (non-zombie) processes whose command line contains `needle`. */
async function processesWith(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir("/proc")).filter((n) => /^\d+$/.test(n))) {
    const [cmd, stat] = await Promise.all([readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""), readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")]);
    if (cmd.includes(needle) && !stat.includes(") Z ")) found.push(Number(pid));
  }
  return found;
}

const ok = (r: EvalResult | undefined) => {
  expect(r?.ok, JSON.stringify(r)).toBe(true);
  return r as Extract<EvalResult, { ok: true }>;
};
const bad = (r: EvalResult | undefined, msg: RegExp | string) => {
  expect(r?.ok, JSON.stringify(r)).toBe(false);
  expect((r as Extract<EvalResult, { ok: false }>).error).toMatch(msg);
  return r as Extract<EvalResult, { ok: false }>;
};

describe("command evaluator: python example", () => {
  const cands = [
    { id: "a", genome: [2.048, 2.048] },
    { id: "b", genome: [1, 2, 3, 4] },
    { id: "c", genome: [-5.12, 5.12, 0, 0] },
  ];

  it("single mode", async () => {
    const ev = createEvaluator({ type: "command", command: `python3 ${SPHERE}`, descriptorCount: 2, concurrency: 3 });
    const rs = await ev.evaluate(cands);
    expect(rs).toHaveLength(3);
    expect(ok(rs[0]).fitness).toBeCloseTo(100, 9);
    expect(ok(rs[1])).toMatchObject({ descriptors: [3, 7], metrics: { dims: 4 } });
    expect(ok(rs[1]).logs).toContain("evaluating b");
    expect(ok(rs[2]).fitness).toBeLessThan(100);
    await ev.close();
  });

  it("batch mode gives the same results in one process", async () => {
    const single = createEvaluator({ type: "command", command: `python3 ${SPHERE}`, descriptorCount: 2 });
    const batch = createEvaluator({ type: "command", command: `python3 ${SPHERE}`, descriptorCount: 2, batch: true });
    const [rs1, rs2] = await Promise.all([single.evaluate(cands), batch.evaluate([...cands, { id: "d", genome: "oops" }])]);
    for (let i = 0; i < 3; i++) {
      expect(ok(rs2[i]).fitness).toBe(ok(rs1[i]).fitness);
      expect(ok(rs2[i]).descriptors).toEqual(ok(rs1[i]).descriptors);
    }
    bad(rs2[3], /evaluator reported an error: genome must be a list/);
    expect(rs2[0]!.logs).toContain("evaluated 4 candidates");
    // batchSize splits into several invocations
    const chunked = createEvaluator({ type: "command", command: `python3 ${SPHERE}`, batch: true, batchSize: 2, concurrency: 2 });
    const rs3 = await chunked.evaluate(cands);
    expect(rs3.map((r) => ok(r).fitness)).toEqual(rs1.map((r) => ok(r).fitness));
    expect(rs3[2]!.logs).toContain("evaluated 1 candidates");
    await Promise.all([single.close(), batch.close(), chunked.close()]);
  });
});

describe("command evaluator: failure modes", () => {
  const one = async (command: string, extra: Record<string, unknown> = {}) => {
    const ev = createEvaluator({ type: "command", command, timeoutMs: 5000, ...extra });
    try {
      return (await ev.evaluate([{ id: "x", genome: [1, 2] }]))[0];
    } finally {
      await ev.close();
    }
  };

  it("non-zero exit, with the stderr tail", async () => {
    const p = await script("exit2.py", "import sys\nprint('x' * 2000, file=sys.stderr)\nprint('the real reason', file=sys.stderr)\nsys.exit(2)\n");
    const r = bad(await one(`python3 ${p}`), /^exited with code 2: …x+\nthe real reason$/);
    expect(r.logs).toContain("the real reason");
    bad(await one(`python3 -c "raise ValueError('kaput')"`), /exited with code 1: .*ValueError: kaput/s);
  });

  it("timeout kills the whole process group", async () => {
    // The sandbox's file system is read-only, so the grandchild is found by a unique argument.
    const marker = `300.${process.pid}${Date.now() % 100000}`;
    const p = await script("hang.sh", `sleep ${marker} &\nsleep 300\n`);
    // Long enough for a loaded machine to start sh and its grandchild before the timeout fires.
    bad(await one(`sh ${p}`, { timeoutMs: 5000 }), /timed out after 5000 ms/);
    // SIGKILL was sent to the group; the grandchild is gone once the kernel has delivered it.
    await waitFor(async () => (await processesWith(marker)).length === 0, POLL_CEILING_MS, `the grandchild (${marker}) to be killed`);
  });

  it("output too large", async () => {
    bad(await one(`python3 -c "print('y' * 3000000)"`), /output too large: more than 1048576 bytes/);
    bad(await one(`python3 -c "print('y' * 3000)"`, { maxOutputBytes: 1000 }), /output too large: more than 1000 bytes/);
  });

  it("bad JSON, NaN/Infinity, missing fitness, wrong types, wrong descriptor count", async () => {
    bad(await one(`python3 -c "print('hello')"`), /bad JSON on stdout \(last line: "hello"\)/);
    bad(await one(`python3 -c "pass"`), /stdout is empty/);
    bad(await one(`python3 -c "import json; print(json.dumps({'fitness': float('nan')}))"`), "invalid output: fitness: must be a finite number, got NaN");
    bad(await one(`python3 -c "import json; print(json.dumps({'fitness': 1, 'descriptors': [float('inf'), 0]}))"`), /descriptors\[0\]: must be a finite number, got Infinity/);
    bad(await one(`python3 -c "import json; print(json.dumps({'metrics': {'a': 1}}))"`), "invalid output: fitness: is required");
    bad(await one(`python3 -c "import json; print(json.dumps({'fitness': 'high'}))"`), /fitness: must be a number, got string "high"/);
    bad(await one(`python3 -c "import json; print(json.dumps({'fitness': 1, 'descriptors': [1, 2, 3]}))"`, { descriptorCount: 2 }), "invalid output: descriptors: expected 2 descriptors, got 3");
    ok(await one(`python3 -c "import json; print('progress...'); print(json.dumps({'fitness': 1, 'descriptors': [1, 2]}))"`, { descriptorCount: 2 }));
  });

  it("command not found / not executable / bad batch answer", async () => {
    bad(await one("definitely-not-a-command-qd --x"), /command not found: definitely-not-a-command-qd/);
    const p = await script("noexec.sh", "echo hi\n");
    bad(await one(p), /command not executable/);
    const ev = createEvaluator({ type: "command", command: `python3 -c "import json; print(json.dumps({'results': [{'fitness': 1}]}))"`, batch: true });
    const rs = await ev.evaluate([
      { id: "a", genome: 1 },
      { id: "b", genome: 2 },
    ]);
    bad(rs[0], "bad output: expected 2 results, got 1");
    bad(rs[1], "bad output: expected 2 results, got 1");
    await ev.close();
  });

  it("a program that ignores stdin still works", async () => {
    const big = Array.from({ length: 300_000 }, (_, i) => i);
    const ev = createEvaluator({ type: "command", command: `python3 -c "print('{\\"fitness\\": 3}')"` });
    const [r] = await ev.evaluate([{ id: "big", genome: big }]);
    expect(ok(r).fitness).toBe(3);
    await ev.close();
  });

  it("the worker's secrets never reach the evaluator's environment", async () => {
    const p = await script(
      "env.py",
      "import os, sys, json\nenv = dict(os.environ)\nprint(json.dumps(env), file=sys.stderr)\nprint(json.dumps({'fitness': len(env), 'metrics': {k: float(len(v)) for k, v in env.items()}}))\n",
    );
    const ev = createEvaluator({ type: "command", command: `python3 ${p}`, env: { MY_SETTING: "42" } });
    const [r] = await ev.evaluate([{ id: "x", genome: null }]);
    const res = ok(r);
    // Only what we pass, plus what a wrapper shell (e.g. a pyenv shim) sets itself.
    const keys = Object.keys(res.metrics!).filter((k) => !/^(PWD|OLDPWD|SHLVL|_|_?PYENV\w*)$/.test(k));
    expect(keys.sort()).toEqual(["HOME", "LANG", "MY_SETTING", "PATH", "TMPDIR"]);
    expect(res.logs).not.toContain(SECRET);
    expect(res.logs).not.toContain(WEBHOOK_SECRET);
    expect(JSON.stringify(res)).not.toContain("QD_TEST_SECRET");
    const env = JSON.parse(res.logs!) as Record<string, string>;
    expect(env.MY_SETTING).toBe("42");
    expect(env.HOME).not.toBe(process.env.HOME);
    // Same through a shell: `env` prints everything the process can see.
    const ev2 = createEvaluator({ type: "command", command: `sh -c 'env >&2; echo "{\\"fitness\\": 0}"'` });
    const [r2] = await ev2.evaluate([{ id: "y", genome: 1 }]);
    expect(ok(r2).logs).not.toContain(SECRET);
    expect(r2!.logs).not.toContain("DATABASE_URL");
    await Promise.all([ev.close(), ev2.close()]);
    expect(existsSync(env.HOME!)).toBe(false); // private HOME removed on close
  });

  it("javascript evaluators cannot see the environment either", async () => {
    const ev = createEvaluator({
      type: "javascript",
      code: `function evaluate(g){ let found = []; try { found.push(process.env.QD_TEST_SECRET) } catch (e) { found.push(String(e)) } return { fitness: 1, metrics: { leaked: JSON.stringify(found).includes("${SECRET.slice(0, 8)}") ? 1 : 0 } } }`,
    });
    const [r] = await ev.evaluate([{ id: "z", genome: 0 }]);
    expect(ok(r).metrics).toEqual({ leaked: 0 });
    await ev.close();
  });
});

describe("webhook evaluator", () => {
  type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
  let server: Server;
  let url = "";
  let handler: Handler = (_q, _b, res) => res.end();
  const seen: Array<{ body: string; headers: IncomingMessage["headers"]; at: number }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        seen.push({ body: body.toString(), headers: req.headers, at: Date.now() });
        handler(req, body, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/eval`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const json = (res: ServerResponse, status: number, obj: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(obj));
  };
  const signedSphere: Handler = (req, body, res) => {
    if (!verifySignature(body, req.headers, WEBHOOK_SECRET)) return json(res, 401, { error: "bad signature" });
    const b = JSON.parse(body.toString()) as { genome?: number[]; candidates?: Array<{ genome: number[] }> };
    const f = (g: number[]) => ({ fitness: -g.reduce((s, x) => s + x * x, 0), descriptors: [g[0], g[1]] });
    return b.candidates ? json(res, 200, { results: b.candidates.map((c) => f(c.genome)) }) : json(res, 200, f(b.genome!));
  };
  const base = () => ({ type: "webhook" as const, url, secretEnv: "QD_WEBHOOK_SECRET_TEST", backoffMs: 20, descriptorCount: 2 });

  it("signs requests (verified by the receiver), single and batch; the secret is never sent", async () => {
    handler = signedSphere;
    seen.length = 0;
    const ev = createEvaluator(base());
    const rs = await ev.evaluate([
      { id: "a", genome: [1, 2] },
      { id: "b", genome: [0, 3] },
    ]);
    expect(ok(rs[0])).toMatchObject({ fitness: -5, descriptors: [1, 2] });
    expect(ok(rs[1]).fitness).toBe(-9);
    const evb = createEvaluator({ ...base(), batch: true });
    const rb = await evb.evaluate([
      { id: "a", genome: [1, 2] },
      { id: "b", genome: [0, 3] },
    ]);
    expect(rb.map((r) => ok(r).fitness)).toEqual([-5, -9]);
    expect(seen).toHaveLength(3);
    expect(JSON.parse(seen[2]!.body)).toEqual({ candidates: [{ id: "a", genome: [1, 2] }, { id: "b", genome: [0, 3] }] });
    for (const s of seen) {
      expect(s.headers["x-qd-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(JSON.stringify(s)).not.toContain(WEBHOOK_SECRET);
    }
    // Without the right secret the receiver refuses: 4xx is not retried.
    seen.length = 0;
    const wrong = createEvaluator(base(), { env: { QD_WEBHOOK_SECRET_TEST: "wrong" } });
    bad((await wrong.evaluate([{ id: "a", genome: [1, 2] }]))[0], /^HTTP 401: .*bad signature/);
    expect(seen).toHaveLength(1);
    const missing = createEvaluator(base(), { env: {} });
    bad((await missing.evaluate([{ id: "a", genome: [1, 2] }]))[0], /QD_WEBHOOK_SECRET_TEST is not set/);
    await Promise.all([ev.close(), evb.close(), wrong.close(), missing.close()]);
  });

  it("retries 503 with backoff, then succeeds (each attempt freshly signed)", async () => {
    let n = 0;
    seen.length = 0;
    handler = (req, body, res) => (++n <= 2 ? json(res, 503, { error: "busy" }) : signedSphere(req, body, res));
    const ev = createEvaluator(base());
    const [r] = await ev.evaluate([{ id: "a", genome: [1, 1] }]);
    expect(ok(r).fitness).toBe(-2);
    expect(n).toBe(3);
    expect(seen[2]!.at - seen[0]!.at).toBeGreaterThanOrEqual(40); // 20 ms + 40 ms backoff (±20 %)
    // Exhausted retries report the last status.
    handler = (_q, _b, res) => json(res, 502, { error: "down" });
    const ev2 = createEvaluator({ ...base(), retries: 2 });
    bad((await ev2.evaluate([{ id: "a", genome: [1, 1] }]))[0], /^HTTP 502: .*down.* \(after 3 attempts\)$/);
    await Promise.all([ev.close(), ev2.close()]);
  });

  it("honours Retry-After on 429", async () => {
    let n = 0;
    seen.length = 0;
    handler = (req, body, res) => (++n === 1 ? json(res, 429, { error: "slow down" }, { "retry-after": "1" }) : signedSphere(req, body, res));
    const ev = createEvaluator(base());
    const [r] = await ev.evaluate([{ id: "a", genome: [2, 0] }]);
    expect(ok(r).fitness).toBe(-4);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    await ev.close();
  });

  it("times out a receiver that does not answer (not retried by default)", async () => {
    seen.length = 0;
    handler = () => {
      /* never answer */
    };
    const ev = createEvaluator({ ...base(), timeoutMs: 300 });
    const r = bad((await ev.evaluate([{ id: "a", genome: [1, 1] }]))[0], "timed out after 300 ms");
    expect(r.error).not.toMatch(/attempts/); // one attempt: a retry would say "(after 2 attempts)"
    // The receiver (in this process) may read the request only after the evaluator gave up on it.
    await waitFor(async () => seen.length > 0, POLL_CEILING_MS, "the receiver to see the request");
    expect(seen).toHaveLength(1);
    await ev.close();
  });

  it("network errors are retried, then reported", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const ev = createEvaluator({ ...base(), url: `http://127.0.0.1:${port}/`, retries: 2, backoffMs: 5 });
    bad((await ev.evaluate([{ id: "a", genome: [1, 1] }]))[0], /network error: ECONNREFUSED \(after 3 attempts\)/);
    await ev.close();
  });

  it("bad responses: invalid JSON, NaN, wrong batch length", async () => {
    handler = (_q, _b, res) => res.end("not json");
    const ev = createEvaluator(base());
    bad((await ev.evaluate([{ id: "a", genome: [1, 1] }]))[0], /bad JSON in response/);
    handler = (_q, _b, res) => res.end('{"fitness": NaN, "descriptors": [0, 0]}');
    bad((await ev.evaluate([{ id: "a", genome: [1, 1] }]))[0], "invalid output: fitness: must be a finite number, got NaN");
    handler = (_q, _b, res) => json(res, 200, { results: [] });
    const evb = createEvaluator({ ...base(), batch: true });
    bad((await evb.evaluate([{ id: "a", genome: [1, 1] }]))[0], "bad response: expected 1 results, got 0");
    await Promise.all([ev.close(), evb.close()]);
  });

  it("works with examples/webhook/server.mjs", async () => {
    const child: ChildProcess = spawn(process.execPath, [join(ROOT, "examples/webhook/server.mjs")], {
      env: { PATH: process.env.PATH, QD_WEBHOOK_SECRET: WEBHOOK_SECRET, PORT: "0" } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const exampleUrl = await new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(d.toString());
          if (m) resolve(m[1]!);
        });
        child.once("exit", (c) => reject(new Error(`example exited ${c}`)));
      });
      const ev = createEvaluator({ ...base(), url: exampleUrl, batch: true });
      const rs = await ev.evaluate([
        { id: "a", genome: [2.048, 2.048] },
        { id: "b", genome: [1, 2, 3, 4] },
      ]);
      expect(ok(rs[0]).fitness).toBeCloseTo(100, 9);
      expect(ok(rs[1]).descriptors).toEqual([3, 7]);
      const wrong = createEvaluator({ ...base(), url: exampleUrl }, { env: { QD_WEBHOOK_SECRET_TEST: "nope" } });
      bad((await wrong.evaluate([{ id: "a", genome: [1, 1] }]))[0], /HTTP 401/);
      await Promise.all([ev.close(), wrong.close()]);
    } finally {
      child.kill();
    }
  });
});
