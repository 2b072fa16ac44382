/**
 * Summarises a V8 CPU profile of the web server (Node: `Profiler.stop` through node:inspector):
 * where its CPU went by area (Next.js runtime, Prisma, node-postgres, our code, Node internals, GC)
 * and the top functions by self time, named through the server chunks' source maps
 * (.next/server/chunks/*.js.map) so a bundled function reads as "lib/api/archive.ts:251 archiveResponse".
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import type { CdpProfile } from "./profile-names";

export interface ServerProfileSummary {
  /** Sampled wall time of the profile and the part the process was busy (not idle). */
  sampledMs: number;
  busyMs: number;
  byArea: Record<string, number>;
  topSelf: { name: string; selfMs: number; totalMs: number }[];
}

const maps = new Map<string, TraceMap | null>();
function mapFor(file: string): TraceMap | null {
  if (!maps.has(file)) {
    const m = `${file}.map`;
    let map: TraceMap | null = null;
    try {
      if (fs.existsSync(m)) map = new TraceMap(fs.readFileSync(m, "utf8"));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return maps.get(file)!;
}

/** The original source (project-relative or package path) and line of a frame, when a map knows it. */
function original(url: string, line: number, column: number): { source: string; line: number; name?: string } | null {
  if (!url.startsWith("file://")) return null;
  const file = fileURLToPath(url);
  const map = file.includes("/.next/") ? mapFor(file) : null;
  if (!map) return null;
  const pos = originalPositionFor(map, { line: line + 1, column });
  if (!pos.source) return null;
  const source = pos.source.replace(/^turbopack:\/\/\/\[project\]\//, "").replace(/^.*\/node_modules\//, "node_modules/");
  return { source, line: pos.line ?? 0, name: pos.name ?? undefined };
}

function areaOf(fn: string, url: string, source: string | undefined): string {
  if (fn === "(idle)") return "idle";
  if (fn === "(garbage collector)") return "gc";
  if (fn === "(program)") return "program (native, unattributed)";
  const where = source ?? url;
  if (/node_modules\/next\//.test(where) || /\/next\/dist\//.test(where)) return "next";
  if (/@prisma|lib\/generated\/prisma/.test(where)) return "prisma";
  if (/node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z]+)\//.test(where)) return "pg";
  if (/undici|node:internal\/deps\/undici/.test(where)) return "undici";
  if (/node_modules\/(react|react-dom|react-server-dom-[a-z]+)/.test(where)) return "react";
  if (/node_modules\/zod\//.test(where)) return "zod";
  if (/node_modules\/(bullmq|ioredis)\//.test(where)) return "bullmq/ioredis";
  if (/^(app|lib|components|proxy\.ts)/.test(where)) return "ours";
  if (where.startsWith("node:") || where === "") return "node internals";
  return "other";
}

export function summarizeServerProfile(profile: CdpProfile, top = 30): ServerProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const info = new Map<number, { name: string; area: string }>();
  const infoOf = (id: number) => {
    let r = info.get(id);
    if (!r) {
      const f = byId.get(id)!.callFrame;
      const o = original(f.url, f.lineNumber, f.columnNumber);
      const fn = f.functionName || o?.name || "(anonymous)";
      const place = o ? `${o.source}:${o.line}` : f.url ? `${f.url.replace(/^file:\/\/.*\/(node_modules|\.next)\//, "$1/")}:${f.lineNumber + 1}` : "";
      r = { name: place ? `${fn} ${place}` : fn, area: areaOf(f.functionName, f.url, o?.source) };
      info.set(id, r);
    }
    return r;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const byArea: Record<string, number> = {};
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    sampled += ms;
    const me = infoOf(id);
    self.set(me.name, (self.get(me.name) ?? 0) + ms);
    byArea[me.area] = (byArea[me.area] ?? 0) + ms;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = infoOf(n).name;
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  });
  for (const k of Object.keys(byArea)) byArea[k] = Math.round(byArea[k]!);
  const topSelf = [...self]
    .filter(([name]) => name !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, selfMs: Math.round(ms), totalMs: Math.round(total.get(name) ?? 0) }));
  return { sampledMs: Math.round(sampled), busyMs: Math.round(sampled - (byArea.idle ?? 0)), byArea, topSelf };
}

/** Top functions by inclusive time (what a request path costs end to end), for names matching `filter`. */
export function inclusiveTimes(profile: CdpProfile, filter: RegExp, top = 30): { name: string; totalMs: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const names = new Map<number, string>();
  const nameOf = (id: number) => {
    let s = names.get(id);
    if (s === undefined) {
      const f = byId.get(id)!.callFrame;
      const o = original(f.url, f.lineNumber, f.columnNumber);
      s = `${f.functionName || o?.name || "(anonymous)"}${o ? ` ${o.source}:${o.line}` : ""}`;
      names.set(id, s);
    }
    return s;
  };
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = nameOf(n);
      if (seen.has(k) || !filter.test(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  });
  return [...total].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, totalMs: Math.round(ms) }));
}
