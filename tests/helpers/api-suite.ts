import { afterAll, beforeAll } from "vitest";
import { createTestStack, TEST_CEILING_MS, type TestStack } from "./stack";
import { startApiServer, type ApiServer } from "./server";

export interface ApiSuite {
  stack: TestStack;
  server: ApiServer;
  /** POST a JSON body to /api/experiments: the status and the parsed answer. */
  createExperiment(body: unknown): Promise<{ status: number; body: any }>;
}

/**
 * A test stack and a `next start` server on it for the describe block this is called in,
 * started before its tests and stopped after them. Read the fields inside tests only.
 */
export function useApiSuite(): ApiSuite {
  const suite = {
    async createExperiment(body: unknown) {
      const res = await suite.server.fetch("/api/experiments", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
  } as ApiSuite;
  beforeAll(async () => {
    suite.stack = await createTestStack();
    suite.server = await startApiServer(suite.stack.env);
  }, TEST_CEILING_MS);
  afterAll(async () => {
    await suite.server?.stop();
    await suite.stack?.stop();
  });
  return suite;
}
