import crypto from "node:crypto";

/** Deterministic UUID (v4 layout) from a key: the same key always names the same row (idempotent retries). */
export function keyedUuid(key: string): string {
  const h = crypto.createHash("sha256").update(key).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
