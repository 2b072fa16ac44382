// A running QD Studio web server for API tests: the production server `npm start` runs
// (scripts/web-server.ts: Next.js behind the direct path for polled reads) on a random
// loopback port, wired to a test stack's database and queue namespace.
//
// Why production and not `next dev`: one `next dev` per project directory is allowed
// (Next 16 takes a lock on .next/dev), and a developer may be running one; a
// production build is shared read-only by any number of `next start` processes,
// starts in about a second, and answers the first request of each route at once.
// The build (~20 s) happens only when the sources changed since the last one
// (the stamp `npm test` uses too).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { buildIsCurrent, recordBuild } from "@/lib/runtime/build-stamp";
import { freePort } from "./ports";
import { nextStartArgs, webServerArgs } from "@/lib/runtime/web-server-args";

export { freePort };

const defaultRoot = path.resolve(import.meta.dirname, "../..");

export interface ApiServer {
  url: string;
  mode: "start";
  child: ChildProcess;
  output(): string;
  /** fetch relative to the server (`/api/...`). */
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Builds .next unless the build is current for the sources (the same stamp `npm test`
 * and `npm start` use), one process at a time: concurrent test files wait for the first.
 * `next build` keeps .next/dev, so a developer's `next dev` is not disturbed.
 */
export async function ensureBuild(root: string = defaultRoot): Promise<"reused" | "built"> {
  if (buildIsCurrent(root)) return "reused";
  const lock = path.join(os.tmpdir(), `qd-studio-build-${Buffer.from(root).toString("hex").slice(-24)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes is stale.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for another test's next build");
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (buildIsCurrent(root)) return "reused";
    const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    if (code !== 0) throw new Error(`next build failed (${code}):\n${out.slice(-4000)}`);
    recordBuild(root);
    return "built";
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `root`: another checkout's build to serve (benches comparing two versions side by side); default this one.
 * `nextStart`: `next start` alone, without the direct path for polled reads (the reference it is tested against).
 */
export async function startApiServer(env: NodeJS.ProcessEnv, options: { extraEnv?: Record<string, string>; root?: string; nextStart?: boolean } = {}): Promise<ApiServer> {
  const root = options.root ?? defaultRoot;
  const port = await freePort();
  await ensureBuild(root);
  const mode = "start" as const;
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    ...options.extraEnv,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete (childEnv as Record<string, string | undefined>).NODE_ENV; // next sets its own
  // The same node arguments as `npm start` (the compression preload, the direct path).
  const args = (options.nextStart ? nextStartArgs : webServerArgs)(root, port, "127.0.0.1");
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${mode} server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`the ${mode} server did not answer within 90 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    mode,
    child,
    output: () => out,
    fetch: (pathname, init) => fetch(url + pathname, init),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
