import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError, ENV_VARIABLES, readEnv } from "./config";

const root = path.resolve(__dirname, "..");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated" || name.startsWith(".")) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

describe("the environment schema", () => {
  it("turns values into typed settings, with the documented defaults", () => {
    const env = readEnv({ QD_ALLOWED_HOSTS: " qd.example.org, ,lab ", QD_TRUST_PROXY: "yes", QD_SANDBOX_READONLY_PATHS: "/opt/tools:/srv/py" });
    expect(env.QD_ALLOWED_HOSTS).toEqual(["qd.example.org", "lab"]);
    expect(env.QD_TRUST_PROXY).toBe(true);
    expect(env.QD_UNSAFE_NO_SANDBOX).toBe(false);
    expect(env.QD_SANDBOX_READONLY_PATHS).toEqual(["/opt/tools", "/srv/py"]);
    expect(env.QD_SSE_POLL_MS).toBe(300);
    expect(env.QD_JOB_LOCK_MS).toBe(30_000);
    expect(env.QD_API_TOKEN).toBeUndefined();
  });

  it("names the variable, the rule and the value when a setting is wrong", () => {
    expect(() => readEnv({ QD_JOB_LOCK_MS: "soon" })).toThrow(ConfigError);
    expect(() => readEnv({ QD_JOB_LOCK_MS: "soon" })).toThrow(/QD_JOB_LOCK_MS .*"soon"/);
    expect(() => readEnv({ QD_SANDBOX_READONLY_PATHS: "tools:/srv" })).toThrow(/QD_SANDBOX_READONLY_PATHS must be absolute paths/);
    expect(() => readEnv({ QD_EVALUATION_CONCURRENCY: "0" })).toThrow(/QD_EVALUATION_CONCURRENCY/);
  });

  it("sees a changed variable at its next read, though parsed environments are reused", () => {
    const env: Record<string, string | undefined> = { QD_SSE_POLL_MS: "250", UNRELATED: "x" };
    const first = readEnv(env);
    expect(readEnv({ ...env, UNRELATED: "y" })).toBe(first); // only the schema's variables count
    env.QD_SSE_POLL_MS = "120";
    expect(readEnv(env).QD_SSE_POLL_MS).toBe(120);
    env.QD_SSE_POLL_MS = "";
    expect(readEnv(env).QD_SSE_POLL_MS).toBe(300); // empty means unset
    env.QD_SSE_POLL_MS = "soon";
    expect(() => readEnv(env)).toThrow(/QD_SSE_POLL_MS/);
    expect(() => (first.QD_ALLOWED_HOSTS as string[]).push("evil.example")).toThrow(TypeError); // shared, so frozen
  });

  it("is the only place the server reads QD_* settings (the engine in lib/qd reads its own tuning knobs)", () => {
    const offenders = ["app", "components", "lib", "workers", "scripts"]
      .flatMap((d) => sources(path.join(root, d)))
      .filter((f) => !f.endsWith(path.join("lib", "config.ts")) && !f.includes(`${path.sep}lib${path.sep}qd${path.sep}`))
      .filter((f) => /process\.env(\.|\[")QD_/.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(root, f));
    expect(offenders).toEqual([]);
  });

  it("is documented: the README's configuration table lists every variable", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const missing = ENV_VARIABLES.filter((v) => !readme.includes(`| \`${v}\``));
    expect(missing).toEqual([]);
  });
});
