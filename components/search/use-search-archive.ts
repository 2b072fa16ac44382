"use client";
/**
 * A proximity / density / discount run's search archive (GET /api/experiments/:id/search-archive), polled while the run
 * goes on. Apart from its panel: the experiment page holds this state from its first render, and importing the
 * panel for it put the scatter, the discount surface and lib/qd's archive code into the page's first-load script.
 */
import type { z } from "zod";
import type { SearchArchiveReport as SearchArchiveResponse } from "@/lib/api/responses";
import { usePolledReport } from "@/components/lib/use-polled-report";

export type SearchArchiveReport = z.infer<typeof SearchArchiveResponse>;

export function useSearchArchive(id: string, enabled: boolean, active: boolean, refreshKey: unknown) {
  return usePolledReport<SearchArchiveReport>(`/api/experiments/${id}/search-archive`, enabled, active, refreshKey, 5_000);
}
