import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The layering the code relies on: the engine (lib/qd) is pure and usable on its own, the store
 * (lib/db) needs only the experiment config's types, the web app never reaches into the workers,
 * and the workers' modules form no import cycle.
 */
const root = path.resolve(__dirname, "..");

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(path.join(root, dir))) {
    if (name === "generated" || name === "node_modules") continue;
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) files(rel, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

/** Static imports of a file: [specifier, type-only]. */
function imports(file: string): [string, boolean][] {
  const src = readFileSync(path.join(root, file), "utf8");
  return [...src.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => [m[2]!, !!m[1]]);
}

/** A specifier as a repository path without extension, or null for packages. */
function resolve(from: string, spec: string): string | null {
  if (spec.startsWith("@/")) return spec.slice(2);
  if (spec.startsWith(".")) return path.join(path.dirname(from), spec);
  return null;
}

describe("import graph", () => {
  it("lib/qd imports nothing outside itself (node built-ins aside)", () => {
    const bad = files("lib/qd").flatMap((f) =>
      imports(f)
        .filter(([s]) => {
          const target = resolve(f, s);
          return target ? !target.startsWith("lib/qd") : !s.startsWith("node:");
        })
        .map(([s]) => `${f} → ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it("lib/db takes only types from lib/experiments", () => {
    const bad = files("lib/db").flatMap((f) =>
      imports(f)
        .filter(([s, typeOnly]) => !typeOnly && resolve(f, s)?.startsWith("lib/experiments"))
        .map(([s]) => `${f} → ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it("the web app and the libraries never import the workers", () => {
    const bad = ["app", "components", "lib"].flatMap((d) =>
      files(d).flatMap((f) => imports(f).filter(([s]) => resolve(f, s)?.startsWith("workers")).map(([s]) => `${f} → ${s}`)),
    );
    expect(bad).toEqual([]);
  });

  it("the workers' modules form no import cycle", () => {
    const all = files("workers");
    const known = new Set(all.map((f) => f.replace(/\.tsx?$/, "")));
    const key = (p: string) => (known.has(p) ? p : known.has(`${p}/index`) ? `${p}/index` : null);
    const edges = new Map(all.map((f) => [f.replace(/\.tsx?$/, ""), imports(f).map(([s]) => resolve(f, s)).flatMap((t) => (t && key(t) ? [key(t)!] : []))]));
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (n: string, trail: string[]) => {
      if (state.get(n) === "done") return;
      if (state.get(n) === "open") return void cycles.push([...trail.slice(trail.indexOf(n)), n].join(" → "));
      state.set(n, "open");
      for (const m of edges.get(n) ?? []) visit(m, [...trail, n]);
      state.set(n, "done");
    };
    for (const n of edges.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });

  it("the registries stay browser-safe: only *.server modules reach Node or the evaluators, and no component imports them", () => {
    const serverOnly = (s: string, target: string | null) => s.startsWith("node:") || target === "lib/evaluators" || target === "lib/evaluators/index" || target === "lib/tasks" || target === "lib/tasks/index" || /\.server$/.test(s);
    const bad = [
      ...files("lib/registry")
        .filter((f) => !/\.server\.tsx?$/.test(f))
        .flatMap((f) => imports(f).filter(([s]) => serverOnly(s, resolve(f, s))).map(([s]) => `${f} → ${s}`)),
      ...files("components").flatMap((f) => imports(f).filter(([s]) => /\.server$/.test(s)).map(([s]) => `${f} → ${s}`)),
    ];
    expect(bad).toEqual([]);
  });
});
