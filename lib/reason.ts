/**
 * One readable line for any thrown value, for logs and stream comments: the first non-empty line
 * of its message, a recognisable "the database is unreachable (…)" for the many shapes a database
 * outage takes in pg, Prisma and Node, else the error's code or type. Never an empty string.
 */

/** Errors that mean "the database (or its connection) went away", from pg and Prisma. */
const DATABASE_DOWN =
  /Can't reach database server|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down)|Server has closed the connection|Client has encountered a connection error|\bP1001\b|\bP1017\b|\b57P0[123]\b/i;
/** A socket-level failure (database or Redis alike: the address says which). */
const CONNECTION_LOST = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|connection is closed|Connection is closed/i;

/** One readable line for any thrown value: the first non-empty line, else the code or type. */
export function reasonOf(error: unknown): string {
  if (error === null || error === undefined) return `threw ${String(error)}`;
  const e = error as { message?: unknown; code?: unknown; name?: unknown; cause?: unknown };
  const message = typeof e.message === "string" ? e.message : typeof error === "string" ? error : "";
  const all = [message, ...causes(e)].join("\n");
  if (DATABASE_DOWN.test(all) || DATABASE_DOWN.test(String(e.code ?? ""))) {
    const detail = firstLine(all.split("\n").find((l) => DATABASE_DOWN.test(l)) ?? String(e.code));
    return `the database is unreachable (${detail})`;
  }
  if (CONNECTION_LOST.test(all) || CONNECTION_LOST.test(String(e.code ?? ""))) {
    const detail = firstLine(all.split("\n").find((l) => CONNECTION_LOST.test(l)) ?? String(e.code));
    return `a server connection failed (${detail})`;
  }
  const line = firstLine(message);
  if (line) return line;
  if (typeof e.code === "string" || typeof e.code === "number") return `${typeof e.name === "string" ? e.name : "error"} ${e.code}`;
  if (typeof e.name === "string" && e.name) return `${e.name} without a message`;
  return "an error without a message";
}

function causes(e: { cause?: unknown }): string[] {
  const out: string[] = [];
  let c = e.cause as { message?: unknown; code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; c && depth < 5; depth++, c = c.cause as typeof c) {
    if (typeof c.message === "string") out.push(c.message);
    if (typeof c.code === "string") out.push(c.code);
  }
  return out;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim())?.trim() ?? "";
  return line.length > 500 ? line.slice(0, 500) + "…" : line;
}
