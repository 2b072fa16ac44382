import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack } from "@/tests/helpers/stack";
const stack = await createTestStack();
try {
  const config = ExperimentConfig.parse({ name: "p", domain: { type: "sphere", dim: 10 }, archive: { type: "proximity", localCompetition: true }, emitter: { type: "cma-me", count: 5, ranker: "nslc" }, batchSize: 36, budget: { evaluations: 18000 }, seed: 1 });
  const exp = await createExperiment(stack.prisma, config);
  const state = new Uint8Array(1_500_000).map((_, i) => (i * 7919) & 255);
  await stack.prisma.$executeRawUnsafe(`INSERT INTO "SearchArchive" ("experimentId", kind, revision, state) VALUES ($1::uuid, 'proximity', 0, ''::bytea)`, exp.id);
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    for (let i = 0; i < 5; i++) await stack.prisma.$executeRawUnsafe(`UPDATE "SearchArchive" SET state = $2 WHERE "experimentId" = $1::uuid`, exp.id, state);
    const w = (performance.now() - t) / 5;
    t = performance.now();
    for (let i = 0; i < 5; i++) await stack.prisma.$queryRawUnsafe(`SELECT state FROM "SearchArchive" WHERE "experimentId" = $1::uuid`, exp.id);
    const rd = (performance.now() - t) / 5;
    t = performance.now();
    for (let i = 0; i < 5; i++) await stack.prisma.$queryRawUnsafe(`SELECT length(state) FROM "SearchArchive" WHERE "experimentId" = $1::uuid`, exp.id);
    const b64 = Buffer.from(state).toString("base64");
    t = performance.now();
    for (let i = 0; i < 5; i++) await stack.prisma.$executeRawUnsafe(`UPDATE "SearchArchive" SET state = decode($2, 'base64') WHERE "experimentId" = $1::uuid`, exp.id, b64);
    const w64 = (performance.now() - t) / 5;
    t = performance.now();
    for (let i = 0; i < 5; i++) { const [row] = await stack.prisma.$queryRawUnsafe<{ s: string }[]>(`SELECT encode(state, 'base64') AS s FROM "SearchArchive" WHERE "experimentId" = $1::uuid`, exp.id); Buffer.from(row!.s, "base64"); }
    const r64 = (performance.now() - t) / 5;
    console.log("b64 write ms", w64.toFixed(1), "b64 read ms", r64.toFixed(1));
    console.log("write ms", w.toFixed(1), "read ms", rd.toFixed(1), "trivial ms", ((performance.now() - t) / 5).toFixed(1));
  }
} finally {
  await stack.stop();
}
