import { describe, expect, it } from "vitest";
import { matchFastRead } from "./fast-reads";

const id = "5e538b71-c018-44b0-9240-090012ea0e8d";
const host = "127.0.0.1:3000";

describe("matchFastRead: which requests take the direct path", () => {
  it("matches GET on the polled reads, with the route's params and the URL the handler sees", () => {
    expect(matchFastRead("GET", "/api/experiments", host)).toEqual({ page: "api/experiments", params: {}, pathname: "/api/experiments", url: `http://${host}/api/experiments` });
    expect(matchFastRead("GET", `/api/experiments/${id}?x=1`, host)).toMatchObject({ page: "api/experiments/[id]", params: { id }, url: `http://${host}/api/experiments/${id}?x=1` });
    for (const tail of ["archive", "archive?format=columns", "metrics?after=5", "events"]) {
      expect(matchFastRead("GET", `/api/experiments/${id}/${tail}`, host)).toMatchObject({ page: `api/experiments/[id]/${tail.split("?")[0]}`, params: { id } });
    }
    expect(matchFastRead("GET", "/api/queues", host)?.page).toBe("api/queues");
  });

  it("decodes the id as Next.js does, and leaves ambiguous paths to Next.js", () => {
    expect(matchFastRead("GET", "/api/experiments/a%20b", host)?.params).toEqual({ id: "a b" });
    for (const url of ["/api/experiments/%ZZ", "/api/experiments/a%2Fb/archive", "/api/experiments/../queues", "/api/experiments/./archive", "/api/experiments/", "/api/queues/", "/api//queues"]) {
      expect(matchFastRead("GET", url, host), url).toBeNull();
    }
  });

  it("leaves other methods, other routes, absolute-form URLs and Hosts that make no URL to Next.js", () => {
    for (const method of ["HEAD", "POST", "PATCH", "DELETE", "OPTIONS", undefined]) expect(matchFastRead(method, "/api/experiments", host), method).toBeNull();
    for (const url of ["/", "/api/health", `/api/experiments/${id}/elites`, `/api/experiments/${id}/archive/x`, "/experiments", `http://${host}/api/queues`, undefined]) {
      expect(matchFastRead("GET", url, host), url).toBeNull();
    }
    expect(matchFastRead("GET", "/api/queues", "bad host:x")).toBeNull();
    // No Host at all: the edge checks answer 403 on the direct path, as the proxy does.
    expect(matchFastRead("GET", "/api/queues", undefined)?.url).toBe("http://localhost/api/queues");
  });
});
