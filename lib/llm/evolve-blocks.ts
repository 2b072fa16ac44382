/**
 * EVOLVE-BLOCK markers (AlphaEvolve / OpenEvolve): when a program has lines containing
 * `EVOLVE-BLOCK-START` … `EVOLVE-BLOCK-END` (in any comment syntax), only the code between them
 * may change. Everything else — the marker lines included — is fixed, byte for byte.
 *
 * `checkEvolveBlocks(parent, child)` says whether the child kept the fixed regions of the parent,
 * and if not, which one changed and where, so the invalid candidate carries a useful reason.
 * Pure functions.
 */
const START = "EVOLVE-BLOCK-START";
const END = "EVOLVE-BLOCK-END";

export const hasEvolveBlocks = (program: string) => program.includes(START) && program.includes(END);

/** The fixed regions of a program: F0, F1, …, Fn around its n evolve blocks (markers are part of the fixed text). */
export function fixedRegions(program: string): { ok: true; regions: string[] } | { ok: false; reason: string } {
  const text = program.replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  const regions: string[] = [];
  let current: string[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const last = i === lines.length - 1;
    const withNl = last ? line : line + "\n";
    if (line.includes(START)) {
      if (inBlock) return { ok: false, reason: `line ${i + 1}: ${START} inside an evolve block` };
      current.push(withNl);
      regions.push(current.join(""));
      current = [];
      inBlock = true;
    } else if (line.includes(END)) {
      if (!inBlock) return { ok: false, reason: `line ${i + 1}: ${END} without ${START}` };
      current = [withNl];
      inBlock = false;
    } else if (!inBlock) current.push(withNl);
  }
  if (inBlock) return { ok: false, reason: `${START} without ${END}` };
  regions.push(current.join(""));
  return { ok: true, regions };
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function firstLine(s: string): string {
  const l = s.split("\n").find((x) => x.trim()) ?? s;
  return JSON.stringify(l.length > 80 ? l.slice(0, 80) + "…" : l);
}

/**
 * Does `child` keep every fixed region of `parent`, in order? Lenient only about the trailing
 * newline at the very end of the file. `{ ok: true }` when the parent has no markers.
 */
export function checkEvolveBlocks(parent: string, child: string): { ok: true } | { ok: false; reason: string } {
  if (!hasEvolveBlocks(parent)) return { ok: true };
  const fixed = fixedRegions(parent);
  if (!fixed.ok) return { ok: true }; // malformed markers in the parent: nothing to enforce
  const regions = fixed.regions;
  const text = child.replace(/\r\n?/g, "\n");
  const parentText = parent.replace(/\r\n?/g, "\n");
  const where = (k: number) => {
    const at = regions.slice(0, k).join("").length;
    return `line ${lineOf(parentText, at) + (k > 0 ? 0 : 0)}`;
  };
  const explain = (k: number) =>
    k === 0
      ? `the code before the first EVOLVE-BLOCK-START (${where(0)}, starting ${firstLine(regions[0]!)}) was changed`
      : k === regions.length - 1
        ? `the code after the last EVOLVE-BLOCK-END (from ${firstLine(regions[k]!)}) was changed`
        : `the fixed code between evolve blocks ${k} and ${k + 1} (starting ${firstLine(regions[k]!)}) was changed`;
  const reason = (k: number) => `edits outside the EVOLVE-BLOCK regions: ${explain(k)}; only the code between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END may change`;

  if (!text.startsWith(regions[0]!)) return { ok: false, reason: reason(0) };
  let pos = regions[0]!.length;
  for (let k = 1; k < regions.length - 1; k++) {
    const at = text.indexOf(regions[k]!, pos);
    if (at < 0) return { ok: false, reason: reason(k) };
    pos = at + regions[k]!.length;
  }
  if (regions.length > 1) {
    const tail = regions[regions.length - 1]!;
    const trimmed = (s: string) => s.replace(/\n+$/, "");
    const at = text.lastIndexOf(trimmed(tail));
    if (at < pos || trimmed(text.slice(at)) !== trimmed(tail)) return { ok: false, reason: reason(regions.length - 1) };
  }
  return { ok: true };
}

/** A sentence for prompts. */
export function evolveBlocksInstruction(comment = "#"): string {
  return `Only the code between the \`${comment} EVOLVE-BLOCK-START\` and \`${comment} EVOLVE-BLOCK-END\` markers may change. Keep every other line, the markers included, exactly as it is: a change outside the marked regions makes the program invalid.`;
}
