import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor } from "@/tests/helpers/stack";
const stack = await createTestStack();
try {
  const w = stack.startWorker({ QD_JOB_COSTS: "1" });
  await waitFor(async () => w.output().includes("ready"), 60_000, "ready");
  const config = ExperimentConfig.parse({ name: "p", domain: { type: "sphere", dim: 10 }, archive: { type: process.argv[2] ?? "proximity", localCompetition: true }, emitter: { type: "cma-me", count: 5, ranker: process.argv[2] === "density" ? "density" : "nslc", selectionRule: "filter", restartRule: "no_improvement" }, batchSize: 36, budget: { evaluations: 18000 }, seed: 1 });
  const exp = await createExperiment(stack.prisma, config);
  const t0 = performance.now();
  await startExperiment(stack.prisma, stack.queues, exp.id);
  await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))?.status === "completed", 600_000, "done");
  console.log("seconds", ((performance.now() - t0) / 1000).toFixed(1));
  await new Promise((r) => setTimeout(r, 1500));
  console.log(w.output().split("\n").filter((l) => l.includes("job costs")).join("\n"));
} finally {
  await stack.stop();
}
