/**
 * Geometry of the 3-D scatter, without React or DOM: an orthographic camera (yaw about the vertical
 * axis, then pitch) over the unit cube the descriptor box is normalised to, and the order to paint
 * points back to front.
 */

export interface Camera {
  /** Radians about the vertical axis. */
  yaw: number;
  /** Radians about the screen's horizontal axis, clamped to ±π/2. */
  pitch: number;
}

export const DEFAULT_CAMERA: Camera = { yaw: -0.6, pitch: 0.45 };

export function clampPitch(p: number): number {
  return Math.max(-Math.PI / 2, Math.min(Math.PI / 2, p));
}

/**
 * Projects points in [0,1]^3 (x, y, z = descriptors 1..3; y is up) centred on the cube's middle.
 * Returns screen x/y in [-√3/2, √3/2] (y grows downwards) and depth (larger = nearer the viewer).
 */
export function project(xyz: Float64Array, n: number, cam: Camera, out?: { sx: Float64Array; sy: Float64Array; depth: Float64Array }) {
  const sx = out?.sx.length === n ? out.sx : new Float64Array(n);
  const sy = out?.sy.length === n ? out.sy : new Float64Array(n);
  const depth = out?.depth.length === n ? out.depth : new Float64Array(n);
  const cy = Math.cos(cam.yaw);
  const syw = Math.sin(cam.yaw);
  const cp = Math.cos(cam.pitch);
  const sp = Math.sin(cam.pitch);
  for (let i = 0; i < n; i++) {
    const x = xyz[i * 3]! - 0.5;
    const y = xyz[i * 3 + 1]! - 0.5;
    const z = xyz[i * 3 + 2]! - 0.5;
    // Yaw about y, then pitch about x.
    const x1 = cy * x + syw * z;
    const z1 = -syw * x + cy * z;
    const y2 = cp * y - sp * z1;
    const z2 = sp * y + cp * z1;
    sx[i] = x1;
    sy[i] = -y2;
    depth[i] = z2;
  }
  return { sx, sy, depth };
}

/** Indexes of the points with a finite position, farthest first (painter's order). */
export function paintOrder(depth: Float64Array, valid: Uint8Array): Uint32Array {
  let m = 0;
  for (let i = 0; i < valid.length; i++) if (valid[i]) m++;
  const idx = new Uint32Array(m);
  for (let i = 0, k = 0; i < valid.length; i++) if (valid[i]) idx[k++] = i;
  return idx.sort((a, b) => depth[a]! - depth[b]!);
}

/** The 12 edges of the unit cube as pairs of corner indexes; corner k has coordinates (k&1, k>>1&1, k>>2&1). */
export const CUBE_EDGES: [number, number][] = [
  [0, 1], [2, 3], [4, 5], [6, 7],
  [0, 2], [1, 3], [4, 6], [5, 7],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

export const CUBE_CORNERS = new Float64Array(Array.from({ length: 8 }, (_, k) => [k & 1, (k >> 1) & 1, (k >> 2) & 1]).flat());
