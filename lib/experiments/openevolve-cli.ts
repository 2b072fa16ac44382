/**
 * `qd-studio import openevolve config.yaml [--program initial_program.py] [--evaluator evaluator.py]
 *  [--name NAME] [--post http://127.0.0.1:3000] [--token T]`
 * Prints the equivalent experiment as JSON (or POSTs it and prints the answer); the fields without
 * an equivalent go to stderr, one sentence each.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatIssues } from "@/lib/evaluators/types";
import { ExperimentSpec } from "./config";
import { importOpenEvolveConfig } from "./openevolve-import";

export async function cmdImport(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { program: { type: "string" }, evaluator: { type: "string" }, name: { type: "string" }, post: { type: "string" }, token: { type: "string" } },
  });
  const [kind, file] = positionals;
  if (kind !== "openevolve" || !file || positionals.length !== 2) {
    err("usage: qd-studio import openevolve config.yaml [--program initial_program.py] [--evaluator evaluator.py] [--name NAME] [--post URL] [--token T]\n");
    return 2;
  }
  const read = (p: string) => readFileSync(p, "utf8");
  const { experiment, unmapped } = importOpenEvolveConfig(read(file), {
    ...(values.program ? { program: read(values.program) } : {}),
    ...(values.evaluator ? { evaluatorFile: read(values.evaluator) } : {}),
    ...(values.name ? { name: values.name } : {}),
  });
  for (const u of unmapped) err(`not imported: ${u.field}: ${u.why}\n`);
  const checked = ExperimentSpec.safeParse(experiment);
  if (!checked.success) err(`the experiment needs attention before it can run: ${formatIssues(checked.error)}\n`);
  if (!values.post) {
    out(JSON.stringify(experiment, null, 2) + "\n");
    return checked.success ? 0 : 1;
  }
  if (!checked.success) return 1;
  const res = await fetch(new URL("/api/experiments", values.post), {
    method: "POST",
    headers: { "content-type": "application/json", ...(values.token ? { authorization: `Bearer ${values.token}` } : {}) },
    body: JSON.stringify(experiment),
  });
  out((await res.text()) + "\n");
  return res.ok ? 0 : 1;
}
