/**
 * Caps on what one configuration may cost a worker or the web server. Each field has
 * its own maximum, but products of fields explode (a 100,000 batch of 10,000-D genomes
 * is 8 GB): these caps bound the products, and the 400 names the product and the limit.
 * Browser-safe (the form validates with the same rules).
 */
export const LIMITS = {
  /** Numbers in one batch of genomes: batchSize × domain.dim (80 MB of float64). */
  batchNumbers: 10_000_000,
  /** Numbers a worker keeps for the archive's elites: cells × domain.dim (400 MB of float64). */
  archiveNumbers: 50_000_000,
  /** CMA-ES covariance entries over all emitters: emitter.count × domain.dim² (800 MB, and the eigendecompositions). */
  cmaCovariance: 100_000_000,
  /** k-means work to place CVT centroids: archive.cells × archive.samples (pyribs' default 10,000 × 100,000 is 1e9). */
  cvtWork: 2_000_000_000,
  /** Numbers in one ask response: count × domain.dim. */
  askNumbers: 1_000_000,
} as const;

/** pyribs' default k-means sample count (also lib/qd's). */
export const CVT_DEFAULT_SAMPLES = 100_000;

const fmt = (n: number) => n.toLocaleString("en-US");

export interface CostIssue {
  path: (string | number)[];
  message: string;
}

/** Length of a vector genome (0 for programs, texts and JSON genomes). */
export function genomeLength(domain: { type: string; dim?: number; joints?: number }): number {
  if (domain.type === "arm") return domain.joints ?? 12;
  if (domain.type === "llm-code" || domain.type === "llm-text") return 0;
  return typeof domain.dim === "number" ? domain.dim : domain.type === "sphere" || domain.type === "rastrigin" ? 100 : 0;
}

export function costIssues(c: {
  domain: { type: string; dim?: number; joints?: number };
  archive: { type: string; cells?: number; samples?: number };
  emitter: { type: string; count?: number };
  batchSize: number;
  cells: number;
}): CostIssue[] {
  const issues: CostIssue[] = [];
  const dim = genomeLength(c.domain);
  if (c.batchSize * dim > LIMITS.batchNumbers) {
    issues.push({ path: ["batchSize"], message: `batchSize × domain.dim = ${fmt(c.batchSize)} × ${fmt(dim)} = ${fmt(c.batchSize * dim)} numbers per batch; at most ${fmt(LIMITS.batchNumbers)}: lower batchSize` });
  }
  if (c.cells * dim > LIMITS.archiveNumbers) {
    issues.push({ path: [c.archive.type === "cvt" ? "archive" : "descriptors"], message: `archive cells × domain.dim = ${fmt(c.cells)} × ${fmt(dim)} = ${fmt(c.cells * dim)} numbers held for the elites; at most ${fmt(LIMITS.archiveNumbers)}: use fewer cells` });
  }
  if ((c.emitter.type === "cma-me" || c.emitter.type === "cma-mae") && dim > 0) {
    const count = c.emitter.count ?? 15;
    const cost = count * dim * dim;
    if (cost > LIMITS.cmaCovariance) {
      issues.push({ path: ["emitter", "count"], message: `emitter.count × domain.dim² = ${fmt(count)} × ${fmt(dim)}² = ${fmt(cost)} covariance entries; at most ${fmt(LIMITS.cmaCovariance)}: use fewer emitters or a smaller domain.dim` });
    }
  }
  if (c.archive.type === "cvt" && c.archive.cells !== undefined) {
    const samples = c.archive.samples ?? CVT_DEFAULT_SAMPLES;
    if (samples < c.archive.cells) {
      issues.push({ path: ["archive", "samples"], message: `archive.samples (${fmt(samples)}) must be at least archive.cells (${fmt(c.archive.cells)}): k-means needs a sample per centroid` });
    } else if (c.archive.cells * samples > LIMITS.cvtWork) {
      issues.push({ path: ["archive", "samples"], message: `archive.cells × archive.samples = ${fmt(c.archive.cells)} × ${fmt(samples)} = ${fmt(c.archive.cells * samples)}; at most ${fmt(LIMITS.cvtWork)} (k-means cost): use fewer samples or cells` });
    }
  }
  return issues;
}

/** The ask endpoint's cap: null when `count` candidates of `dim` numbers fit. */
export function askIssue(count: number, dim: number): string | null {
  return count * dim > LIMITS.askNumbers
    ? `count × domain.dim = ${fmt(count)} × ${fmt(dim)} = ${fmt(count * dim)} numbers in one answer; at most ${fmt(LIMITS.askNumbers)}: ask for at most ${fmt(Math.max(1, Math.floor(LIMITS.askNumbers / Math.max(1, dim))))} at a time`
    : null;
}
