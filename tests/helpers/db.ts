// Per-test-file PostgreSQL databases: a uniquely named database on the test server, migrated with the
// committed Prisma migrations, dropped afterwards.
//
//   const db = await createTestDatabase();           // in beforeAll
//   const prisma = createPrismaClient(db.url);
//   ...
//   await prisma.$disconnect(); await db.drop();     // in afterAll
//
// The server comes from TEST_DATABASE_URL (any database on it; default
// postgresql://postgres@127.0.0.1:5432/postgres). Its user needs CREATEDB.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDatabase } from "@/lib/db/migrate";

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Its name. */
  name: string;
  /** Drops the database (terminating leftover connections). Safe to call twice. */
  drop(): Promise<void>;
}

const DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { prefix?: string; migrate?: boolean; serverUrl?: string } = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? (process.env.TEST_DATABASE_URL || DEFAULT_SERVER_URL);
  const prefix = (options.prefix ?? "qd_test").toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(serverUrl, name);

  await admin(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };

  if (options.migrate !== false) {
    try {
      await migrateDatabase(url);
    } catch (error) {
      await drop().catch(() => {});
      throw error;
    }
  }
  return { url, name, drop };
}
