/** Messages between the page and the phylogeny loader worker (load.worker.ts). */
import type { PhyloData } from "./data";
import type { PhyloLayout } from "./layout";

export interface LoaderRequest {
  id: string;
}

export type LoaderReply = { ok: true; data: PhyloData; layout: PhyloLayout; total: number } | { ok: false; message: string; status?: number };
