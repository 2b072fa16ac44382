import crypto from "node:crypto";
import { Rng, gaussianKernel, isoLineKernel } from "@/lib/qd";
import { vectorEmitter } from "@/lib/experiments/config";
import type { ArchiveCache } from "./archive-cache";
import { mixSeed } from "./generate-batch";

export interface ProposedCandidate {
  id: string;
  genome: number[];
  parentIds: string[];
}

/**
 * The mutation stage for vector genomes scored elsewhere: `size` children of
 * elites from the cached archive (Gaussian or Iso+LineDD). While the archive is
 * empty, children are uniform in the genome box, so the first batch explores.
 */
export function proposeVectors(cache: ArchiveCache, k: number, size: number, seed: number): ProposedCandidate[] {
  const { archive, config, solutionIds, space } = cache;
  const dim = space.dim;
  const rng = new Rng(mixSeed(seed, k));
  const emitter = vectorEmitter(config);
  const child = new Float64Array(dim);
  const out: ProposedCandidate[] = [];
  for (let i = 0; i < size; i++) {
    const parentIds: string[] = [];
    if (archive.numElites === 0) {
      for (let j = 0; j < dim; j++) {
        child[j] = space.bounds ? rng.uniform(space.bounds.lower[j]!, space.bounds.upper[j]!) : space.x0[j]! + rng.normal();
      }
    } else {
      const a = archive.occupiedList[rng.int(archive.numElites)]!;
      if (solutionIds[a]) parentIds.push(solutionIds[a]!);
      if (emitter.type === "gaussian") {
        gaussianKernel(child, 0, archive.solutions, a * dim, dim, emitter.sigma, rng, space.bounds);
      } else {
        const b = archive.occupiedList[rng.int(archive.numElites)]!;
        if (solutionIds[b] && b !== a) parentIds.push(solutionIds[b]!);
        isoLineKernel(child, 0, archive.solutions, a * dim, archive.solutions, b * dim, dim, emitter.isoSigma, emitter.lineSigma, rng, space.bounds);
      }
    }
    out.push({ id: crypto.randomUUID(), genome: Array.from(child), parentIds });
  }
  return out;
}
