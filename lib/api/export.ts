import { readEnv } from "@/lib/config";
import { prisma } from "@/lib/db/client";
import { decodeVector } from "@/lib/db/vector-codec";
import { effectiveDescriptors, type ExperimentSpec } from "@/lib/experiments/config";

/**
 * `GET /api/experiments/:id/export?format=csv|json[&all=1]`: the archive (one
 * row per elite, by cell) or every stored solution (by creation), streamed
 * page by page over keyset-paginated queries, so memory stays flat at any size.
 *
 * CSV (RFC 4180): header row, then
 *   archive: cell, solution_id, fitness, <descriptor names…>, genome_0 … genome_{d-1}
 *   all:     solution_id, status, cell, fitness, <descriptor names…>, operator, parent_ids, error, created_at, genome_0 …
 * JSON: { experimentId, descriptors, kind: "archive" | "solutions", rows: [ {…}, … ] }
 */
const PAGE = readEnv().QD_EXPORT_PAGE;

/**
 * RFC 4180: quote a field when it holds a comma, quote, CR or LF; double inner quotes.
 * Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR:
 * LLM replies, names, error messages) gets a leading apostrophe (OWASP's CSV-injection
 * advice); numbers, and text that is only a number, are left as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value instanceof Date ? value.toISOString() : String(value);
  if (typeof value !== "number" && /^[=+\-@\t\r]/.test(s) && !NUMERIC.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export const csvRow = (fields: unknown[]) => fields.map(csvField).join(",") + "\r\n";

interface Row {
  id: string;
  cell: number | null;
  fitness: number | null;
  descriptors: number[] | null;
  genomeKind: string;
  genomeVector: Uint8Array | null;
  genomeText: string | null;
  genomeJson: unknown;
  status?: string;
  operator?: string;
  parentIds?: string[];
  error?: string | null;
  createdAt?: Date;
}

export function exportStream(experimentId: string, config: ExperimentSpec, format: "csv" | "json", all: boolean, signal: AbortSignal): Response {
  const names = effectiveDescriptors(config).map((d) => d.name);
  const encoder = new TextEncoder();
  const dim = config.domain.type === "external" ? config.domain.dim : null;

  async function* pages(): AsyncGenerator<Row[]> {
    if (!all) {
      let cell = -1;
      for (;;) {
        const rows = await prisma.$queryRawUnsafe<Row[]>(
          `SELECT e."solutionId"::text AS id, e.cell, e.fitness, e.descriptors, coalesce(s."genomeKind", 'vector') AS "genomeKind",
                  e."genomeVector", s."genomeText", s."genomeJson"
           FROM "Elite" e LEFT JOIN "Solution" s ON s.id = e."solutionId"
           WHERE e."experimentId" = $1::uuid AND e.cell > $2 ORDER BY e.cell LIMIT ${PAGE}`,
          experimentId,
          cell,
        );
        if (rows.length) yield rows;
        if (rows.length < PAGE) return;
        cell = rows.at(-1)!.cell!;
      }
    }
    let at: Date | null = null;
    let id = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows: Row[] = await prisma.$queryRawUnsafe<Row[]>(
        `SELECT id::text, cell, fitness, descriptors, "genomeKind", "genomeVector", "genomeText", "genomeJson", status::text, operator,
                "parentIds"::text[] AS "parentIds", error, "createdAt"
         FROM "Solution" WHERE "experimentId" = $1::uuid AND ($2::timestamptz IS NULL OR ("createdAt", id) > ($2::timestamptz, $3::uuid))
         ORDER BY "createdAt", id LIMIT ${PAGE}`,
        experimentId,
        at,
        id,
      );
      if (rows.length) yield rows;
      if (rows.length < PAGE) return;
      at = rows.at(-1)!.createdAt!;
      id = rows.at(-1)!.id;
    }
  }

  const genomeOf = (r: Row): number[] | string | unknown =>
    r.genomeKind === "vector" ? Array.from(decodeVector(r.genomeVector)) : r.genomeText ?? r.genomeJson;

  let header: string | null = null;
  const csvLine = (r: Row): string => {
    const genome = genomeOf(r);
    const genes = Array.isArray(genome) ? genome : [typeof genome === "string" ? genome : JSON.stringify(genome)];
    if (header === null) {
      const width = dim ?? genes.length;
      const g = Array.isArray(genome) ? Array.from({ length: width }, (_, j) => `genome_${j}`) : ["genome"];
      header = csvRow(all ? ["solution_id", "status", "cell", "fitness", ...names, "operator", "parent_ids", "error", "created_at", ...g] : ["cell", "solution_id", "fitness", ...names, ...g]);
    }
    const d = names.map((_, j) => r.descriptors?.[j] ?? null);
    return all
      ? csvRow([r.id, r.status, r.cell, r.fitness, ...d, r.operator, (r.parentIds ?? []).join(" "), r.error, r.createdAt, ...genes])
      : csvRow([r.cell, r.id, r.fitness, ...d, ...genes]);
  };
  const jsonRow = (r: Row) =>
    JSON.stringify(
      all
        ? { id: r.id, status: r.status, cell: r.cell, fitness: r.fitness, descriptors: r.descriptors ?? [], operator: r.operator, parentIds: r.parentIds ?? [], error: r.error, createdAt: r.createdAt, genome: genomeOf(r) }
        : { cell: r.cell, solutionId: r.id, fitness: r.fitness, descriptors: r.descriptors ?? [], genome: genomeOf(r) },
    );

  const it = pages();
  let first = true;
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          if (format === "json") {
            controller.enqueue(encoder.encode(`{"experimentId":${JSON.stringify(experimentId)},"kind":"${all ? "solutions" : "archive"}","descriptors":${JSON.stringify(names)},"rows":[`));
          }
        }
        if (signal.aborted) {
          await it.return(undefined);
          return controller.close();
        }
        const next = await it.next();
        if (next.done) {
          if (format === "json") controller.enqueue(encoder.encode("]}\n"));
          else if (header === null) controller.enqueue(encoder.encode(csvRow(all ? ["solution_id", "status", "cell", "fitness", ...names, "operator", "parent_ids", "error", "created_at"] : ["cell", "solution_id", "fitness", ...names])));
          return controller.close();
        }
        let out = "";
        for (const r of next.value) {
          if (format === "json") {
            out += (first ? "" : ",") + jsonRow(r);
            first = false;
          } else {
            const line = csvLine(r);
            if (first) {
              out += header!;
              first = false;
            }
            out += line;
          }
        }
        controller.enqueue(encoder.encode(out));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await it.return(undefined);
    },
  });
  const ext = format === "csv" ? "csv" : "json";
  return new Response(stream, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="experiment-${experimentId}-${all ? "solutions" : "archive"}.${ext}"`,
      "cache-control": "no-store",
    },
  });
}
