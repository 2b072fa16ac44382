/** Headings of non-vector genomes. A module of its own: the elite panel needs the labels, not GenomeView's highlighter and differ. */
export const KIND_LABEL: Record<string, string> = { code: "Program", text: "Text", json: "Genome (JSON)" };
