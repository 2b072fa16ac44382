import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The node arguments that run the web server as `npm start` does (the tests and benches use the same):
 * the preload that lets handlers send bodies compressed once (scripts/web-preload.mjs), then `next start`.
 * (A larger young generation, --max-semi-space-size=64, was tried in session 8 against GC's 6–9% of the
 * samples; the archive A/B showed no gain at load ~20, so it is not set: docs/scaling.md.)
 */
export function webServerArgs(root: string, port: number, host: string): string[] {
  return ["--import", pathToFileURL(path.join(root, "scripts", "web-preload.mjs")).href, path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", host];
}
