// In-process profile of ask/tell (sphere-100, batch 10000) against a test stack.
import { createTestStack } from "@/tests/helpers/stack";
const stack = await createTestStack();
process.env.DATABASE_URL = stack.env.DATABASE_URL;
process.env.REDIS_URL = stack.env.REDIS_URL;
process.env.QD_QUEUE_PREFIX = stack.env.QD_QUEUE_PREFIX;
const { createExperiment } = await import("@/lib/experiments/lifecycle");
const { ask, tell } = await import("@/lib/api/candidates");
const { ExperimentSpec: ExperimentConfig } = await import("@/lib/experiments/config");
const bound = 50 * 5.12;
const cfg: any = {
  name: "prof", domain: { type: "external", dim: 100, bounds: [-5.12, 5.12] },
  descriptors: [{ name: "m0", min: -bound, max: bound, bins: 100 }, { name: "m1", min: -bound, max: bound, bins: 100 }],
  emitter: { type: "iso-line", isoSigma: 0.1, lineSigma: 0.2 }, batchSize: 10000, budget: { evaluations: 200000 }, seed: 1,
};
const parsed = ExperimentConfig?.parse ? ExperimentConfig.parse(cfg) : cfg;
const exp: any = await createExperiment(stack.prisma as any, parsed);
await stack.prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
let tAsk = 0, tTell = 0;
for (let it = 0; it < 20; it++) {
  let t = performance.now();
  const a: any = await ask(exp.id, 10000, "base64");
  const json = JSON.stringify(a);
  tAsk += performance.now() - t;
  if (!a.ids.length) break;
  const g = new Float64Array(Uint8Array.from(Buffer.from(a.genomes, "base64")).buffer);
  const n = a.ids.length, dim = 100;
  const fit = new Float64Array(n), meas = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let s = 0, m0 = 0, m1 = 0;
    for (let j = 0; j < dim; j++) { const x = g[i * dim + j]!; s += (x - 2.048) ** 2; const c = Math.abs(x) > 5.12 ? 5.12 / x : x; if (j < 50) m0 += c; else m1 += c; }
    fit[i] = 100 - s / 50; meas[2 * i] = m0; meas[2 * i + 1] = m1;
  }
  const body = JSON.parse(JSON.stringify({ batchId: a.batchId, start: 0, fitness: Buffer.from(fit.buffer).toString("base64"), descriptors: Buffer.from(meas.buffer).toString("base64") }));
  t = performance.now();
  const r: any = await tell(exp.id, body);
  tTell += performance.now() - t;
  console.error(it, "ask+json ms", json.length, "tell", r.evaluations, r.numElites);
}
console.log(JSON.stringify({ askMsPerBatch: tAsk / 20, tellMsPerBatch: tTell / 20 }));
await stack.stop();
process.exit(0);
