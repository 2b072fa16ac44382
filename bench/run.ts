/**
 * `npm run bench`: runs every benchmark under bench/ (each prints one JSON
 * object on stdout, progress on stderr) and prints them as one JSON object.
 * `npm run bench -- engine pipeline` runs a subset.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
/** Modules the benchmarks import (and this runner): not benchmarks themselves. */
const HELPERS = new Set(["run", "pipeline-config", "proc-cpu", "profile-names"]);
const all = fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, "")).filter((n) => !HELPERS.has(n));
const wanted = process.argv.slice(2);
const names = wanted.length ? all.filter((n) => wanted.includes(n)) : all;

const results: Record<string, unknown> = {};
for (const name of names) {
  process.stderr.write(`[bench] ${name}…\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, `${name}.ts`)], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  try {
    results[name] = JSON.parse(r.stdout);
  } catch {
    results[name] = { error: `exit ${r.status}`, output: r.stdout.slice(-2000) };
  }
}
console.log(JSON.stringify({ machine: { cpus: (await import("node:os")).availableParallelism(), node: process.version }, results }, null, 2));
