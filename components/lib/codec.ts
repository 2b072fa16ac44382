/** Typed arrays through server → client props as base64 (a 10,000-elite archive is ~250 kB, not ~1 MB of JSON). */

// Node's Buffer through globalThis: a bare `Buffer` makes the bundler put a 22 kB Buffer polyfill into the
// experiment page's first-load script, which only ever decodes.
const NodeBuffer = (globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: "base64"): string } } }).Buffer;

export function toBase64(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (NodeBuffer) return NodeBuffer.from(bytes).toString("base64");
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function bytesOf(b64: string): ArrayBuffer {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

export const decodeF64 = (b64: string) => new Float64Array(bytesOf(b64));
export const decodeF32 = (b64: string) => new Float32Array(bytesOf(b64));
export const decodeI32 = (b64: string) => new Int32Array(bytesOf(b64));
