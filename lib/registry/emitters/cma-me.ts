/**
 * CMA-ME (pyribs EvolutionStrategyEmitter with CMA-ES): `count` emitters, each its own CMA-ES; in a run
 * emitter e owns jobs e, e + count, …, and its state lives in PostgreSQL between jobs.
 */
import { z } from "zod";
import { EvolutionStrategyEmitter } from "@/lib/qd/emitters/evolution-strategy";
import { cmaFields, cmaMeRanker, cmaRestart, cmaSelection, cmaShape, SEARCH_RANKERS } from "./cma-shared";
import { emitterKind } from "./types";

export const cmaMe = emitterKind({
  type: "cma-me",
  label: "CMA-ME",
  help: "Covariance matrix adaptation towards archive improvement (CMA-ME; built-in domains).",
  schema: z.object({ type: z.literal("cma-me"), ...cmaShape, ranker: cmaMeRanker.default("2imp"), selectionRule: cmaSelection.default("filter"), restartRule: cmaRestart.default("no_improvement") }).strict(),
  // The ranker select also offers the search archives' rankers (nov, nslc: proximity; density: density).
  fields: cmaFields.map((f) => (f.key === "ranker" ? { ...f, help: `${f.help} With a search archive: novelty (nov), local competition (nslc) or density.`, options: [...f.options!, ...SEARCH_RANKERS.map((r) => ({ value: r, label: `${r} (search archive)` }))] } : f)),
  distributed: "chains",
  builtInDomainsOnly: true,
  chains: (c) => c.count,
  create: (c, ctx) =>
    new EvolutionStrategyEmitter(ctx.archive, { x0: ctx.x0, bounds: ctx.bounds, batchSize: ctx.batchSize, rng: ctx.rng, sigma0: c.sigma0, ranker: c.ranker, selectionRule: c.selectionRule, restartRule: c.restartRule }),
});
