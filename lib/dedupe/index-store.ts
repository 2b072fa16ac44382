import crypto from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { cosine } from "./embeddings";
import { jaccard, minhash, shingleHashes, signatureBytes, signatureFrom } from "./minhash";
import { normalise, stripComments, tokens } from "./normalise";
import type { DedupeSettings } from "./settings";

/**
 * The per-experiment duplicate index in PostgreSQL (DedupeEntry). A round of
 * candidates is checked and the new ones registered in one transaction that holds an advisory lock
 * on the experiment, so two workers proposing the same program at the same moment cannot both let
 * it through: the second one sees the first one's entry. Candidates are registered before they are
 * evaluated (a duplicate of a candidate still in flight is a duplicate too).
 */

export type DedupeMethod = "exact" | "minhash" | "embeddings";

export interface DuplicateVerdict {
  /** The stored (or same-round) solution it repeats. */
  of: string;
  /** 1 for an exact match after normalisation; estimated Jaccard (minhash) or cosine (embeddings). */
  similarity: number;
  method: DedupeMethod;
  /** The LLM novelty judge's word on a borderline candidate ("not meaningfully different: …"). */
  judge?: string;
}

/** A candidate ready for the index: its normal form's hash and, per mode, its signature or embedding. */
export interface PreparedCandidate {
  id: string;
  normalised: string;
  /** First 8 bytes of SHA-256 of the normal form, as a signed int8 (decimal string). */
  hash: string;
  /** Hash of the sorted numeric literals (same form as `hash`): a near-duplicate must have the same constants. */
  literals: string;
  /** Hash of the sorted lines, each without brackets, commas, semicolons and quotes (minhash guard). */
  bag: string;
  signature?: Uint32Array;
  embedding?: Float32Array;
  /** Registered without being checked (seeds: evaluated as given). */
  force?: boolean;
}

export function prepareCandidate(id: string, text: string, settings: DedupeSettings, force = false): PreparedCandidate {
  const normalised = normalise(text, settings.language);
  const toks = tokens(normalised);
  const c: PreparedCandidate = { id, normalised, hash: hash64(normalised), literals: hash64(numericLiterals(toks).join(" ")), bag: hash64(lineBag(text, settings.language).join("\n")), force };
  if (settings.mode === "minhash") {
    c.signature = minhash(shingleHashes(toks));
  }
  return c;
}

/** First 8 bytes of SHA-256, as a signed int8 in decimal (what the bigint columns hold). */
function hash64(s: string): string {
  return BigInt.asIntN(64, crypto.createHash("sha256").update(s).digest().readBigUInt64BE(0)).toString();
}

/**
 * The program's numbers, sorted. Changing a constant is the commonest real edit a model makes, and
 * in a long program it barely moves the similarity: such a child is a new program, not a repeat.
 */
const numericLiterals = (toks: string[]) => toks.filter((t) => /^\p{N}/u.test(t)).sort();

/**
 * MinHash near-duplicates must have the same lines: they may differ in the order of lines and in
 * brackets, commas, semicolons and quotes (a repeat re-punctuated or with statements moved), never
 * in what a line computes with. Without this, any one-word edit of a long program (sin → tan)
 * scores ~0.97 and would be rejected (bench/dedupe.ts measures it).
 */
const PUNCTUATION = new Set(["(", ")", "[", "]", "{", "}", ",", ";", '"', "'", "`"]);
const lineBag = (text: string, language: string) =>
  stripComments(text, language)
    .split("\n")
    .map((line) => tokens(line).filter((t) => !PUNCTUATION.has(t)).join(" "))
    .filter(Boolean)
    .sort();

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** Per process: the experiment's stored embeddings, refreshed incrementally by `seq` under the lock. */
const embeddingCache = new Map<string, { seq: bigint; ids: string[]; vectors: Float32Array[]; literals: string[] }>();

/**
 * Checks `candidates` against the experiment's index and against each other (in order), registers
 * the ones that are not duplicates, and returns a verdict per candidate (null = admitted).
 */
