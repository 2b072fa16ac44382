import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startOpenAIMock, type OpenAIMock } from "../../tests/helpers/openai-mock";
import { createLlmClient } from "../llm/client";
import { DedupeConfig } from "../llm/schemas";
import { askNoveltyJudge, parseNoveltyReply } from "./novelty-judge";
import { dedupeSettings } from "./settings";
import type { ExperimentSpec } from "../experiments/config";

let mock: OpenAIMock;
beforeAll(async () => {
  mock = await startOpenAIMock();
});
afterAll(async () => {
  await mock.close();
});

describe("LLM novelty judge", () => {
  it("reads the verdict from JSON or a yes/no reply; anything else is no verdict", () => {
    expect(parseNoveltyReply('```json\n{"different": false, "reason": "only renamed \\"x\\""}\n```')).toEqual({ different: false, reason: 'only renamed "x"' });
    expect(parseNoveltyReply('{"reason": "new algorithm", "different": true}')).toEqual({ different: true, reason: "new algorithm" });
    expect(parseNoveltyReply("No, it is the same loop.").different).toBe(false);
    expect(parseNoveltyReply("Hard to say.").different).toBeNull();
  });

  it("shows both candidates and their similarity, at temperature 0, and reports its spend", async () => {
    mock.setScript([reply.text('{"different": false, "reason": "same program, reformatted"}', { promptTokens: 500, completionTokens: 20 })]);
    const client = createLlmClient({ baseURL: mock.baseURL, model: "gpt-4o-mini", retryBaseMs: 5, timeoutMs: 2000 });
    const v = await askNoveltyJudge(client, { candidate: "const PARAMS = [1, 2];", original: "const PARAMS = [1,2];", similarity: 0.85 });
    expect(v).toMatchObject({ different: false, reason: "same program, reformatted", promptTokens: 500, completionTokens: 20 });
    expect(v.costUsd).toBeCloseTo((500 * 0.15 + 20 * 0.6) / 1e6, 15);
    const sent = mock.completions.at(-1)!.body;
    expect(sent.temperature).toBe(0);
    expect(sent.messages[1].content).toContain("similarity is 0.850");
    expect(sent.messages[1].content).toContain("# STORED\n```\nconst PARAMS = [1,2];\n```");
    expect(sent.messages[1].content).toContain("# NEW\n```\nconst PARAMS = [1, 2];\n```");
  });

  it("is off by default; on, its band is [lower, threshold) and needs a similarity mode", () => {
    const spec = (dedupe: unknown) => ({ domain: { type: "javascript" }, emitter: { type: "llm", dedupe: DedupeConfig.parse(dedupe) } }) as unknown as ExperimentSpec;
    expect(dedupeSettings(spec({}))!.judge).toBeUndefined();
    expect(dedupeSettings(spec({ judge: {} }))!.judge).toEqual({ lower: 0.8 });
    expect(dedupeSettings(spec({ mode: "minhash", threshold: 0.95, judge: { lower: 0.7, model: "cheap" } }))!.judge).toEqual({ lower: 0.7, model: "cheap" });
    const msg = (d: unknown) => { const r = DedupeConfig.safeParse(d); return r.success ? null : r.error.issues[0]!.message; };
    expect(msg({ mode: "exact", judge: {} })).toBe('dedupe.judge needs a similarity: mode "minhash" or "embeddings"');
    expect(msg({ judge: { lower: 0.9 } })).toBe("dedupe.judge.lower must be below the threshold (0.9)");
  });
});
