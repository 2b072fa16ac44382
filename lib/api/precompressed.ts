/**
 * Bodies compressed once and sent as they are: a handler that holds a gzipped copy names its encoding in
 * X-QD-Content-Encoding, which scripts/web-preload.mjs turns into Content-Encoding (Next.js would drop
 * or redo a handler's own Content-Encoding). Without the preload (`next dev`) handlers send plain bodies.
 */

/** Read by scripts/web-preload.mjs, which turns it into Content-Encoding. */
export const PRECOMPRESSED_HEADER = "x-qd-content-encoding";

/** True when the web server runs with scripts/web-preload.mjs. */
export function precompressedBodies(): boolean {
  return (globalThis as { __qdPrecompressedBodies?: boolean }).__qdPrecompressedBodies === true;
}

/** Accept-Encoding allows gzip (listed, or `*`, with a non-zero q). */
export function acceptsGzip(req: Request): boolean {
  const header = req.headers.get("accept-encoding");
  if (!header) return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (name === "gzip" || name === "x-gzip") gzip = Number.isFinite(q) ? q : 0;
    else if (name === "*") any = Number.isFinite(q) ? q : 0;
  }
  return (gzip ?? any ?? 0) > 0;
}

