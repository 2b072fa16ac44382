/**
 * Downloading the phylogeny page by page (GET /api/experiments/:id/phylogeny), with the fetch passed in:
 * the same code runs in the loader worker (off the main thread) and, where workers are missing, in the page.
 * No React, no DOM.
 */
import { fromPages, type PhyloData, type PhyloPage } from "./data";

/** At most this many nodes are downloaded (pages of 100,000); the panel says when it shows a part. */
export const PHYLOGENY_CAP = 300_000;

export const phylogenyUrl = (id: string, offset = 0, limit = 100_000) => `/api/experiments/${id}/phylogeny?offset=${offset}&limit=${limit}`;

/** null when `stop()` turned true on the way. */
export async function loadPhylogeny(id: string, getJson: (url: string) => Promise<unknown>, stop: () => boolean = () => false): Promise<{ data: PhyloData; total: number } | null> {
  const pages: PhyloPage[] = [];
  let offset: number | null = 0;
  let total = 0;
  let got = 0;
  while (offset != null && got < PHYLOGENY_CAP) {
    if (stop()) return null;
    const page = (await getJson(phylogenyUrl(id, offset, Math.min(100_000, PHYLOGENY_CAP - got)))) as PhyloPage;
    pages.push(page);
    total = page.total;
    got += page.ids.length;
    offset = page.nextOffset;
  }
  return { data: fromPages(pages), total };
}

/** Every typed array of a loaded tree and its layout: moved (not copied) from the worker to the page. */
export function transferables(...objects: object[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const o of objects) for (const v of Object.values(o)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  return [...out];
}
