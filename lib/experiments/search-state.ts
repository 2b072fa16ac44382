import { Rng, getDomain, mixSeed, type ArchiveBase } from "@/lib/qd";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { loadSearchChanges, type SearchChanges } from "@/lib/db/search-store";
import { createSearchArchive, hasDeltas, type StatefulSearchArchive } from "@/lib/registry/archives";
import { effectiveDescriptors, hasBuiltInMeasures, type DomainConfig, type ExperimentSpec } from "./config";

/**
 * The run's search archive, empty. Its RNG (the density reservoir's) starts from the run's seed as
 * job 0's did; every stored state and delta carries it on from there. `result`: the run's result grid
 * as this process holds it (a discount archive anchors its model at its empty cells; the run's
 * emitters share each iteration's anchors).
 */
export function newSearchArchive(config: ExperimentSpec, seed: number, result?: ArchiveBase): StatefulSearchArchive {
  if (!hasBuiltInMeasures(config.domain)) throw new Error(`a ${config.archive.type} archive runs distributed only on a built-in domain`);
  const domain = getDomain(config.domain as DomainConfig);
  const emitters = (config.emitter as { count?: number }).count ?? 1;
  return createSearchArchive(config.archive, { domain, descriptors: effectiveDescriptors(config), rng: new Rng(mixSeed(seed, 0)), ...(result ? { result, emittersPerIteration: emitters } : {}) });
}

/** Brings `archive`, at the revision the changes were loaded for, to the changes' revision. */
export function applySearchChanges(archive: StatefulSearchArchive, changes: SearchChanges): void {
  if (changes.snapshot) archive.importState(changes.snapshot.state);
  if (changes.deltas.length === 0) return;
  if (!hasDeltas(archive)) throw new Error(`archive "${changes.kind}" stores no deltas, yet deltas were found`);
  for (const d of changes.deltas) archive.applyDelta(d);
}

/** The whole search archive of a run as it stands (snapshot + deltas), e.g. for the API. Null: nothing stored yet. */
export async function loadSearchState(prisma: PrismaClient, experimentId: string, config: ExperimentSpec, seed = 0): Promise<{ kind: string; revision: number; state: Uint8Array } | null> {
  const changes = await loadSearchChanges(prisma, experimentId, 0);
  if (!changes) return null;
  // Whole-state kinds (and a snapshot with nothing after it) need no archive to rebuild.
  if (changes.deltas.length === 0) return changes.snapshot ? { kind: changes.kind, revision: changes.revision, state: changes.snapshot.state } : null;
  const archive = newSearchArchive(config, seed);
  if (changes.revision > 0) applySearchChanges(archive, changes);
  return { kind: changes.kind, revision: changes.revision, state: archive.exportState() };
}
