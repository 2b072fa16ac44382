/**
 * Throughput of the Python client's ask/tell loop (examples/python/pyribs_port.py: pyribs'
 * sphere-100 evaluated in Python with numpy, archive and emitter on the server) against a
 * local `next start`. Target: >= 20,000 evaluations/s with large batches.
 * Prints one JSON object: { runs: [{ batch, prefetch, evaluations, seconds, evaluationsPerSecond, … }], best }.
 *
 *   npx tsx bench/python-client.ts [--budget 200000] [--batches 2000,10000]
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";

const { values } = parseArgs({ options: { budget: { type: "string", default: "200000" }, batches: { type: "string", default: "2000,10000" } } });
const root = path.resolve(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`[bench:python-client] ${s}\n`);

const stack = await createTestStack();
const server = await startApiServer(stack.env).catch(async (e) => {
  await stack.stop();
  throw e;
});
try {
  const runs: Record<string, unknown>[] = [];
  for (const batch of values.batches.split(",").map(Number)) {
    for (const prefetch of [false, true]) {
      log(`batch ${batch}${prefetch ? ", prefetch" : ""}: ${values.budget} evaluations`);
      const args = [path.join(root, "examples/python/pyribs_port.py"), "--url", server.url, "--batch", String(batch), "--budget", values.budget, "--json", ...(prefetch ? ["--prefetch"] : [])];
      const r = spawnSync("python3", args, { encoding: "utf8", env: { ...process.env, PYTHONPATH: path.join(root, "clients/python") } });
      if (r.status !== 0) throw new Error(`pyribs_port.py failed (${r.status}):\n${r.stderr.slice(-3000)}`);
      const figures = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      log(`  ${figures.evaluationsPerSecond} evaluations/s`);
      runs.push(figures);
    }
  }
  const best = runs.reduce((a, b) => ((b.evaluationsPerSecond as number) > (a.evaluationsPerSecond as number) ? b : a));
  console.log(JSON.stringify({ target: 20_000, runs, best: { batch: best.batch, prefetch: best.prefetch, evaluationsPerSecond: best.evaluationsPerSecond } }));
} finally {
  await server.stop();
  await stack.stop();
}
