import { newSolutionId } from "@/lib/db/solution-id";
import { MutationEmitter, Rng, mixSeed, parentIdsOf } from "@/lib/qd";
import { createEmitter } from "@/lib/registry/emitters";
import type { ArchiveCache } from "./archive-cache";

export interface ProposedCandidate {
  id: string;
  genome: number[];
  parentIds: string[];
}

/**
 * The mutation stage for vector genomes scored elsewhere: `size` children of
 * elites from the cached archive, asked of the experiment's engine emitter
 * (Gaussian or Iso+LineDD) seeded for job k — the same producer as the
 * workers' in-place jobs and REST ask, with the same cold start (x0 + noise).
 */
export function proposeVectors(cache: ArchiveCache, k: number, size: number, seed: number): ProposedCandidate[] {
  const { archive, config, solutionIds, space } = cache;
  const dim = space.dim;
  const emitter = createEmitter(config.emitter, { archive, x0: space.x0, bounds: space.bounds, coldStart: space.coldStart, batchSize: size, rng: new Rng(mixSeed(seed, k)) });
  if (!(emitter instanceof MutationEmitter)) throw new Error(`emitter "${config.emitter.type}" does not mutate elites`);
  const children = new Float64Array(size * dim);
  emitter.ask(children);
  return Array.from({ length: size }, (_, i) => ({
    id: newSolutionId(),
    genome: Array.from(children.subarray(i * dim, (i + 1) * dim)),
    parentIds: parentIdsOf(emitter.parents, i, emitter.parentsPer, solutionIds),
  }));
}
