/**
 * Names the functions of a page's CPU profile (Chrome DevTools Protocol `Profiler.stop`) through the
 * production build's browser source maps, so "anonymous function in chunk 0k7k…" becomes
 * "components/archive/store.ts:120 applyImproved". Source maps exist only in a build made with
 * NEXT_BROWSER_SOURCE_MAPS=1 (next.config.ts); without them the minified positions are printed.
 */
import fs from "node:fs";
import path from "node:path";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";

export interface CdpProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  selfMs: number;
  totalMs: number;
}

/** Top functions by self time and by total (inclusive) time, each named by its original source position when a map exists. */
export function hotFunctions(profile: CdpProfile, buildDir: string, top = 25): { self: HotFunction[]; total: HotFunction[]; mapped: boolean } {
  const maps = new Map<string, TraceMap | null>();
  const mapFor = (url: string): TraceMap | null => {
    const m = /\/_next\/(static\/.+\.js)(\?.*)?$/.exec(url);
    if (!m) return null;
    if (!maps.has(m[1]!)) {
      // The chunk names its map in its last line (Turbopack's map names differ from the chunk's).
      const chunk = path.join(buildDir, m[1]!);
      const ref = fs.existsSync(chunk) ? /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(chunk, "utf8").slice(-500))?.[1] : undefined;
      const file = ref && !ref.startsWith("data:") ? path.join(path.dirname(chunk), ref) : null;
      maps.set(m[1]!, file && fs.existsSync(file) ? new TraceMap(fs.readFileSync(file, "utf8")) : null);
    }
    return maps.get(m[1]!) ?? null;
  };
  let mapped = false;
  const label = (f: CdpProfile["nodes"][number]["callFrame"]): string => {
    if (!f.url) return f.functionName || "(program)";
    const map = mapFor(f.url);
    // A chunk's top-level evaluation has no position (line -1): nothing to map.
    if (map && f.lineNumber >= 0) {
      const pos = originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber });
      if (pos.source) {
        mapped = true;
        const src = pos.source.replace(/^turbopack:\/\/\/\[project\]\//, "");
        return `${f.functionName || pos.name || "(anonymous)"} ${src}:${pos.line}`;
      }
    }
    return `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}:${f.columnNumber}`;
  };

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const names = new Map<number, string>();
  const nameOf = (id: number) => {
    let s = names.get(id);
    if (s === undefined) names.set(id, (s = label(byId.get(id)!.callFrame)));
    return s;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    self.set(nameOf(id), (self.get(nameOf(id)) ?? 0) + ms);
    // Inclusive time: every distinct function on the sampled stack (recursion counted once).
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = nameOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  });
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name]) => ({ name, selfMs: Math.round(self.get(name) ?? 0), totalMs: Math.round(total.get(name) ?? 0) }));
  return { self: rows(self), total: rows(total).filter((r) => !/^\((root|program|idle)\)/.test(r.name)), mapped };
}
