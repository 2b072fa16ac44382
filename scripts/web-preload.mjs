/**
 * Preloaded into the web server (`node --import ./scripts/web-preload.mjs … scripts/web-server.ts`, as
 * `npm start` and the tests run it: lib/runtime/web-server-args.ts) so that route handlers can answer
 * with a body compressed once and reused. (The direct path for polled reads, lib/runtime/fast-reads.ts,
 * writes handlers' headers with setHeader too, so the renaming below applies there as well.)
 *
 * Next.js drops a route handler's Content-Encoding header (it assumes the body may have been decoded
 * by fetch) and compresses compressible responses itself, once per request, at zlib's default level:
 * for the 1 MB archive that is the largest cost of a read. A handler that sends an already gzipped
 * body names its encoding in X-QD-Content-Encoding instead; this module turns that header into
 * Content-Encoding as Next.js copies the headers onto the Node response, before its compression
 * middleware looks (it leaves a response that already has a Content-Encoding alone, and adds
 * Vary: Accept-Encoding). Handlers check the flag below, so without this preload (`next dev`) they
 * send plain bodies and Next.js compresses them as before.
 */
import http from "node:http";

const RENAMED = "x-qd-content-encoding";
const proto = http.ServerResponse.prototype;

for (const method of ["setHeader", "appendHeader"]) {
  const original = proto[method];
  if (typeof original !== "function") continue;
  proto[method] = function (name, value) {
    if (typeof name === "string" && name.toLowerCase() === RENAMED) return original.call(this, "content-encoding", value);
    return original.call(this, name, value);
  };
}

globalThis.__qdPrecompressedBodies = true;
