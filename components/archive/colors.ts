/** Colour scale for fitness (viridis: perceptually uniform, readable with colour-vision deficiencies). */
import { interpolateViridis, rgb } from "d3";

export const LUT_SIZE = 256;

/** RGBA lookup table, LUT_SIZE entries. */
export const VIRIDIS_LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(interpolateViridis(i / (LUT_SIZE - 1)));
    lut[i * 4] = c.r;
    lut[i * 4 + 1] = c.g;
    lut[i * 4 + 2] = c.b;
    lut[i * 4 + 3] = 255;
  }
  return lut;
})();

export function colorIndex(f: number, min: number, max: number): number {
  if (!(max > min)) return LUT_SIZE - 1;
  const t = (f - min) / (max - min);
  return t <= 0 ? 0 : t >= 1 ? LUT_SIZE - 1 : Math.round(t * (LUT_SIZE - 1));
}

export function cssColor(f: number, min: number, max: number): string {
  const i = colorIndex(f, min, max) * 4;
  return `rgb(${VIRIDIS_LUT[i]},${VIRIDIS_LUT[i + 1]},${VIRIDIS_LUT[i + 2]})`;
}

export interface Theme {
  dark: boolean;
  empty: [number, number, number];
  emptyCss: string;
  plotBg: string;
  gap: string;
  highlight: string;
  lineage: string;
}

export function theme(dark: boolean): Theme {
  return dark
    ? { dark, empty: [30, 41, 59], emptyCss: "rgb(30,41,59)", plotBg: "#0f172a", gap: "#020617", highlight: "#f8fafc", lineage: "#fb923c" }
    : { dark, empty: [241, 245, 249], emptyCss: "rgb(241,245,249)", plotBg: "#ffffff", gap: "#ffffff", highlight: "#0f172a", lineage: "#ea580c" };
}
