/** Parameters shared by the CMA-ES emitter kinds (pyribs EvolutionStrategyEmitter). */
import { z } from "zod";
import type { RankerName } from "@/lib/qd/emitters/rankers";
import type { FormField } from "../kind";
import { positive, positiveInt } from "../params";

/** Rankers that need nothing but the result archive (nov/nslc/density need a search archive). */
export const CMA_RANKERS = ["imp", "2imp", "obj", "2obj", "rd", "2rd"] as const satisfies readonly RankerName[];

export const cmaShape = {
  sigma0: positive("emitter.sigma0").default(0.5),
  count: positiveInt("emitter.count", 1000).default(15),
};

export const cmaRanker = z.enum(CMA_RANKERS, { error: `emitter.ranker must be one of ${CMA_RANKERS.map((r) => `"${r}"`).join(", ")}` });
/** Rankers that read what a search archive reports: novelty (proximity) or density (density archive). */
export const SEARCH_RANKERS = ["nov", "nslc", "density"] as const satisfies readonly RankerName[];
const ALL_RANKERS = [...CMA_RANKERS, ...SEARCH_RANKERS] as const;
/** CMA-ME also drives the search archives (the experiment's archive check says which ranker needs which). */
export const cmaMeRanker = z.enum(ALL_RANKERS, { error: `emitter.ranker must be one of ${ALL_RANKERS.map((r) => `"${r}"`).join(", ")}` });
export const cmaSelection = z.enum(["mu", "filter"], { error: 'emitter.selectionRule must be "mu" or "filter"' });
const restartMessage = 'emitter.restartRule must be "basic", "no_improvement" or a whole number of iterations (at least 1)';
export const cmaRestart = z.union(
  [z.enum(["basic", "no_improvement"], { error: restartMessage }), z.number({ error: restartMessage }).int(restartMessage).min(1, restartMessage).max(1_000_000_000, restartMessage)],
  { error: restartMessage },
);

export const cmaFields: FormField[] = [
  { key: "sigma0", label: "Initial step size (σ₀)", control: "number", help: "CMA-ES step size at each (re)start." },
  { key: "count", label: "Emitters", control: "integer", help: "Batch size is per emitter and iteration" },
  {
    key: "ranker",
    label: "Ranker",
    control: "select",
    help: "How each emitter ranks its batch: improvement (imp), objective (obj) or random direction (rd); 2…: new cells first.",
    options: CMA_RANKERS.map((r) => ({ value: r, label: r })),
  },
  {
    key: "selectionRule",
    label: "Selection rule",
    control: "select",
    help: "mu: the best half updates CMA-ES; filter: only candidates that entered the archive.",
    options: [
      { value: "mu", label: "mu" },
      { value: "filter", label: "filter" },
    ],
  },
];
