"use client";
/**
 * New experiment: every field of the configuration, validated inline with the
 * same zod schema the REST API uses; submit creates and starts the run.
 */
import { useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ExperimentSpec } from "@/lib/experiments/config";
import { getDomain } from "@/lib/qd/domains/registry";
import { api, ApiError } from "@/components/lib/api";
import { Field, Section, SelectField } from "./Field";
import { DescriptorRows, newRowKey, type DescriptorRow } from "./DescriptorRows";

type DomainType = "sphere" | "rastrigin" | "arm" | "external";

const DOMAINS: { value: DomainType; label: string }[] = [
  { value: "sphere", label: "Sphere (linear projection)" },
  { value: "rastrigin", label: "Rastrigin (linear projection)" },
  { value: "arm", label: "Planar arm repertoire" },
  { value: "external", label: "External evaluator (ask/tell)" },
];

const MEASURE_SOURCES: Record<string, string[]> = {
  sphere: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  rastrigin: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  arm: ["measure 1: end-effector x", "measure 2: end-effector y"],
};

function defaultRows(type: DomainType, size: number): DescriptorRow[] {
  if (type === "external") return [0, 1].map((i) => ({ key: newRowKey(), name: `m${i}`, min: "-1", max: "1", bins: "50" }));
  const spec = type === "arm" ? { type, joints: size } : { type, dim: size };
  let ds;
  try {
    ds = getDomain(spec).descriptors;
  } catch {
    ds = getDomain({ type } as never).descriptors;
  }
  return ds.map((d) => ({ key: newRowKey(), name: d.name, min: String(d.min), max: String(d.max), bins: String(d.bins) }));
}

const toNum = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

/** Issue path → message, with paths like "descriptors.0.max"; API paths ("body.descriptors[0].max") are normalised. */
function issueMap(issues: { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const p = i.path.replace(/^body\.?/, "").replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
    out[p] ??= i.message;
  }
  return out;
}

