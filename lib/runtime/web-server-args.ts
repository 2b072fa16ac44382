import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The node arguments that run the web server as `npm start` does (the tests and benches use the same):
 * the preload that lets handlers send bodies compressed once (scripts/web-preload.mjs), then
 * scripts/web-server.ts: Next.js's production server behind a listener that serves the polled reads
 * directly (lib/runtime/fast-reads.ts).
 * (A larger young generation, --max-semi-space-size=64, was tried in session 8 against GC's 6–9% of the
 * samples; the archive A/B showed no gain at load ~20, so it is not set: docs/scaling.md.)
 */
export function webServerArgs(root: string, port: number, host: string): string[] {
  const server = path.join(root, "scripts", "web-server.ts");
  // A checkout from before the direct path (a bench's --compare of main) is served as its own code served it.
  if (!fs.existsSync(server)) return nextStartArgs(root, port, host);
  return ["--import", preload(root), "--import", "tsx", server, "-p", String(port), "-H", host];
}

/** `next start` alone with the same preload: every request through Next.js (the direct path's reference in tests). */
export function nextStartArgs(root: string, port: number, host: string): string[] {
  return ["--import", preload(root), path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", host];
}

const preload = (root: string) => pathToFileURL(path.join(root, "scripts", "web-preload.mjs")).href;
