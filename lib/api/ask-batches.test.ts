import { describe, expect, it } from "vitest";
import { candidateId, newBatchId, splitCandidateId } from "./ask-batches";
import { TellBody } from "./schemas";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("candidate ids of an asked batch", () => {
  it("are v7 UUIDs that lead back to their batch and index, increasing with the index", () => {
    const batch = newBatchId();
    expect(batch).toMatch(UUID);
    for (const i of [0, 1, 255, 9_999]) {
      const id = candidateId(batch, i);
      expect(id).toMatch(UUID);
      expect(splitCandidateId(id)).toEqual({ batchId: batch, index: i });
      expect(splitCandidateId(id.toUpperCase())).toEqual({ batchId: batch, index: i });
    }
    const ids = Array.from({ length: 10_000 }, (_, i) => candidateId(batch, i));
    expect(new Set(ids).size).toBe(10_000);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });
});

describe("TellBody, binary form", () => {
  const b64 = Buffer.from(new Float64Array([1, 2]).buffer).toString("base64");
  const batchId = newBatchId();
  it("accepts batchId with float64 blocks", () => {
    expect(TellBody.safeParse({ batchId, fitness: b64, descriptors: b64 }).success).toBe(true);
  });
  it.each([
    ["no results and no blocks", {}, "results", /results are required/],
    ["both forms", { results: [{ candidateId: batchId, error: "x" }], batchId, fitness: b64, descriptors: b64 }, "results", /not both/],
    ["blocks without descriptors", { batchId, fitness: b64 }, "descriptors", /descriptors is required/],
    ["fitness not base64", { batchId, fitness: "a*b=", descriptors: b64 }, "fitness", /fitness must be base64/],
    ["batchId not a UUID", { batchId: "b1", fitness: b64, descriptors: b64 }, "batchId", /batchId must be a UUID/],
    ["negative start", { batchId, start: -1, fitness: b64, descriptors: b64 }, "start", /start must be >= 0/],
  ])("refuses %s, located", (_name, body, path, message) => {
    const r = TellBody.safeParse(body);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path[0] === path);
    expect(issue?.message).toMatch(message);
  });
});
