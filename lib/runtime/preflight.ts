import net from "node:net";
import pg from "pg";
import { Redis } from "ioredis";
import { redactUrl } from "@/lib/config";

/**
 * Start-up checks that turn the usual misconfigurations into one sentence
 * saying what to fix, instead of a stack trace from deep inside a driver.
 */

export async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new Error(
      `Cannot connect to PostgreSQL at ${redactUrl(url)} (${describe(error)}); check DATABASE_URL, or unset it to use the embedded database.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Cannot connect to Redis at ${redactUrl(url)} (${describe(error)}); check REDIS_URL, or unset it to keep jobs in PostgreSQL.`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function checkPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new Error(`Port ${port} is already in use; stop the program using it or start with another port, e.g. PORT=${port + 1} npm start.`));
      } else if (error.code === "EACCES") {
        reject(new Error(`Not allowed to listen on port ${port}; choose a port above 1023 with PORT=3000.`));
      } else {
        reject(new Error(`Cannot listen on ${host}:${port} (${error.message}); check PORT and HOST.`));
      }
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ECONNREFUSED") return "connection refused";
  if (e?.code === "ENOTFOUND") return "host not found";
  if (e?.code === "ETIMEDOUT") return "timed out";
  return (e?.message || String(error)).split("\n")[0]!;
}
