"use client";
/** A bandit run's emitter pool (GET /api/experiments/:id/bandit), polled while the run goes on; apart from its panel (loaded after first paint). */
import type { z } from "zod";
import type { BanditReport as BanditResponse } from "@/lib/api/responses";
import { usePolledReport } from "@/components/lib/use-polled-report";

export type BanditReport = z.infer<typeof BanditResponse>;

export function useBandit(id: string, enabled: boolean, active: boolean, refreshKey: unknown) {
  return usePolledReport<BanditReport>(`/api/experiments/${id}/bandit`, enabled, active, refreshKey, 3_000);
}
