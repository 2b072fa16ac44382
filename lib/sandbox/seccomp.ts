/**
 * A tiny classic-BPF seccomp filter for sandboxed processes: no new AF_UNIX sockets.
 *
 * The network namespace cuts TCP/UDP and abstract sockets, but *file-system* Unix sockets stay
 * reachable through the read-only view: e.g. /var/run/postgresql/.s.PGSQL.5432 with `local all
 * all trust` (a superuser session, then COPY … TO PROGRAM), or /var/run/docker.sock. Refusing
 * socket(AF_UNIX, …) closes all of them at once; socketpair() (what Python's multiprocessing and
 * asyncio use) stays allowed. Syscalls of a foreign ABI (x32, i386 int 0x80 socketcall) are refused
 * so the rule cannot be bypassed through them. Returns null on architectures we have no table for.
 */

const AUDIT_ARCH: Record<string, { arch: number; socket: number }> = {
  x64: { arch: 0xc000003e, socket: 41 },
  arm64: { arch: 0xc00000b7, socket: 198 },
};
const AF_UNIX = 1;
const EACCES = 13;
const ENOSYS = 38;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const LD_ABS_W = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K
/** Offsets in struct seccomp_data: nr, arch, args[0] (low word, little endian). */
const NR = 0;
const ARCH = 4;
const ARG0 = 16;
/** x86-64's x32 ABI marks its syscall numbers with this bit. */
const X32_BIT = 0x40000000;

export function noUnixSocketsFilter(arch: string = process.arch): Buffer | null {
  const a = AUDIT_ARCH[arch];
  if (!a || !(process.platform === "linux")) return null;
  // [code, jt, jf, k]; jumps count instructions to skip.
  const prog: Array<[number, number, number, number]> = [
    /* 0 */ [LD_ABS_W, 0, 0, ARCH],
    /* 1 */ [JEQ_K, 1, 0, a.arch],
    /* 2 */ [RET_K, 0, 0, RET_ERRNO | ENOSYS], // foreign ABI
    /* 3 */ [LD_ABS_W, 0, 0, NR],
    /* 4 */ [JGE_K, 0, 1, X32_BIT],
    /* 5 */ [RET_K, 0, 0, RET_ERRNO | ENOSYS], // x32 syscall numbers
    /* 6 */ [JEQ_K, 0, 3, a.socket],
    /* 7 */ [LD_ABS_W, 0, 0, ARG0],
    /* 8 */ [JEQ_K, 0, 1, AF_UNIX],
    /* 9 */ [RET_K, 0, 0, RET_ERRNO | EACCES],
    /* 10 */ [RET_K, 0, 0, RET_ALLOW],
  ];
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach(([code, jt, jf, k], i) => {
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(jt, i * 8 + 2);
    buf.writeUInt8(jf, i * 8 + 3);
    buf.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buf;
}
