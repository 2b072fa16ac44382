/**
 * The web server `npm start`, the tests and the benches run (lib/runtime/web-server-args.ts):
 * Next.js's production server (custom-server API, the same request handler `next start` uses,
 * compression included) behind a node:http listener that serves the polled reads itself
 * (lib/runtime/fast-reads.ts) and hands every other request to Next.js.
 *
 *   node --import ./scripts/web-preload.mjs --import tsx scripts/web-server.ts -p PORT -H HOST
 */
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildHandlers, matchFastRead, serveFastRead, type FastReadServer } from "@/lib/runtime/fast-reads";

// What `next start` sets before it loads anything (React's production build, Next's own checks).
(process.env as Record<string, string>).NODE_ENV = "production";

const { values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? "0.0.0.0";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."); // as scripts/start.ts (Node >= 20.9)
const requireFromRoot = createRequire(path.join(root, "package.json"));

const { default: next } = (await import("next")) as unknown as { default: (options: { dir: string; dev: boolean; hostname: string; port: number }) => NextApp };
interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
}
const compression = requireFromRoot("next/dist/compiled/compression") as () => (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
const { releaseCompressionStream } = requireFromRoot("next/dist/server/lib/release-compression-stream") as { releaseCompressionStream(res: http.ServerResponse): void };

const app = next({ dir: root, dev: false, hostname, port });
await app.prepare();
const handleByNext = app.getRequestHandler();
const gzip = compression();

const fast: FastReadServer = {
  port,
  handler: buildHandlers(root),
  // As Next.js's router server applies it (next.config.ts leaves `compress` on).
  compress(req, res) {
    gzip(req, res, () => {});
    res.once("close", () => {
      if (!res.writableFinished) releaseCompressionStream(res);
    });
  },
};

const ignore = () => {};
const server = http.createServer((req, res) => {
  const read = matchFastRead(req.method, req.url, req.headers.host);
  if (read) {
    // As Next.js's router server: a socket error on either side ends this request, not the process.
    req.on("error", ignore);
    res.on("error", ignore);
    serveFastRead(req, res, read, fast).catch((error: unknown) => {
      console.error("[web] direct read failed:", error);
      res.destroy();
    });
  } else {
    void handleByNext(req, res);
  }
});
server.listen(port, hostname, () => console.log(`[web] listening on http://${hostname}:${port}`));

// As `next start`: exit on a termination signal (128 + signal number).
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));
