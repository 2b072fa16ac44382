import pg from "pg";

/**
 * A worker's node-postgres pool for the direct commit path (commitBatch's `direct`): plain numeric
 * batches skip Prisma's raw-query path, which JSON-serialises every parameter and result.
 *
 * Rows come back as Prisma returns them for the columns the commit reads: int8 as bigint (the archive
 * revision), the rest as node-postgres parses them (int4/float8 numbers, jsonb parsed). Every statement
 * is limited like the Prisma transaction (60 s, the lock wait included), and a transaction left idle by
 * a stalled process is ended by the server instead of holding the experiment row.
 */
export function createDirectPool(connectionString: string, max = 2, timeoutMs = 60_000): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    statement_timeout: timeoutMs,
    idle_in_transaction_session_timeout: timeoutMs,
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === pg.types.builtins.INT8 ? BigInt : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // An idle connection lost (PostgreSQL restarted): the pool replaces it on the next connect.
  pool.on("error", () => {});
  return pool;
}
