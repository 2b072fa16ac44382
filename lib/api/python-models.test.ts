import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { openApiDocument } from "./openapi";

const root = path.resolve(import.meta.dirname, "../..");

describe("the Python client's models", () => {
  it("are what clients/python/tools/generate_models.py makes of the OpenAPI document (regenerate: npx tsx scripts/python-models.ts)", () => {
    const r = spawnSync("python3", [path.join(root, "clients/python/tools/generate_models.py"), "--openapi", "-", "--check"], { input: JSON.stringify(openApiDocument()), encoding: "utf8" });
    expect(r.stderr + r.stdout).toBe("");
    expect(r.status).toBe(0);
  }, 60_000); // a python3 start-up on a busy machine

  it("cover every response the client reads", () => {
    const doc = openApiDocument() as { components: { schemas: Record<string, unknown> }; paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>> };
    const refs = new Map<string, string>();
    for (const methods of Object.values(doc.paths))
      for (const op of Object.values(methods)) {
        const ok = op.responses["200"] ?? op.responses["201"];
        const ref = ok?.content?.["application/json"]?.schema?.$ref;
        if (ref) refs.set(op.operationId, ref.split("/").at(-1)!);
      }
    for (const op of ["getExperiment", "listExperiments", "getArchive", "getElite", "getSolution", "listSolutions", "getLineage", "getMetrics", "ask", "tell", "submitSolutions"]) {
      expect(refs.get(op), op).toBeTruthy();
      expect(doc.components.schemas[refs.get(op)!], op).toBeTruthy();
    }
  });
});
