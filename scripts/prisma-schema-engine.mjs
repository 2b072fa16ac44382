#!/usr/bin/env node
// Offline stand-in for Prisma's native `schema-engine` binary.
//
// The Prisma CLI (prisma 7.10.0) downloads a native schema engine from binaries.prisma.sh on first
// use, which fails on machines without internet. The CLI honours PRISMA_SCHEMA_ENGINE_BINARY, so
// prisma.config.ts points that variable at this script. It speaks the same protocol as the native
// binary and delegates the real work to the WebAssembly build of the same engine
// (@prisma/schema-engine-wasm, which must match the CLI's engine hash) talking to PostgreSQL through
// @prisma/adapter-pg.
//
// How the CLI runs the engine (node_modules/prisma/build/cli.js):
//   schema-engine --version                                  -> prints "schema-engine-cli <hash>"
//   schema-engine --datasource '{"url":...}' cli <command>   -> one-shot: can-connect-to-database,
//        create-database, drop-database; errors are JSON log lines on stderr (the first line is skipped
//        by the CLI), with fields.error_code (e.g. P1003 "database does not exist").
//   schema-engine [--datamodels <file>]... [--datasource '<json>'] [--enabled-preview-features a,b]
//        [--extension-types '<json>']
//        -> JSON-RPC 2.0 over stdio, one message per line. Requests come on stdin, responses go to
//           stdout; the engine may send a "print" request to the CLI (used for `migrate diff` output).
//
// Only PostgreSQL is supported. Workarounds applied here (see shared/notes/stack.md):
//   - adapter-pg cannot map Postgres' internal "char" (OID 18) / name (19) types that introspection
//     returns: they are reported to the engine as text.
//   - adapter-pg's executeScript splits scripts on every ";" (breaks on semicolons in strings or
//     function bodies): scripts are sent as one simple-protocol query instead, like the native engine.
//   - adapter-pg's shadow database pool is `{ ...config, database }` and drops the database before
//     closing its pool: we build discrete host/port/user/database configs, close the pool first and
//     drop with (FORCE).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";

// Anything printed on stdout that is not a JSON-RPC message confuses the CLI.
console.log = (...args) => console.error(...args);
console.info = console.log;
console.debug = console.log;

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, cli: undefined, version: false, previewFeatures: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--version" || a === "-V") out.version = true;
    else if (a === "--datamodels" || a === "-d") out.datamodels.push(argv[++i]);
    else if (a === "--datasource") out.datasource = JSON.parse(argv[++i]);
    else if (a === "--enabled-preview-features") out.previewFeatures = String(argv[++i]).split(",");
    else if (a === "--extension-types") i++; // PostgreSQL extension types: not needed here
    else if (a === "cli") out.cli = argv.slice(i + 1);
    if (out.cli) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Loading the engine (Node 20 cannot `import` a .wasm file, so instantiate it by hand).

