import crypto from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { cosine } from "./embeddings";
import { bandKeys, jaccard, minhash, shingleHashes, signatureBytes, signatureFrom } from "./minhash";
import { normalise, tokens } from "./normalise";
import type { DedupeSettings } from "./settings";

/**
 * The per-experiment duplicate index in PostgreSQL (DedupeEntry + DedupeBand). A round of
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
}

/** A candidate ready for the index: its normal form's hash and, per mode, its signature or embedding. */
export interface PreparedCandidate {
  id: string;
  normalised: string;
  /** First 8 bytes of SHA-256 of the normal form, as a signed int8 (decimal string). */
  hash: string;
  signature?: Uint32Array;
  bands?: number[];
  embedding?: Float32Array;
  /** Registered without being checked (seeds: evaluated as given). */
  force?: boolean;
}

export function prepareCandidate(id: string, text: string, settings: DedupeSettings, force = false): PreparedCandidate {
  const normalised = normalise(text, settings.language);
  const digest = crypto.createHash("sha256").update(normalised).digest();
  const c: PreparedCandidate = { id, normalised, hash: BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString(), force };
  if (settings.mode === "minhash") {
    c.signature = minhash(shingleHashes(tokens(normalised)));
    c.bands = bandKeys(c.signature);
  }
  return c;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** Per process: the experiment's stored embeddings, refreshed incrementally by `seq` under the lock. */
const embeddingCache = new Map<string, { seq: bigint; ids: string[]; vectors: Float32Array[] }>();

/**
 * Checks `candidates` against the experiment's index and against each other (in order), registers
 * the ones that are not duplicates, and returns a verdict per candidate (null = admitted).
 */
export async function checkAndRegister(prisma: PrismaClient, experimentId: string, settings: DedupeSettings, candidates: PreparedCandidate[]): Promise<(DuplicateVerdict | null)[]> {
  if (candidates.length === 0) return [];
  return prisma.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 16))`, `dedupe:${experimentId}`);
      const ids = new Set(candidates.map((c) => c.id));
      const exactRows = await tx.$queryRawUnsafe<{ id: string; hash: string }[]>(
        `SELECT "solutionId"::text AS id, hash::text AS hash FROM "DedupeEntry" WHERE "experimentId" = $1::uuid AND hash = ANY($2::text[]::int8[])`,
        experimentId,
        candidates.map((c) => c.hash),
      );
      const exact = new Map<string, string>();
      for (const r of exactRows) if (!ids.has(r.id) && !exact.has(r.hash)) exact.set(r.hash, r.id);

      // minhash: stored programs sharing at least one LSH band with a candidate, with their signatures.
      const byBand = new Map<string, { id: string; sig: Uint32Array }[]>();
      if (settings.mode === "minhash") {
        const keys = [...new Set(candidates.flatMap((c) => (c.force ? [] : c.bands!.map(String))))];
        const rows = keys.length
          ? await tx.$queryRawUnsafe<{ key: string; id: string; signature: Uint8Array }[]>(
              `SELECT b.key::text AS key, b."solutionId"::text AS id, e.signature
                 FROM "DedupeBand" b JOIN "DedupeEntry" e ON e."experimentId" = b."experimentId" AND e."solutionId" = b."solutionId"
                WHERE b."experimentId" = $1::uuid AND b.key = ANY($2::text[]::int8[]) AND e.signature IS NOT NULL`,
              experimentId,
              keys,
            )
          : [];
        const sigs = new Map<string, Uint32Array>();
        for (const r of rows) {
          if (ids.has(r.id)) continue;
          const sig = sigs.get(r.id) ?? signatureFrom(r.signature);
          sigs.set(r.id, sig);
          const list = byBand.get(r.key) ?? [];
          list.push({ id: r.id, sig });
          byBand.set(r.key, list);
        }
      }

      let stored: { ids: string[]; vectors: Float32Array[] } | null = null;
      if (settings.mode === "embeddings") stored = await refreshEmbeddings(tx as unknown as PrismaClient, experimentId);

      const verdicts: (DuplicateVerdict | null)[] = [];
      const admitted: PreparedCandidate[] = [];
      for (const c of candidates) {
        const v = c.force ? null : judge(c, settings, exact, byBand, stored, admitted);
        verdicts.push(v);
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
  byBand: Map<string, { id: string; sig: Uint32Array }[]>,
  stored: { ids: string[]; vectors: Float32Array[] } | null,
  earlier: PreparedCandidate[],
): DuplicateVerdict | null {
  const same = exact.get(c.hash) ?? earlier.find((e) => e.hash === c.hash)?.id;
  if (same) return { of: same, similarity: 1, method: "exact" };
  let best: DuplicateVerdict | null = null;
  const consider = (of: string, similarity: number, method: DedupeMethod) => {
    if (similarity >= settings.threshold && (!best || similarity > best.similarity)) best = { of, similarity, method };
  };
  if (c.signature) {
    const seen = new Set<string>();
    for (const key of c.bands!) {
      for (const s of byBand.get(String(key)) ?? []) {
        if (seen.has(s.id)) continue;
        seen.add(s.id);
        consider(s.id, jaccard(c.signature, s.sig), "minhash");
      }
    }
    for (const e of earlier) if (e.signature && e.bands!.some((k, i) => k === c.bands![i])) consider(e.id, jaccard(c.signature, e.signature), "minhash");
  }
  if (c.embedding && stored) {
    for (let i = 0; i < stored.ids.length; i++) if (stored.ids[i] !== c.id) consider(stored.ids[i]!, cosine(c.embedding, stored.vectors[i]!), "embeddings");
    for (const e of earlier) if (e.embedding) consider(e.id, cosine(c.embedding, e.embedding), "embeddings");
  }
  return best;
}

async function register(tx: PrismaClient, experimentId: string, admitted: PreparedCandidate[]) {
  await tx.$executeRawUnsafe(
    `INSERT INTO "DedupeEntry" ("experimentId", "solutionId", hash, signature, embedding)
     SELECT $1::uuid, u.id, u.hash::int8, decode(nullif(u.sig, ''), 'hex'), decode(nullif(u.emb, ''), 'hex')
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS u(id, hash, sig, emb)
     ON CONFLICT ("experimentId", "solutionId") DO UPDATE SET hash = excluded.hash, signature = excluded.signature, embedding = excluded.embedding`,
    experimentId,
    admitted.map((c) => c.id),
    admitted.map((c) => c.hash),
    admitted.map((c) => (c.signature ? hex(signatureBytes(c.signature)) : "")),
    admitted.map((c) => (c.embedding ? hex(new Uint8Array(c.embedding.buffer, c.embedding.byteOffset, c.embedding.byteLength)) : "")),
  );
  const withBands = admitted.filter((c) => c.bands);
  if (withBands.length) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "DedupeBand" ("experimentId", key, "solutionId")
       SELECT $1::uuid, u.key::int8, u.id FROM unnest($2::text[], $3::uuid[]) AS u(key, id)
       ON CONFLICT DO NOTHING`,
      experimentId,
      withBands.flatMap((c) => c.bands!.map(String)),
      withBands.flatMap((c) => c.bands!.map(() => c.id)),
    );
  }
}

async function refreshEmbeddings(tx: PrismaClient, experimentId: string) {
  let cache = embeddingCache.get(experimentId);
  if (!cache) embeddingCache.set(experimentId, (cache = { seq: 0n, ids: [], vectors: [] }));
  const rows = await tx.$queryRawUnsafe<{ seq: bigint; id: string; embedding: Uint8Array }[]>(
    `SELECT seq, "solutionId"::text AS id, embedding FROM "DedupeEntry" WHERE "experimentId" = $1::uuid AND seq > $2 AND embedding IS NOT NULL ORDER BY seq`,
    experimentId,
    cache.seq,
  );
  for (const r of rows) {
    const copy = new Uint8Array(r.embedding);
    cache.ids.push(r.id);
    cache.vectors.push(new Float32Array(copy.buffer, 0, copy.byteLength / 4));
    cache.seq = BigInt(r.seq);
  }
  return cache;
}

/** Forget a finished experiment's cached embeddings. */
export const dropDedupeCache = (experimentId: string) => embeddingCache.delete(experimentId);