export async function checkAndRegister(prisma: PrismaClient, experimentId: string, settings: DedupeSettings, candidates: PreparedCandidate[], near?: (DuplicateVerdict | null)[]): Promise<(DuplicateVerdict | null)[]> {
  if (candidates.length === 0) return [];
  return prisma.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 16))`, `dedupe:${experimentId}`);
      const ids = new Set(candidates.map((c) => c.id));
      // One round trip for both lookups, each an index probe: exact hashes, and (minhash) programs
      // with the same lines as a candidate (the only ones that can be its near-duplicates), with
      // their signatures. The cost does not grow with the number of stored programs.
      const bags = settings.mode === "minhash" ? [...new Set(candidates.flatMap((c) => (c.force ? [] : [c.bag])))] : [];
      const rows = await tx.$queryRawUnsafe<{ id: string; hash: string; bag: string; signature: Uint8Array | null }[]>(
        `SELECT "solutionId"::text AS id, hash::text AS hash, bag::text AS bag, signature
           FROM "DedupeEntry"
          WHERE "experimentId" = $1::uuid AND (hash = ANY($2::text[]::int8[]) OR (bag = ANY($3::text[]::int8[]) AND signature IS NOT NULL))`,
        experimentId,
        candidates.map((c) => c.hash),
        bags,
      );
      const exact = new Map<string, string>();
      const byBag = new Map<string, { id: string; sig: Uint32Array }[]>();
      for (const r of rows) {
        if (ids.has(r.id)) continue;
        if (!exact.has(r.hash)) exact.set(r.hash, r.id);
        if (r.signature) {
          const list = byBag.get(r.bag) ?? [];
          list.push({ id: r.id, sig: signatureFrom(r.signature) });
          byBag.set(r.bag, list);
        }
      }

      let stored: { ids: string[]; vectors: Float32Array[]; literals: string[] } | null = null;
      if (settings.mode === "embeddings") stored = await refreshEmbeddings(tx as unknown as PrismaClient, experimentId);

      const verdicts: (DuplicateVerdict | null)[] = [];
      const admitted: PreparedCandidate[] = [];
      for (const c of candidates) {
        const band: { best: DuplicateVerdict | null } = { best: null };
        const v = c.force ? null : judge(c, settings, exact, byBag, stored, admitted, band);
        verdicts.push(v);
        // Admitted but in the novelty judge's borderline band: the caller asks the judge.
        near?.push(!v && settings.judge ? band.best : null);
        if (!v) admitted.push(c);
      }
      if (admitted.length) await register(tx as unknown as PrismaClient, experimentId, admitted);
      return verdicts;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** The best reason to call `c` a duplicate: an exact match first, else the most similar program at or above the threshold. */
function judge(
  c: PreparedCandidate,
  settings: DedupeSettings,
  exact: Map<string, string>,
  byBag: Map<string, { id: string; sig: Uint32Array }[]>,
  stored: { ids: string[]; vectors: Float32Array[]; literals: string[] } | null,
  earlier: PreparedCandidate[],
  band?: { best: DuplicateVerdict | null },
): DuplicateVerdict | null {
  const same = exact.get(c.hash) ?? earlier.find((e) => e.hash === c.hash)?.id;
  if (same) return { of: same, similarity: 1, method: "exact" };
  let best: DuplicateVerdict | null = null;
  const consider = (of: string, similarity: number, method: DedupeMethod) => {
    if (similarity >= settings.threshold && (!best || similarity > best.similarity)) best = { of, similarity, method };
    else if (band && settings.judge && similarity >= settings.judge.lower && similarity < settings.threshold && (!band.best || similarity > band.best.similarity)) band.best = { of, similarity, method };
  };
  if (c.signature) {
    for (const s of byBag.get(c.bag) ?? []) consider(s.id, jaccard(c.signature, s.sig), "minhash");
    for (const e of earlier) if (e.signature && e.bag === c.bag) consider(e.id, jaccard(c.signature, e.signature), "minhash");
  }
  if (c.embedding && stored) {
    for (let i = 0; i < stored.ids.length; i++) if (stored.ids[i] !== c.id && stored.literals[i] === c.literals) consider(stored.ids[i]!, cosine(c.embedding, stored.vectors[i]!), "embeddings");
    for (const e of earlier) if (e.embedding && e.literals === c.literals) consider(e.id, cosine(c.embedding, e.embedding), "embeddings");
  }
  return best;
}

/** The admitted candidates' entries, in one statement. */
async function register(tx: PrismaClient, experimentId: string, admitted: PreparedCandidate[]) {
  await tx.$executeRawUnsafe(
    `INSERT INTO "DedupeEntry" ("experimentId", "solutionId", hash, literals, bag, signature, embedding)
     SELECT $1::uuid, u.id, u.hash::int8, u.lit::int8, u.bag::int8, decode(nullif(u.sig, ''), 'hex'), decode(nullif(u.emb, ''), 'hex')
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, hash, sig, emb, lit, bag)
     ON CONFLICT ("experimentId", "solutionId") DO UPDATE SET hash = excluded.hash, literals = excluded.literals, bag = excluded.bag, signature = excluded.signature, embedding = excluded.embedding`,
    experimentId,
    admitted.map((c) => c.id),
    admitted.map((c) => c.hash),
    admitted.map((c) => (c.signature ? hex(signatureBytes(c.signature)) : "")),
    admitted.map((c) => (c.embedding ? hex(new Uint8Array(c.embedding.buffer, c.embedding.byteOffset, c.embedding.byteLength)) : "")),
    admitted.map((c) => c.literals),
    admitted.map((c) => c.bag),
  );
}

async function refreshEmbeddings(tx: PrismaClient, experimentId: string) {
  let cache = embeddingCache.get(experimentId);
  if (!cache) embeddingCache.set(experimentId, (cache = { seq: 0n, ids: [], vectors: [], literals: [] }));
  const rows = await tx.$queryRawUnsafe<{ seq: bigint; id: string; embedding: Uint8Array; literals: string }[]>(
    `SELECT seq, "solutionId"::text AS id, embedding, literals::text AS literals FROM "DedupeEntry" WHERE "experimentId" = $1::uuid AND seq > $2 AND embedding IS NOT NULL ORDER BY seq`,
    experimentId,
    cache.seq,
  );
  for (const r of rows) {
    const copy = new Uint8Array(r.embedding);
    cache.ids.push(r.id);
    cache.literals.push(r.literals);
    cache.vectors.push(new Float32Array(copy.buffer, 0, copy.byteLength / 4));
    cache.seq = BigInt(r.seq);
  }
  return cache;
}

/** Takes a candidate out of the index again (the novelty judge rejected it after it was registered). */
export async function unregister(prisma: PrismaClient, experimentId: string, solutionIds: string[]) {
  if (solutionIds.length) await prisma.dedupeEntry.deleteMany({ where: { experimentId, solutionId: { in: solutionIds } } });
}

/** Forget a finished experiment's cached embeddings. */
export const dropDedupeCache = (experimentId: string) => embeddingCache.delete(experimentId);
