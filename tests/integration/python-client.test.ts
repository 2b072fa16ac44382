import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

// The Python client (clients/python) as a user gets it: pip-installed offline into a
// temporary directory, run by the machine's python3 against a real server (PostgreSQL,
// Redis, a worker), with its own stdlib unittest suite (clients/python/tests).

const root = path.resolve(import.meta.dirname, "../..");
const TOKEN = "py-client-token-9f2c";

let stack: TestStack;
let server: ApiServer;
let secured: ApiServer;
let target: string;

function run(cmd: string, args: string[], env: Record<string, string> = {}, ms = 600_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

beforeAll(async () => {
  stack = await createTestStack();
  stack.startWorker();
  [server, secured] = await Promise.all([startApiServer(stack.env), startApiServer(stack.env, { extraEnv: { QD_API_TOKEN: TOKEN } })]);
  target = fs.mkdtempSync(path.join(os.tmpdir(), "qdstudio-py-"));
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await secured?.stop();
  await stack?.stop();
  if (target) fs.rmSync(target, { recursive: true, force: true });
});

const pythonEnv = () => ({ PYTHONPATH: target, QD_STUDIO_URL: server.url, QD_STUDIO_SECURED_URL: secured.url, QD_STUDIO_SECURED_TOKEN: TOKEN, QD_API_TOKEN: "" });

describe("the Python client", () => {
  it("installs with pip offline (no index, no build isolation), typed", async () => {
    const r = await run("python3", ["-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps", "--target", target, path.join(root, "clients/python")], { PIP_DISABLE_PIP_VERSION_CHECK: "1" });
    expect(r.code, r.out).toBe(0);
    expect(fs.existsSync(path.join(target, "qdstudio/py.typed"))).toBe(true);
    expect(fs.existsSync(path.join(target, "qdstudio/_models.py"))).toBe(true);
    const where = await run("python3", ["-c", "import qdstudio, sys; print(qdstudio.__file__)"], { PYTHONPATH: target });
    expect(where.out.trim()).toBe(path.join(target, "qdstudio/__init__.py"));
  }, 120_000);

  it("passes its unittest suite against the real server (every method and error path)", async () => {
    const r = await run("python3", ["-m", "unittest", "discover", "-v", "-s", path.join(root, "clients/python/tests")], pythonEnv());
    expect(r.out).toMatch(/^OK/m);
    expect(r.code, r.out.slice(-6000)).toBe(0);
    expect(r.out).not.toMatch(/skipped '(QD_STUDIO|tools)/); // auth and model-drift tests really ran
  }, 600_000);

  it("works without numpy (lists instead of arrays)", async () => {
    const r = await run("python3", ["-m", "unittest", "discover", "-s", path.join(root, "clients/python/tests"), "-k", "AskTellTest", "-k", "TransportTest"], { ...pythonEnv(), QDSTUDIO_HIDE_NUMPY: "1" });
    expect(r.code, r.out.slice(-6000)).toBe(0);
  }, 300_000);

  it("runs the pyribs port and the notebook-style example", async () => {
    const port = await run("python3", [path.join(root, "examples/python/pyribs_port.py"), "--url", server.url, "--iterations", "5", "--json"], pythonEnv());
    expect(port.code, port.out).toBe(0);
    const figures = JSON.parse(port.out.trim().split("\n").at(-1)!);
    expect(figures).toMatchObject({ evaluations: 2700, status: "completed" });
    expect(figures.coverage).toBeGreaterThan(0);

    const nb = await run("python3", [path.join(root, "examples/python/notebook.py"), "--url", server.url, "--budget", "2000", "--plot", path.join(target, "archive.png")], pythonEnv());
    expect(nb.code, nb.out).toBe(0);
    expect(nb.out).toMatch(/100%/);
    expect(nb.out).toMatch(/completed/);
  }, 300_000);
});
