/**
 * Loader for the SIMD linear-algebra kernels (lib/qd/linalg/wasm/kernels.c,
 * embedded as base64 by build.sh). One instance per thread, compiled
 * synchronously on first use; getKernels() returns null where WebAssembly
 * SIMD is unavailable (or QD_NO_WASM=1), and callers fall back to plain JS.
 *
 * Memory: the module has no data of its own; wasm-ld puts its (unused) stack
 * below HEAP_BASE. Callers ask for a scratch area with scratch(doubles) and
 * lay their arrays out in it; views are made per call, so growing the memory
 * (which detaches old views) is safe between calls.
 */
import { KERNELS_WASM_BASE64 } from "./wasm/kernels.wasm";

interface KernelExports {
  eigh(n: number, W: number, d: number, scratch: number): number;
  sample(n: number, count: number, B: number, sq: number, mean: number, Z: number, out: number): void;
  cov_update(n: number, cov: number, pc: number, decay: number, r1: number, D: number, w: number, np: number): void;
  whiten(n: number, B: number, sq: number, y: number, t: number, z: number): void;
}

const HEAP_BASE = 128 * 1024;
const PAGE = 65536;

export class WasmKernels {
  readonly fn: KernelExports;
  private readonly memory: WebAssembly.Memory;

  constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 32 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.fn = instance.exports as unknown as KernelExports;
  }

  /** Makes room for `doubles` Float64 values at HEAP_BASE; returns HEAP_BASE (a byte pointer). */
  scratch(doubles: number): number {
    const need = HEAP_BASE + doubles * 8;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    return HEAP_BASE;
  }

  /** Float64 view of `len` values at byte pointer `ptr` (valid until the next scratch()). */
  view(ptr: number, len: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, len);
  }
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return Uint8Array.from(B.from(s, "base64"));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let cached: WasmKernels | null | undefined;

export function getKernels(): WasmKernels | null {
  if (cached !== undefined) return cached;
  cached = null;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env?.QD_NO_WASM === "1" || typeof WebAssembly === "undefined") return cached;
  try {
    cached = new WasmKernels(new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64)));
  } catch {
    cached = null;
  }
  return cached;
}
