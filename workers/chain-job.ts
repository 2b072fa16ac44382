import type { PrismaClient } from "@/lib/generated/prisma/client";
import { loadBandit } from "@/lib/db/bandit-store";
import { loadEmitterState } from "@/lib/db/emitter-store";
import { slotOfJob } from "@/lib/qd/bandit-slots";
import { banditOf, type ExperimentConfig } from "@/lib/experiments/config";
import type { ChainJob } from "./cma-batch";

/**
 * Which chain job k of a chain run continues, or why it must not run now. Without a bandit, job k
 * is job k div chains of chain k mod chains; with one, it is the next job of slot k mod numActive,
 * on the chain the bandit's stored row gives that slot.
 */
export async function chainJobOf(prisma: PrismaClient, experimentId: string, config: ExperimentConfig, chains: number, k: number): Promise<ChainJob | { skipped: string }> {
  const bandit = banditOf(config);
  if (!bandit) {
    const saved = await loadEmitterState(prisma, experimentId, k % chains);
    const generation = saved?.generation ?? 0;
    // Behind: already committed (the ledger check raced). Ahead: its previous job has not landed;
    // that job enqueues this one when it commits, and the reconciler only ever adds chain heads.
    if (generation !== Math.floor(k / chains)) return { skipped: generation > Math.floor(k / chains) ? "already processed" : "waiting for the emitter's previous job" };
    return { chain: k % chains, generation, state: saved?.state };
  }
  const at = slotOfJob(await loadBandit(prisma, experimentId, bandit), k, bandit.numActive);
  if (at.due !== "now") return { skipped: at.due === "behind" ? "already processed" : "waiting for the slot's previous job" };
  const saved = await loadEmitterState(prisma, experimentId, at.chain);
  return { chain: at.chain, generation: saved?.generation ?? 0, state: saved?.state, slot: { slot: at.slot, slotJob: at.slotJob } };
}
