/** Line diffs of genomes (jsdiff) with old/new line numbers, and folding of long unchanged stretches. */
import { diffLines } from "diff";

export interface Line {
  kind: "add" | "del" | "same";
  text: string;
  oldNo: number | null;
  newNo: number | null;
}

export type Row = Line | { kind: "fold"; count: number; from: number };

/** Unchanged lines kept around each change. */
export const CONTEXT = 3;

export function toLines(parent: string, child: string): Line[] {
  const out: Line[] = [];
  let o = 1;
  let n = 1;
  for (const part of diffLines(parent, child)) {
    const lines = part.value.replace(/\n$/, "").split("\n");
    for (const text of lines) {
      if (part.added) out.push({ kind: "add", text, oldNo: null, newNo: n++ });
      else if (part.removed) out.push({ kind: "del", text, oldNo: o++, newNo: null });
      else out.push({ kind: "same", text, oldNo: o++, newNo: n++ });
    }
  }
  return out;
}

export function fold(lines: Line[]): Row[] {
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind === "same") return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(lines.length - 1, i + CONTEXT); k++) keep[k] = true;
  });
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; ) {
    if (keep[i]) {
      rows.push(lines[i]!);
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && !keep[j]) j++;
    // Folding one or two lines saves nothing.
    if (j - i <= 2) for (let k = i; k < j; k++) rows.push(lines[k]!);
    else rows.push({ kind: "fold", count: j - i, from: i });
    i = j;
  }
  return rows;
}