async function loadWasmEngine() {
  // The package's "exports" hide package.json; resolve its main entry instead.
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
  const bg = await import(pathToFileURL(path.join(dir, "schema_engine_bg.js")).href);
  const bytes = fs.readFileSync(path.join(dir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bg;
}

// ---------------------------------------------------------------------------------------------------
// Connection configs

/** Turns a postgres:// URL into discrete pg config fields (never `connectionString`, see header). */
function pgConfigFromUrl(url, overrides = {}) {
  let u;
  try {
    u = new URL(url);
  } catch {
    throw new UserError("P1013", "The provided database string is invalid. It is not a valid URL.");
  }
  if (u.protocol !== "postgresql:" && u.protocol !== "postgres:") {
    throw new UserError(
      "P1013",
      `The provided database string is invalid. This schema engine shim only supports postgresql:// URLs, got ${u.protocol}`,
    );
  }
  const sp = u.searchParams;
  const config = {
    host: sp.get("host") || decodeURIComponent(u.hostname) || "localhost",
    port: u.port ? Number(u.port) : sp.get("port") ? Number(sp.get("port")) : 5432,
    user: decodeURIComponent(u.username) || sp.get("user") || process.env.PGUSER || undefined,
    password: u.password ? decodeURIComponent(u.password) : sp.get("password") || undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
    // Short idle timeout so pools let go of a (shadow) database quickly; 0 would mean "never".
    idleTimeoutMillis: 50,
    max: 4,
    ...overrides,
  };
  const sslmode = sp.get("sslmode");
  if (sslmode && sslmode !== "disable") {
    config.ssl = sslmode === "require" || sslmode === "prefer" ? { rejectUnauthorized: false } : true;
  }
  return { config, schema: sp.get("schema") || undefined };
}

function describeLocation(config) {
  return `${config.host}:${config.port}`;
}

class UserError extends Error {
  constructor(code, message, meta = {}) {
    super(message);
    this.errorCode = code;
    this.meta = meta;
  }
}

/** Maps a pg/driver connection error to Prisma's user-facing codes. */
function toUserError(err, config) {
  if (err instanceof UserError) return err;
  const code = err?.code;
  const location = describeLocation(config);
  if (code === "3D000") {
    return new UserError("P1003", `Database \`${config.database}\` does not exist on the database server at \`${location}\`.`, {
      database_name: config.database,
      database_location: location,
    });
  }
  if (code === "28P01" || code === "28000") {
    return new UserError("P1000", `Authentication failed against database server at \`${location}\`: ${err.message}`);
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ETIMEDOUT") {
    return new UserError("P1001", `Can't reach database server at \`${location}\`. Please make sure your database server is running at \`${location}\`.`, {
      database_host: config.host,
      database_port: config.port,
    });
  }
  if (code === "42P04") {
    return new UserError("P1009", `Database \`${config.database}\` already exists on the database server at \`${location}\``);
  }
  return err;
}

async function withClient(config, fn) {
  const { default: pg } = await import("pg");
  const client = new pg.Client(config);
  try {
    await client.connect();
  } catch (err) {
    throw toUserError(err, config);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const quoteIdent = (name) => `"${String(name).replace(/"/g, '""')}"`;

async function canConnect(config) {
  await withClient(config, (c) => c.query("SELECT 1"));
}

async function createDatabase(config) {
  try {
    await canConnect(config);
    return { databaseName: config.database, created: false };
  } catch (err) {
    if (!(err instanceof UserError && err.errorCode === "P1003")) throw err;
  }
  await withClient({ ...config, database: "postgres" }, async (c) => {
    try {
      await c.query(`CREATE DATABASE ${quoteIdent(config.database)}`);
    } catch (err) {
      if (err?.code !== "42P04") throw toUserError(err, config); // already exists (race): fine
    }
  });
  return { databaseName: config.database, created: true };
}

async function dropDatabase(config) {
  await withClient({ ...config, database: "postgres" }, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${quoteIdent(config.database)} WITH (FORCE)`),
  );
}

// ---------------------------------------------------------------------------------------------------
// Driver adapter for the wasm engine

let adapterPatched = false;

/** Patches adapter-pg's classes once (prototypes are reachable from a connected adapter instance). */
function patchAdapterClasses(adapter) {
  if (adapterPatched) return;
  adapterPatched = true;
  const adapterProto = Object.getPrototypeOf(adapter); // PrismaPgAdapter
  const queryableProto = Object.getPrototypeOf(adapterProto); // PgQueryable (also base of transactions)

  const origPerformIO = queryableProto.performIO;
  queryableProto.performIO = async function performIO(query) {
    const result = await origPerformIO.call(this, query);
    for (const field of result?.fields ?? []) {
      // "char" (18) and name (19) come back from pg as JS strings already; report them as text (25).
      if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25;
    }
    return result;
  };

  adapterProto.executeScript = async function executeScript(script) {
    try {
      // Simple query protocol: the whole script runs as one multi-statement command.
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
}

async function createAdapterFactory(datasource) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { bindMigrationAwareSqlAdapterFactory } = await import(
    pathToFileURL(createRequire(require.resolve("@prisma/adapter-pg")).resolve("@prisma/driver-adapter-utils")).href
  );
  const { config, schema } = pgConfigFromUrl(datasource.url);
  const shadowBase = datasource.shadowDatabaseUrl ? pgConfigFromUrl(datasource.shadowDatabaseUrl).config : config;

  class ShimPg extends PrismaPg {
    async connect() {
      const adapter = await super.connect();
      patchAdapterClasses(adapter);
      return adapter;
    }

    async connectToShadowDb() {
      // A throwaway database on the shadow server (the main one unless shadowDatabaseUrl is configured).
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      await withClient({ ...shadowBase, database: "postgres" }, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
      const inner = new PrismaPg({ ...shadowBase, database }, schema ? { schema } : undefined);
      const adapter = await inner.connect();
      patchAdapterClasses(adapter);
      const release = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await release(); // close the pool first, then drop
        await dropDatabase({ ...shadowBase, database });
      };
      return adapter;
    }
  }

  const factory = new ShimPg(config, schema ? { schema } : undefined);
  return { bound: bindMigrationAwareSqlAdapterFactory(factory), config };
}

// ---------------------------------------------------------------------------------------------------
// One-shot `cli` commands

function logLine(level, fields) {
  process.stderr.write(
    JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: "schema_engine::logger" }) + "\n",
  );
}

async function runCliCommand(opts) {
  const command = opts.cli[0];
  // The CLI parses every stderr line as JSON and skips the first one.
  logLine("INFO", { message: `schema-engine shim: ${command}` });
  try {
    if (!opts.datasource?.url) throw new UserError("P1012", "No datasource URL was provided (--datasource).");
    const { config } = pgConfigFromUrl(opts.datasource.url);
    if (command === "can-connect-to-database") await canConnect(config);
    else if (command === "create-database") {
      const { databaseName } = await createDatabase(config);
      logLine("INFO", { message: `Database '${databaseName}' was successfully created.` });
    } else if (command === "drop-database") await dropDatabase(config);
    else throw new Error(`Unknown cli command: ${command}`);
    process.exit(0);
  } catch (err) {
    if (err instanceof UserError) logLine("ERROR", { message: err.message, error_code: err.errorCode });
    else logLine("ERROR", { message: String(err?.stack ?? err) });
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------------
// JSON-RPC server

function rpcError(err) {
  if (err instanceof UserError) {
    return {
      code: 4466,
      message: "An error happened. Check the data field for details.",
      data: { is_panic: false, message: err.message, meta: err.meta ?? {}, error_code: err.errorCode },
    };
  }
  // Errors thrown by the wasm engine: user-facing ones carry a Prisma error code.
  const code = err?.code ?? err?.error_code ?? err?.errorCode;
  const message = err?.message ?? (typeof err === "string" ? err : JSON.stringify(err));
  if (typeof code === "string" && /^P\d{4}$/.test(code)) {
    return {
      code: 4466,
      message: "An error happened. Check the data field for details.",
      data: { is_panic: false, message, meta: err?.meta ?? {}, error_code: code },
    };
  }
  return {
    code: 4466,
    message: "An error happened. Check the data field for details.",
    data: { is_panic: false, message: String(err?.stack ?? message) },
  };
}

async function runRpcServer(opts) {
  const datamodels = opts.datamodels.length
    ? opts.datamodels.map((file) => [file, fs.readFileSync(path.resolve(file), "utf8")])
    : undefined;

  let enginePromise;
  let adapterConfig;
  const getEngine = () => {
    enginePromise ??= (async () => {
      if (!opts.datasource?.url) {
        throw new UserError("P1012", "The schema engine needs a datasource URL: set `datasource.url` in prisma.config.ts.");
      }
      const wasm = await loadWasmEngine();
      const { bound, config } = await createAdapterFactory(opts.datasource);
      adapterConfig = config;
      const log = (line) => {
        // Forward engine logs as JSON lines on stderr (what the CLI expects from the native engine).
        try {
          JSON.parse(line);
          process.stderr.write(String(line) + "\n");
        } catch {
          logLine("INFO", { message: String(line) });
        }
      };
      return wasm.SchemaEngine.new({ datamodels }, log, bound);
    })();
    return enginePromise;
  };

  let printId = 0;
  const pendingPrints = new Map();
  const send = (msg) => process.stdout.write(JSON.stringify(msg) + "\n");
  const printToCli = (content) =>
    new Promise((resolve) => {
      const id = `shim-print-${++printId}`;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: "2.0", id, method: "print", params: { content } });
    });

  const handlers = {
    async createDatabase(params) {
      const url = params?.datasource?.url ?? opts.datasource?.url;
      const { config } = pgConfigFromUrl(url);
      const { databaseName } = await createDatabase(config);
      return { databaseName };
    },
    async getDatabaseVersion() {
      const { config } = pgConfigFromUrl(opts.datasource.url);
      return withClient(config, async (c) => (await c.query("SELECT version() AS v")).rows[0].v);
    },
    async getDatabaseDescription() {
      throw new Error("getDatabaseDescription is not supported by the offline schema engine shim.");
    },
    async dbExecute(params) {
      if (params?.datasourceType?.tag === "url") {
        const { config } = pgConfigFromUrl(params.datasourceType.url);
        await withClient(config, (c) => c.query(params.script));
        return {};
      }
      const engine = await getEngine();
      await engine.dbExecute(params);
      return {};
    },
    async diff(params) {
      const engine = await getEngine();
      const result = await engine.diff(params);
      // The native engine streams the diff to the CLI through "print" requests.
      if (result?.stdout != null && result.stdout !== "") await printToCli(result.stdout.replace(/\n$/, ""));
      return { exitCode: result?.exitCode ?? 0, stdout: null };
    },
    async version() {
      const engine = await getEngine();
      return engine.version();
    },
    async debugPanic() {
      throw new Error("debugPanic");
    },
  };
  const voidMethods = new Set(["reset", "dbExecute"]);

  async function handle(method, params) {
    if (handlers[method]) return handlers[method](params);
    const engine = await getEngine();
    if (typeof engine[method] !== "function") throw new Error(`Unknown schema engine method: ${method}`);
    const result = await engine[method](params ?? {});
    return voidMethods.has(method) || result === undefined ? {} : result;
  }

  // Requests are processed one at a time, in order.
  let queue = Promise.resolve();
  let buffer = "";
  const onLine = (line) => {
    if (!line.trim()) return;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      logLine("ERROR", { message: `Could not parse JSON-RPC message: ${line.slice(0, 200)}` });
      return;
    }
    if (msg.id !== undefined && !msg.method && pendingPrints.has(msg.id)) {
      const resolve = pendingPrints.get(msg.id);
      pendingPrints.delete(msg.id);
      resolve();
      return;
    }
    queue = queue.then(async () => {
      try {
        const result = await handle(msg.method, msg.params);
        if (msg.id !== undefined) send({ jsonrpc: "2.0", id: msg.id, result });
      } catch (err) {
        let error = err;
        if (adapterConfig || opts.datasource?.url) {
          try {
            error = toUserError(err, adapterConfig ?? pgConfigFromUrl(opts.datasource.url).config);
          } catch {
            /* keep the original error */
          }
        }
        logLine("ERROR", { message: String(error?.message ?? error) });
        if (msg.id !== undefined) send({ jsonrpc: "2.0", id: msg.id, error: rpcError(error) });
      }
    });
  };

  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line);
    }
  });
  process.stdin.on("end", () => {
    if (buffer) onLine(buffer);
    queue.finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------------

process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));

const opts = parseArgs(process.argv.slice(2));
if (opts.version) {
  const wasm = await loadWasmEngine();
  process.stdout.write(`schema-engine-cli ${wasm.version()}\n`);
  process.exit(0);
} else if (opts.cli) {
  await runCliCommand(opts);
} else {
  await runRpcServer(opts);
}
