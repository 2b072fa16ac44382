import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { getDomain, makeArchive } from "@/lib/qd";
import { DensityArchive } from "@/lib/qd/archive/density";
import { ProximityArchive } from "@/lib/qd/archive/proximity";
import { Rng } from "@/lib/qd/rng";
import { archiveFormConfig, FORM_ARCHIVES, initialArchiveParams } from "@/components/form/archive-params";
import { presetFromConfig } from "@/components/form/preset";
import { ARCHIVES, ArchiveConfig, createSearchArchive, type ArchiveKind } from "../archives";
import { defaultsOf } from "../kind";

const KINDS: readonly ArchiveKind[] = ARCHIVES;
const sphere = (archive: unknown, emitter: unknown = { type: "cma-me", ranker: "nslc" }, over: object = {}) => ({
  name: "r",
  domain: { type: "sphere", dim: 10 },
  archive,
  emitter,
  batchSize: 36,
  budget: { evaluations: 10_000 },
  ...over,
});
const issuesOf = (input: unknown) => {
  const r = ExperimentSpec.safeParse(input);
  expect(r.success).toBe(false);
  return r.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};

describe("archive registry", () => {
  it("rejects an unknown or missing type with a message listing every registered kind", () => {
    for (const bad of [{ type: "novelty" }, {}, { type: 1 }]) {
      const message = ArchiveConfig.safeParse(bad).error!.issues[0]!.message;
      expect(message).toBe('archive.type must be one of "grid", "cvt", "proximity", "density", "discount"');
    }
    expect(issuesOf(sphere({ type: "nslc" }))).toContainEqual({ path: "archive.type", message: expect.stringContaining('"proximity"') });
  });

  it("every kind without required fields round-trips its defaults through its schema and JSON", () => {
    for (const k of KINDS) {
      const d = defaultsOf(k);
      if (k.type === "cvt") {
        expect(d).toBeUndefined(); // cells is required
        continue;
      }
      expect(d, k.type).toBeDefined();
      expect(k.schema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
      for (const f of k.fields) expect(Object.keys(k.schema.shape), `${k.type}.${f.key}`).toContain(f.key);
    }
    expect(defaultsOf(KINDS.find((k) => k.type === "proximity")!)).toEqual({ type: "proximity", kNeighbors: 15, localCompetition: false });
    expect(defaultsOf(KINDS.find((k) => k.type === "density")!)).toEqual({ type: "density", method: "kde", bufferSize: 10_000 });
  });

  it("names the field in its messages", () => {
    expect(issuesOf(sphere({ type: "proximity", kNeighbors: 0 }))).toContainEqual({ path: "archive.kNeighbors", message: "archive.kNeighbors must be at least 1" });
    expect(issuesOf(sphere({ type: "proximity", noveltyThreshold: -1 }))).toContainEqual({ path: "archive.noveltyThreshold", message: "archive.noveltyThreshold must be > 0" });
    expect(issuesOf(sphere({ type: "density", method: "gauss" }, { type: "cma-me", ranker: "density" }))).toContainEqual({ path: "archive.method", message: 'archive.method must be "kde" or "kde_sklearn"' });
    expect(issuesOf(sphere({ type: "density", bandwidth: "wide" }, { type: "cma-me", ranker: "density" }))).toContainEqual({ path: "archive.bandwidth", message: "archive.bandwidth must be a number" });
    expect(issuesOf(sphere({ type: "cvt", cells: 100, samples: 50 }, { type: "iso-line" }))).toContainEqual({ path: "archive.samples", message: expect.stringContaining("at least archive.cells") });
  });

  it("accepts pyribs' NSLC, novelty search and DDS set-ups on a built-in domain", () => {
    for (const [archive, emitter] of [
      [{ type: "proximity", localCompetition: true }, { type: "cma-me", ranker: "nslc", selectionRule: "filter" }],
      [{ type: "proximity", noveltyThreshold: 18.9 }, { type: "cma-me", ranker: "nov", selectionRule: "mu", restartRule: "basic" }],
      [{ type: "proximity", localCompetition: true }, { type: "cma-me", ranker: "2imp" }],
      [{ type: "density", bandwidth: 2.56 }, { type: "cma-me", ranker: "density", sigma0: 1.5 }],
    ]) {
      const r = ExperimentSpec.safeParse(sphere(archive, emitter));
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    }
  });

  it("says what a search archive needs from the rest of the experiment", () => {
    expect(issuesOf(sphere({ type: "proximity" }, { type: "iso-line" }))).toContainEqual({ path: "emitter.type", message: expect.stringContaining('archive "proximity" runs with the "cma-me" emitter') });
    expect(issuesOf(sphere({ type: "proximity" }, { type: "cma-me", ranker: "nslc" }))).toContainEqual({ path: "emitter.ranker", message: expect.stringContaining("set archive.localCompetition to true") });
    expect(issuesOf(sphere({ type: "proximity", localCompetition: true }, { type: "cma-me", ranker: "density" }))).toContainEqual({ path: "emitter.ranker", message: expect.stringContaining("needs a density archive") });
    expect(issuesOf(sphere({ type: "density" }, { type: "cma-me", ranker: "nov" }))).toContainEqual({ path: "emitter.ranker", message: expect.stringContaining("needs a proximity archive") });
    expect(issuesOf(sphere({ type: "grid" }, { type: "cma-me", ranker: "nov" }))).toContainEqual({ path: "emitter.ranker", message: expect.stringContaining('ranker "nov" needs a "proximity" archive') });
    expect(issuesOf(sphere({ type: "proximity", localCompetition: true }, undefined, { islands: { count: 2, migrationInterval: 1000 } }))).toContainEqual({ path: "islands", message: expect.stringContaining("not supported with archive") });
    const external = { ...sphere({ type: "density" }, { type: "cma-me", ranker: "density" }), domain: { type: "external", dim: 3, bounds: [-1, 1] }, descriptors: [{ name: "a", min: 0, max: 1, bins: 10 }] };
    expect(issuesOf(external)).toContainEqual({ path: "archive.type", message: expect.stringContaining("runs on the built-in domains") });
  });

  it("accepts pyribs' DMS set-up in experiments, and says which rankers a discount archive cannot feed", () => {
    const r = ExperimentSpec.safeParse(sphere({ type: "discount" }, { type: "cma-me", ranker: "imp", selectionRule: "mu", restartRule: "basic" }));
    expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    expect(issuesOf(sphere({ type: "discount" }, { type: "cma-me", ranker: "nslc" }))).toContainEqual({ path: "emitter.ranker", message: expect.stringContaining('ranker "nslc" needs a proximity archive; a discount archive reports improvement') });
    expect(issuesOf(sphere({ type: "discount" }, { type: "cma-me", ranker: "density" }))).toContainEqual({ path: "emitter.ranker", message: expect.stringContaining('ranker "density" needs a density archive') });
    expect(issuesOf(sphere({ type: "discount" }, { type: "iso-line" }))).toContainEqual({ path: "emitter.type", message: expect.stringContaining('archive "discount" runs with the "cma-me" emitter') });
    expect(issuesOf(sphere({ type: "discount", hidden: [] }, { type: "cma-me", ranker: "imp" }))).toContainEqual({ path: "archive.hidden", message: "archive.hidden needs at least one layer" });
  });

  it("the form offers every kind the workers run, and its initial values make valid configs", () => {
    expect(FORM_ARCHIVES.map((k) => k.type)).toEqual(["grid", "cvt", "proximity", "density", "discount"]);
    const params = initialArchiveParams();
    for (const k of FORM_ARCHIVES) expect(ArchiveConfig.safeParse(archiveFormConfig(k.type, params)).success, k.type).toBe(true);
    expect(archiveFormConfig("cvt", params)).toEqual({ type: "cvt", cells: 1000 });
    // A stored config comes back into the form with its parameters.
    const preset = presetFromConfig({ name: "x", domain: { type: "sphere", dim: 10 }, archive: { type: "proximity", kNeighbors: 7, localCompetition: true } });
    expect(preset.archive).toBe("proximity");
    expect(archiveFormConfig("proximity", initialArchiveParams(preset))).toEqual({ type: "proximity", kNeighbors: 7, localCompetition: true });
  });
});

describe("search archive state", () => {
  const domain = getDomain({ type: "sphere", dim: 4 });
  const descriptors = domain.descriptors;
  const batch = (rng: Rng, n: number) => {
    const sols = new Float64Array(n * 4).map(() => rng.normal() * 3);
    const objs = new Float64Array(n);
    const meas = new Float64Array(n * 2);
    domain.evaluateBatch(sols, n, objs, meas);
    return { sols, objs, meas };
  };

  it("a proximity archive restored from its state answers every later batch as the original does", () => {
    const rng = new Rng(3);
    const a = createSearchArchive({ type: "proximity", localCompetition: true } as { type: string }, { domain, descriptors, rng: new Rng(1) }) as unknown as ProximityArchive;
    for (let i = 0; i < 5; i++) {
      const b = batch(rng, 36);
      a.add(b.sols, b.objs, b.meas, 36);
    }
    const b = createSearchArchive({ type: "proximity", localCompetition: true } as { type: string }, { domain, descriptors, rng: new Rng(2) }) as unknown as ProximityArchive;
    b.importState(a.exportState());
    expect(b.numElites).toBe(a.numElites);
    const next = batch(rng, 36);
    const ra = a.add(next.sols, next.objs, next.meas, 36);
    const sa = { status: Array.from(ra.status), value: Array.from(ra.value), novelty: Array.from(ra.novelty!) };
    const rb = b.add(next.sols, next.objs, next.meas, 36);
    expect({ status: Array.from(rb.status), value: Array.from(rb.value), novelty: Array.from(rb.novelty!) }).toEqual(sa);
    expect(Buffer.from(b.exportState()).equals(Buffer.from(a.exportState()))).toBe(true);
  });

  it("a density archive restored from its state (reservoir and RNG) evolves exactly as the original", () => {
    const rng = new Rng(4);
    const make = (seed: number) => createSearchArchive({ type: "density", bufferSize: 50 } as { type: string }, { domain, descriptors, rng: new Rng(seed) }) as unknown as DensityArchive;
    const a = make(1);
    for (let i = 0; i < 4; i++) {
      const b = batch(rng, 36);
      a.add(b.sols, b.objs, b.meas, 36);
    }
    const b = make(99);
    b.importState(a.exportState());
    for (let i = 0; i < 3; i++) {
      const next = batch(rng, 36);
      const da = Array.from(a.add(next.sols, next.objs, next.meas, 36).density!);
      expect(Array.from(b.add(next.sols, next.objs, next.meas, 36).density!)).toEqual(da);
    }
    expect(Buffer.from(b.exportState()).equals(Buffer.from(a.exportState()))).toBe(true);
  });

  it("a density archive's absorb() moves its state exactly as add() does (the replay skips the KDE)", () => {
    const rng = new Rng(5);
    const make = () => createSearchArchive({ type: "density", bufferSize: 40 } as { type: string }, { domain, descriptors, rng: new Rng(7) }) as unknown as DensityArchive;
    const a = make();
    const b = make();
    for (let i = 0; i < 6; i++) {
      const next = batch(rng, 36);
      next.meas[3] = NaN; // a row the reservoir must skip either way
      a.add(next.sols, next.objs, next.meas, 36);
      b.absorb(next.sols, next.objs, next.meas, 36);
    }
    expect(Buffer.from(b.exportState()).equals(Buffer.from(a.exportState()))).toBe(true);
  });

  it("a discount archive restored from its state (model, Adam, pending rows, RNG) trains and answers exactly as the original", () => {
    const rng = new Rng(6);
    const spec = { type: "discount", initTrainPoints: 50, emptyPoints: 10, hidden: [16, 16] } as { type: string };
    const make = (seed: number) => {
      const result = makeArchive({ type: "grid" }, descriptors, 4, { qdScoreOffset: domain.qdScoreOffset, seed: 1 });
      return { result, arch: createSearchArchive(spec, { domain, descriptors, rng: new Rng(seed), result, emittersPerIteration: 5 }) };
    };
    const step = (p: ReturnType<typeof make>, b: ReturnType<typeof batch>) => {
      const r = p.arch.add(b.sols, b.objs, b.meas, 36);
      p.result.add(b.sols, b.objs, b.meas, 36);
      return { status: Array.from(r.status), value: Array.from(r.value) };
    };
    const a = make(1);
    const b = make(99);
    for (let i = 0; i < 5; i++) {
      const x = batch(rng, 36);
      step(a, x);
      b.result.add(x.sols, x.objs, x.meas, 36); // the other worker's view of the Elite table
    }
    b.arch.importState(a.arch.exportState());
    for (let i = 0; i < 4; i++) {
      const x = batch(rng, 36);
      expect(step(b, x)).toEqual(step(a, x));
    }
    expect(Buffer.from(b.arch.exportState()).equals(Buffer.from(a.arch.exportState()))).toBe(true);
    expect(() => createSearchArchive(spec, { domain, descriptors, rng: new Rng(1) })).toThrow(/needs the run's result grid/);
  });

  it("refuses a state of another kind or shape", () => {
    const p = createSearchArchive({ type: "proximity" }, { domain, descriptors, rng: new Rng(1) });
    const d = createSearchArchive({ type: "density", bufferSize: 50 } as { type: string }, { domain, descriptors, rng: new Rng(1) });
    expect(() => p.importState(d.exportState())).toThrow(/not of this proximity archive/);
    expect(() => d.importState(new Uint8Array(16))).toThrow(/not a search archive state/);
  });
});

// Importing the route module (Prisma, the queue client) takes seconds on a loaded machine.
describe("archives over REST", { timeout: 120_000 }, () => {
  it("the OpenAPI document lists every archive kind in the create body", async () => {
    const { openApiDocument } = await import("@/lib/api/openapi");
    const doc = openApiDocument() as unknown as { paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, { oneOf?: { properties: { type: { const: string } } }[] }> } }> } } }> };
    const archive = doc.paths["/api/experiments"]!.post!.requestBody.content["application/json"]!.schema.properties.archive!;
    expect(archive.oneOf!.map((o) => o.properties.type.const)).toEqual(["grid", "cvt", "proximity", "density", "discount"]);
    expect(Object.keys(doc.paths)).toContain("/api/experiments/{id}/search-archive");
  });

  it("POST /api/experiments answers a bad archive config with 400 and the field's message (validated before any I/O)", async () => {
    const { POST } = await import("@/app/api/experiments/route");
    const post = async (body: unknown) => {
      const res = await POST(new Request("http://localhost/api/experiments", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
      return { status: res.status, text: await res.text() };
    };
    for (const [body, message] of [
      [sphere({ type: "proximity", kNeighbors: 2.5 }), "archive.kNeighbors must be a whole number"],
      [sphere({ type: "proximity" }, { type: "gaussian" }), 'archive \\"proximity\\" runs with the \\"cma-me\\" emitter'],
      [sphere({ type: "density" }, { type: "cma-me", ranker: "nslc" }), 'ranker \\"nslc\\" needs a proximity archive'],
      [sphere({ type: "discount", learningRate: 2 }, { type: "cma-me", ranker: "imp" }), "archive.learningRate must be <= 1"],
      [sphere({ type: "kde" }), 'archive.type must be one of \\"grid\\"'],
    ] as const) {
      const r = await post(body);
      expect(r.status, r.text).toBe(400);
      expect(r.text).toContain(message);
    }
  });
});
