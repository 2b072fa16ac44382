import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * A larger young generation for the web server. Every API request allocates short-lived objects
 * (Next.js's request/response wrappers, web streams, query rows, megabyte archive bodies); with V8's
 * default 16 MB semi-spaces the scavenger ran so often that garbage collection was ~9% of the
 * server's samples during a live run with readers (bench/reads-under-load.ts --cpu-prof).
 * Fewer, larger scavenges cost less in total, for ~150 MB more memory at most.
 */
export const WEB_SEMI_SPACE_MB = 64;

/**
 * The node arguments that run the web server as `npm start` does (the tests and benches use the same):
 * the preload that lets handlers send bodies compressed once (scripts/web-preload.mjs), the heap
 * setting above, then `next start`.
 */
export function webServerArgs(root: string, port: number, host: string): string[] {
  return [
    `--max-semi-space-size=${WEB_SEMI_SPACE_MB}`,
    "--import",
    pathToFileURL(path.join(root, "scripts", "web-preload.mjs")).href,
    path.join(root, "node_modules", "next", "dist", "bin", "next"),
    "start",
    "-p",
    String(port),
    "-H",
    host,
  ];
}
