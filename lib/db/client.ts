// The single Prisma client module. Everything that talks to PostgreSQL through Prisma imports from here.
//
// Prisma 7 runs without a native query engine: the generated client (prisma-client generator, ESM,
// output lib/generated/prisma, created by `npm run db:generate`) executes queries through the
// @prisma/adapter-pg driver adapter (node-postgres pool).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";

function resolveDatabaseUrl(databaseUrl?: string): string {
  const url = databaseUrl ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error("No database URL: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/qd_studio_dev) or pass one to createPrismaClient().");
  }
  return url;
}

/** A new client with its own connection pool. Call `$disconnect()` when done with it. */
export function createPrismaClient(databaseUrl?: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: resolveDatabaseUrl(databaseUrl) });
  return new PrismaClient({ adapter });
}

// Process-wide client, created on first use so that importing this module never needs DATABASE_URL.
// In development it is kept on globalThis so Next.js hot reloads do not open a new pool each time.
const globalForPrisma = globalThis as typeof globalThis & { __qdStudioPrisma?: PrismaClient };
let instance: PrismaClient | undefined;

export function getPrisma(): PrismaClient {
  if (instance) return instance;
  instance = globalForPrisma.__qdStudioPrisma ?? createPrismaClient();
  if (process.env.NODE_ENV !== "production") globalForPrisma.__qdStudioPrisma = instance;
  return instance;
}

/** Lazily created process-wide client (same object as `getPrisma()`). */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getPrisma();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
  has(_target, property) {
    return Reflect.has(getPrisma(), property);
  },
});