export function NewExperimentForm() {
  const router = useRouter();
  const [name, setName] = useState("Sphere 100-D, MAP-Elites");
  const [domain, setDomain] = useState<DomainType>("sphere");
  const [size, setSize] = useState("100");
  const [boundsLo, setBoundsLo] = useState("-1");
  const [boundsHi, setBoundsHi] = useState("1");
  const [rows, setRows] = useState<DescriptorRow[]>(() => defaultRows("sphere", 100));
  const [rowsEdited, setRowsEdited] = useState(false);
  const [archive, setArchive] = useState<"grid" | "cvt">("grid");
  const [cvtCells, setCvtCells] = useState("1000");
  const [emitter, setEmitter] = useState<"iso-line" | "gaussian">("iso-line");
  const [sigma, setSigma] = useState("0.5");
  const [isoSigma, setIsoSigma] = useState("0.01");
  const [lineSigma, setLineSigma] = useState("0.2");
  const [batchSize, setBatchSize] = useState("100");
  const [budget, setBudget] = useState("100000");
  const [seed, setSeed] = useState("0");
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});

  const config = useMemo(() => {
    const s = toNum(size);
    return {
      name,
      domain:
        domain === "arm"
          ? { type: domain, joints: s }
          : domain === "external"
            ? { type: domain, dim: s, bounds: [toNum(boundsLo), toNum(boundsHi)] }
            : { type: domain, dim: s },
      descriptors: rows.map((r) => ({ name: r.name, min: toNum(r.min), max: toNum(r.max), bins: archive === "grid" ? toNum(r.bins) : (toNum(r.bins) ?? 1) })),
      archive: archive === "grid" ? { type: "grid" } : { type: "cvt", cells: toNum(cvtCells) },
      emitter: emitter === "gaussian" ? { type: "gaussian", sigma: toNum(sigma) } : { type: "iso-line", isoSigma: toNum(isoSigma), lineSigma: toNum(lineSigma) },
      batchSize: toNum(batchSize),
      budget: { evaluations: toNum(budget) },
      seed: toNum(seed),
    };
  }, [name, domain, size, boundsLo, boundsHi, rows, archive, cvtCells, emitter, sigma, isoSigma, lineSigma, batchSize, budget, seed]);

  const parsed = useMemo(() => ExperimentSpec.safeParse(config), [config]);
  const errors = useMemo(() => {
    if (parsed.success) return {};
    return issueMap(parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
  }, [parsed]);
  const shown = submitted ? { ...serverIssues, ...errors } : {};
  const err = (path: string) => shown[path];

  const preview = useMemo(() => {
    if (archive === "cvt") {
      const n = toNum(cvtCells);
      return n && Number.isFinite(n) ? `CVT: ${n.toLocaleString("en-US")} cells (centroids from k-means, seeded)` : "CVT: give a cell count";
    }
    const bins = rows.map((r) => toNum(r.bins));
    if (!bins.length || bins.some((b) => !b || !Number.isFinite(b))) return "Grid: give every descriptor a number of bins";
    const total = bins.reduce((a, b) => a! * b!, 1)!;
    return `${bins.map((b) => b!.toLocaleString("en-US")).join(" × ")} = ${total.toLocaleString("en-US")} cells`;
  }, [archive, cvtCells, rows]);

  const changeDomain = (t: DomainType) => {
    setDomain(t);
    const s = t === "arm" ? "12" : t === "external" ? "10" : "100";
    setSize(s);
    if (!rowsEdited || t !== "external") setRows(defaultRows(t, Number(s)));
    setRowsEdited(false);
    if (name === "" || /^(Sphere|Rastrigin|Arm|External)\b/.test(name)) setName(`${DOMAINS.find((d) => d.value === t)!.label.split(" (")[0]}${t === "arm" ? "" : ` ${s}-D`}, MAP-Elites`);
  };
  const changeSize = (s: string) => {
    setSize(s);
    const n = Number(s);
    if (!rowsEdited && domain !== "external" && Number.isInteger(n) && n >= 1 && n <= 10_000) setRows(defaultRows(domain, n));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerError(null);
    setServerIssues({});
    if (!parsed.success) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setBusy(true);
    try {
      const res = await api<{ id?: string; experiment?: { id: string } }>("/api/experiments", { method: "POST", json: { ...config, start: true } });
      const id = res.id ?? res.experiment?.id;
      router.push(`/experiments/${id}`);
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError) {
        setServerError(error.message);
        setServerIssues(issueMap(error.issues));
      } else setServerError(String(error));
    }
  };

  const errorCount = submitted ? Object.keys(shown).length : 0;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2" aria-label="New experiment">
      {(serverError || errorCount > 0) && (
        <div role="alert" className="mb-6 rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200">
          {serverError ?? `Please fix ${errorCount === 1 ? "the highlighted field" : `the ${errorCount} highlighted fields`}.`}
        </div>
      )}

      <Section title="Basics" description="A name to find the run by later.">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} error={err("name")} />
      </Section>

      <Section title="Domain" description="What a solution is and how it is evaluated. Built-in benchmarks follow pyribs exactly.">
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Domain" value={domain} onChange={(v) => changeDomain(v as DomainType)} options={DOMAINS} />
          <Field
            label={domain === "arm" ? "Joints" : "Dimensions"}
            type="number"
            min={1}
            value={size}
            onChange={(e) => changeSize(e.target.value)}
            error={err(domain === "arm" ? "domain.joints" : "domain.dim")}
            hint={domain === "arm" ? "Links have length 1/n." : "Genome length n."}
          />
        </div>
        {domain === "external" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Gene lower bound" type="number" step="any" value={boundsLo} onChange={(e) => setBoundsLo(e.target.value)} error={err("domain.bounds.0") ?? err("domain.bounds")} />
            <Field label="Gene upper bound" type="number" step="any" value={boundsHi} onChange={(e) => setBoundsHi(e.target.value)} error={err("domain.bounds.1")} />
          </div>
        )}
      </Section>

      <Section
        title="Behaviour descriptors"
        description={
          domain === "external"
            ? "Your evaluator reports one value per descriptor, in this order."
            : "Row i is the domain's measure i; rename it, change its range or its resolution. Values outside the range land in the edge cell."
        }
      >
        <DescriptorRows
          rows={rows}
          onChange={(r) => {
            setRows(r);
            setRowsEdited(true);
          }}
          errors={shown}
          sources={MEASURE_SOURCES[domain]}
          showBins={archive === "grid"}
        />
        <div className="flex flex-wrap items-center gap-3">
          {domain !== "external" && rowsEdited && (
            <button type="button" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => (setRows(defaultRows(domain, Number(size) || 100)), setRowsEdited(false))}>
              Reset to domain defaults
            </button>
          )}
        </div>
      </Section>

      <Section title="Archive" description="A grid of bins over the descriptor box, or CVT cells (k-means centroids) for many descriptors.">
        <fieldset className="flex gap-6 text-sm">
          <legend className="sr-only">Archive type</legend>
          {(["grid", "cvt"] as const).map((t) => (
            <label key={t} className="flex items-center gap-2">
              <input type="radio" name="archive" value={t} checked={archive === t} onChange={() => setArchive(t)} />
              {t === "grid" ? "Grid" : "CVT"}
            </label>
          ))}
        </fieldset>
        {archive === "cvt" && <Field label="CVT cells" type="number" min={1} value={cvtCells} onChange={(e) => setCvtCells(e.target.value)} error={err("archive.cells") ?? err("archive")} className="max-w-xs" />}
        <p data-testid="archive-preview" className="rounded-md bg-slate-50 px-3 py-2 text-sm font-medium tabular-nums text-slate-700 dark:bg-slate-900 dark:text-slate-300" aria-live="polite">
          {preview}
        </p>
      </Section>

      <Section title="Emitter" description="How new candidates are made from elites.">
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            label="Emitter"
            value={emitter}
            onChange={(v) => setEmitter(v as "iso-line" | "gaussian")}
            options={[
              { value: "iso-line", label: "Iso+LineDD" },
              { value: "gaussian", label: "Gaussian mutation" },
            ]}
          />
          {emitter === "gaussian" ? (
            <Field label="Sigma (σ)" type="number" step="any" value={sigma} onChange={(e) => setSigma(e.target.value)} error={err("emitter.sigma")} />
          ) : (
            <>
              <Field label="Iso sigma (σ_iso)" type="number" step="any" value={isoSigma} onChange={(e) => setIsoSigma(e.target.value)} error={err("emitter.isoSigma")} />
              <Field label="Line sigma (σ_line)" type="number" step="any" value={lineSigma} onChange={(e) => setLineSigma(e.target.value)} error={err("emitter.lineSigma")} />
            </>
          )}
        </div>
      </Section>

      <Section title="Budget" description="When the run stops, and how it is batched. Same seed and one worker: the same run.">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Evaluations" type="number" min={1} value={budget} onChange={(e) => setBudget(e.target.value)} error={err("budget.evaluations") ?? err("budget")} />
          <Field label="Batch size" type="number" min={1} value={batchSize} onChange={(e) => setBatchSize(e.target.value)} error={err("batchSize")} />
          <Field label="Seed" type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} error={err("seed")} />
        </div>
      </Section>

      <div className="flex items-center justify-end gap-3 border-t border-slate-200 pt-6 dark:border-slate-800">
        <button type="button" onClick={() => router.push("/")} className="rounded-md px-4 py-2 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
          Cancel
        </button>
        <button type="submit" disabled={busy} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60">
          {busy ? "Starting…" : "Create and start"}
        </button>
      </div>
    </form>
  );
}
