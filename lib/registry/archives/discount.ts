/**
 * Discount archive (Discount Model Search, DMS): an MLP (2 × 128, Adam) predicts each region's
 * discount; a solution counts by how much it beats it. Distributed runs keep the model (weights,
 * Adam moments, rows waiting to train, RNG) in the SearchArchive row.
 *
 * The engine inserts all emitters' batches at once and trains once per iteration, so each emitter's
 * next step meets a model that learned from its last. A distributed job runs one emitter for several
 * steps: the model trains after each of them, with the empty-cell anchors divided among the emitters
 * (pyribs' 100 per iteration of 15 → 7 per step), so it sees the same ratio of anchors to solutions.
 * Training once per count × batch rows instead left an emitter stepping against a model blind to its
 * own last steps: 10-step jobs lost 11% of the normalized QD-score on sphere-10 (40.6 vs 45.8).
 */
import { z } from "zod";
import { DiscountArchive } from "@/lib/qd/archive/discount";
import { finiteNumber, positive, positiveInt } from "../params";
import { archiveKind } from "./types";

export const discount = archiveKind({
  type: "discount",
  label: "Discount model (DMS)",
  help: "Discount Model Search: an MLP (2 × 128, Adam) learns a discount over the descriptor space from every batch; CMA-ME ranks solutions by how much they beat it (ranker imp). Metrics come from a grid of the descriptors.",
  schema: z
    .object({
      type: z.literal("discount"),
      learningRate: z.number({ error: "archive.learningRate must be a number" }).gt(0, "archive.learningRate must be > 0").max(1, "archive.learningRate must be <= 1").default(0.1),
      /** Default: the domain's lowest objective. */
      thresholdMin: finiteNumber("archive.thresholdMin").optional(),
      initTrainPoints: positiveInt("archive.initTrainPoints", 1_000_000).default(1000),
      emptyPoints: positiveInt("archive.emptyPoints", 1_000_000).default(100),
      hidden: z.array(positiveInt("archive.hidden[]", 4096), { error: "archive.hidden must be an array of layer widths" }).min(1, "archive.hidden needs at least one layer").max(8, "archive.hidden: at most 8 layers").default([128, 128]),
      modelLearningRate: positive("archive.modelLearningRate").default(0.001),
      trainEpochs: positiveInt("archive.trainEpochs", 10_000).default(5),
      trainCutoffLoss: positive("archive.trainCutoffLoss").default(0.05),
      trainBatchSize: positiveInt("archive.trainBatchSize", 100_000).default(32),
    })
    .strict(),
  fields: [
    { key: "learningRate", label: "Discount learning rate (α)", control: "number", help: "How far a target moves toward a better objective (pyribs: 0.1)." },
    { key: "thresholdMin", label: "Threshold min", control: "number", optional: true, help: "Discount of unexplored regions (default: the domain's lowest objective)." },
    { key: "modelLearningRate", label: "Adam learning rate", control: "number", help: "Of the MLP discount model." },
    { key: "trainEpochs", label: "Training epochs", control: "integer", help: "Per training round, at most (stops early at the cutoff loss)." },
    { key: "emptyPoints", label: "Empty-cell anchors", control: "integer", help: "Empty result cells held at the threshold min per iteration of all emitters (pyribs: 100), shared among the emitters' batches." },
  ],
  distributed: "search",
  check: (_a, c) =>
    c.emitter.ranker === "nov" || c.emitter.ranker === "nslc" || c.emitter.ranker === "density"
      ? [{ path: ["emitter", "ranker"], message: `ranker "${c.emitter.ranker}" needs a ${c.emitter.ranker === "density" ? "density" : "proximity"} archive; a discount archive reports improvement over its model's discount (rankers "imp", "2imp")` }]
      : [],
  createSearch: (a, ctx) => {
    if (!ctx.result) throw new Error('archive "discount" needs the run\'s result grid (its model is anchored at the empty cells)');
    return new DiscountArchive({
      solutionDim: ctx.domain.dim,
      measureDim: ctx.descriptors.length,
      learningRate: a.learningRate,
      thresholdMin: a.thresholdMin ?? ctx.domain.objectiveRange[0],
      resultArchive: ctx.result,
      initTrainPoints: a.initTrainPoints,
      emptyPoints: Math.max(1, Math.round(a.emptyPoints / (ctx.emittersPerIteration ?? 1))),
      hidden: a.hidden,
      adam: { lr: a.modelLearningRate },
      trainEpochs: a.trainEpochs,
      trainCutoffLoss: a.trainCutoffLoss,
      trainBatchSize: a.trainBatchSize,
      discountRange: ctx.domain.objectiveRange,
      rng: ctx.rng,
    });
  },
});
