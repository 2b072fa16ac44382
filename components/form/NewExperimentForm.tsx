"use client";
/**
 * New experiment: every field of the configuration, validated inline with the
 * same zod schema the REST API uses; submit creates and starts the run.
 */
import { useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ExperimentSpec, hasBuiltInMeasures } from "@/lib/experiments/config";
import { getDomain } from "@/lib/qd/domains/registry";
import { api, ApiError } from "@/components/lib/api";
import { Field, Section, SelectField } from "./Field";
import { DescriptorRows, newRowKey, type DescriptorRow } from "./DescriptorRows";
import { CodeEditor } from "./CodeEditor";

type DomainType = "sphere" | "rastrigin" | "arm" | "external" | "command" | "webhook" | "javascript";
type UserDomain = "command" | "webhook" | "javascript";

const DOMAINS: { value: DomainType; label: string }[] = [
  { value: "sphere", label: "Sphere (linear projection)" },
  { value: "rastrigin", label: "Rastrigin (linear projection)" },
  { value: "arm", label: "Planar arm repertoire" },
  { value: "command", label: "Command (any language)" },
  { value: "webhook", label: "Webhook" },
  { value: "javascript", label: "JavaScript function" },
  { value: "external", label: "External evaluator (ask/tell)" },
];

const isUserDomain = (t: DomainType): t is UserDomain => t === "command" || t === "webhook" || t === "javascript";

/** A small working evaluator: the form starts with it, so a JavaScript run works out of the box. */
export const EXAMPLE_JS = `// Scores one candidate. \`genome\` is an array of numbers within the bounds.
// Return { fitness, descriptors?, metrics? }; higher fitness is better.
// Each descriptor row reads descriptors[i], or a named metric.
// console.log output is kept as the candidate's logs.
function evaluate(genome) {
  const n = genome.length;
  const mean = genome.reduce((s, x) => s + x, 0) / n;
  const spread = Math.max(...genome) - Math.min(...genome);
  // Distance to a wavy target: sin(0), sin(1), ...
  let error = 0;
  for (let i = 0; i < n; i++) error += (genome[i] - Math.sin(i)) ** 2;
  return { fitness: -error, descriptors: [mean], metrics: { spread, error } };
}
`;

/** Genome and descriptor defaults that fit the sphere evaluator in examples/python/eval_sphere.py. */
const SPHERE_EXAMPLE = {
  dim: "4",
  lo: "-5.12",
  hi: "5.12",
  rows: [
    { name: "first half", min: "-10.24", max: "10.24", bins: "20", metric: "" },
    { name: "second half", min: "-10.24", max: "10.24", bins: "20", metric: "" },
  ],
};

/** Starting genome, bounds and descriptor rows of the evaluated-elsewhere domains. */
const USER_DEFAULTS: Record<UserDomain | "external", { dim: string; lo: string; hi: string; rows: Omit<DescriptorRow, "key">[] }> = {
  external: {
    dim: "10",
    lo: "-1",
    hi: "1",
    rows: [0, 1].map((i) => ({ name: `m${i}`, min: "-1", max: "1", bins: "50", metric: "" })),
  },
  // examples/python/eval_sphere.py: descriptors are the sums of each half of the genome.
  command: SPHERE_EXAMPLE,
  webhook: SPHERE_EXAMPLE,
  // EXAMPLE_JS: the mean from descriptors[0], the spread from its metrics.
  javascript: {
    dim: "6",
    lo: "-1",
    hi: "1",
    rows: [
      { name: "mean", min: "-1", max: "1", bins: "20", metric: "" },
      { name: "spread", min: "0", max: "2", bins: "20", metric: "spread" },
    ],
  },
};

const MEASURE_SOURCES: Record<string, string[]> = {
  sphere: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  rastrigin: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  arm: ["measure 1: end-effector x", "measure 2: end-effector y"],
};

function defaultRows(type: DomainType, size: number): DescriptorRow[] {
  if (type === "external" || isUserDomain(type)) return USER_DEFAULTS[type].rows.map((r) => ({ ...r, key: newRowKey() }));
  const spec = type === "arm" ? { type, joints: size } : { type, dim: size };
  let ds;
  try {
    ds = getDomain(spec).descriptors;
  } catch {
    ds = getDomain({ type } as never).descriptors;
  }
  return ds.map((d) => ({ key: newRowKey(), name: d.name, min: String(d.min), max: String(d.max), bins: String(d.bins), metric: "" }));
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
  // User evaluators.
  const [command, setCommand] = useState("python3 examples/python/eval_sphere.py");
  const [commandTimeout, setCommandTimeout] = useState("30000");
  const [commandBatch, setCommandBatch] = useState(false);
  const [url, setUrl] = useState("http://127.0.0.1:8787/evaluate");
  const [secretEnv, setSecretEnv] = useState("");
  const [webhookTimeout, setWebhookTimeout] = useState("30000");
  const [code, setCode] = useState(EXAMPLE_JS);
  const [jsTimeout, setJsTimeout] = useState("5000");
  const [jsMemory, setJsMemory] = useState("64");
  const [archive, setArchive] = useState<"grid" | "cvt">("grid");
  const [cvtCells, setCvtCells] = useState("1000");
  const [emitter, setEmitter] = useState<"iso-line" | "gaussian" | "cma-me" | "cma-mae">("iso-line");
  const [sigma0, setSigma0] = useState("0.5");
  const [cmaCount, setCmaCount] = useState("15");
  const [learningRate, setLearningRate] = useState("0.01");
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
    const vector = { dim: s, bounds: [toNum(boundsLo), toNum(boundsHi)] };
    const user = isUserDomain(domain);
    return {
      name,
      domain:
        domain === "arm"
          ? { type: domain, joints: s }
          : domain === "external"
            ? { type: domain, ...vector }
            : domain === "command"
              ? { type: domain, command, timeoutMs: toNum(commandTimeout), batch: commandBatch, ...vector }
              : domain === "webhook"
                ? { type: domain, url: url.trim(), timeoutMs: toNum(webhookTimeout), ...(secretEnv.trim() ? { secretEnv: secretEnv.trim() } : {}), ...vector }
                : domain === "javascript"
                  ? { type: domain, code, timeoutMs: toNum(jsTimeout), memoryMb: toNum(jsMemory), ...vector }
                  : { type: domain, dim: s },
      descriptors: rows.map((r) => ({
        name: r.name,
        ...(user && r.metric.trim() ? { metric: r.metric.trim() } : {}),
        min: toNum(r.min),
        max: toNum(r.max),
        bins: archive === "grid" ? toNum(r.bins) : (toNum(r.bins) ?? 1),
      })),
      archive: archive === "grid" ? { type: "grid" } : { type: "cvt", cells: toNum(cvtCells) },
      emitter:
        emitter === "gaussian"
          ? { type: "gaussian", sigma: toNum(sigma) }
          : emitter === "cma-me"
            ? { type: "cma-me", sigma0: toNum(sigma0), count: toNum(cmaCount) }
            : emitter === "cma-mae"
              ? { type: "cma-mae", sigma0: toNum(sigma0), count: toNum(cmaCount), learningRate: toNum(learningRate) }
              : { type: "iso-line", isoSigma: toNum(isoSigma), lineSigma: toNum(lineSigma) },
      batchSize: toNum(batchSize),
      budget: { evaluations: toNum(budget) },
      seed: toNum(seed),
    };
  }, [name, domain, size, boundsLo, boundsHi, command, commandTimeout, commandBatch, url, secretEnv, webhookTimeout, code, jsTimeout, jsMemory, rows, archive, cvtCells, emitter, sigma, isoSigma, lineSigma, sigma0, cmaCount, learningRate, batchSize, budget, seed]);

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

  const builtIn = hasBuiltInMeasures({ type: domain });
  const userDomain = isUserDomain(domain);
  const changeDomain = (t: DomainType) => {
    setDomain(t);
    const elsewhere = t === "external" || isUserDomain(t);
    const s = t === "arm" ? "12" : elsewhere ? USER_DEFAULTS[t].dim : "100";
    setSize(s);
    if (elsewhere) {
      setBoundsLo(USER_DEFAULTS[t].lo);
      setBoundsHi(USER_DEFAULTS[t].hi);
    }
    // Rows the user wrote for one evaluator are kept for another; built-in domains bring their own.
    if (!rowsEdited || !elsewhere || builtIn) setRows(defaultRows(t, Number(s)));
    setRowsEdited(false);
    // Slow evaluators: smaller batches and budget, unless the user chose them.
    if (isUserDomain(t)) {
      if (batchSize === "100") setBatchSize("20");
      if (budget === "100000") setBudget("2000");
    } else {
      if (batchSize === "20") setBatchSize("100");
      if (budget === "2000") setBudget("100000");
    }
    const label = DOMAINS.find((d) => d.value === t)!.label.split(" (")[0];
    if (name === "" || /^(Sphere|Rastrigin|Planar arm|Arm|External|Command|Webhook|JavaScript)\b/.test(name)) setName(`${label}${t === "arm" ? "" : ` ${s}-D`}, MAP-Elites`);
  };
  const changeSize = (s: string) => {
    setSize(s);
    const n = Number(s);
    if (!rowsEdited && builtIn && Number.isInteger(n) && n >= 1 && n <= 10_000) setRows(defaultRows(domain, n));
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
        {!builtIn && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Gene lower bound" type="number" step="any" value={boundsLo} onChange={(e) => setBoundsLo(e.target.value)} error={err("domain.bounds.0") ?? err("domain.bounds")} />
            <Field label="Gene upper bound" type="number" step="any" value={boundsHi} onChange={(e) => setBoundsHi(e.target.value)} error={err("domain.bounds.1")} />
          </div>
        )}
        {domain === "command" && (
          <>
            <Field
              label="Command"
              value={command}
              onChange={(e) => setCommand(e.target.value)}
              error={err("domain.command")}
              mono
              spellCheck={false}
              hint={
                <>
                  Run without a shell, in a clean environment. Reads <code className="font-mono">{`{"id", "genome"}`}</code> as JSON on stdin and prints{" "}
                  <code className="font-mono">{`{"fitness", "descriptors"?, "metrics"?}`}</code> as its last line of stdout; stderr becomes the logs.
                </>
              }
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Timeout (ms)" type="number" min={1} value={commandTimeout} onChange={(e) => setCommandTimeout(e.target.value)} error={err("domain.timeoutMs")} hint="Per invocation; the whole process group is killed." />
              <label className="flex items-start gap-2 pt-6 text-sm">
                <input type="checkbox" className="mt-0.5" checked={commandBatch} onChange={(e) => setCommandBatch(e.target.checked)} />
                <span>
                  <span className="font-medium text-slate-700 dark:text-slate-300">Batch mode</span>
                  <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
                    One invocation per batch: <code className="font-mono">{`{"candidates": […]}`}</code> in, <code className="font-mono">{`{"results": […]}`}</code> out.
                  </span>
                </span>
              </label>
            </div>
          </>
        )}
        {domain === "webhook" && (
          <>
            <Field
              label="URL"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              error={err("domain.url")}
              hint={
                <>
                  Each candidate is POSTed as <code className="font-mono">{`{"id", "genome"}`}</code>; answer <code className="font-mono">{`{"fitness", "descriptors"?, "metrics"?}`}</code>. Retried with backoff on 5xx.
                </>
              }
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label="Signing secret (environment variable)"
                value={secretEnv}
                placeholder="QD_WEBHOOK_SECRET"
                onChange={(e) => setSecretEnv(e.target.value)}
                error={err("domain.secretEnv")}
                mono
                hint="Optional. Names a variable of the workers' environment; requests then carry an HMAC X-QD-Signature header."
              />
              <Field label="Timeout (ms)" type="number" min={1} value={webhookTimeout} onChange={(e) => setWebhookTimeout(e.target.value)} error={err("domain.timeoutMs")} />
            </div>
          </>
        )}
        {domain === "javascript" && (
          <>
            <CodeEditor
              label="evaluate(genome)"
              value={code}
              onChange={setCode}
              error={err("domain.code")}
              rows={Math.min(24, Math.max(12, code.split("\n").length + 1))}
              hint="Runs in a sandbox (no network, files or process). Tab indents, Shift+Tab dedents; Escape, then Tab, leaves the editor."
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Timeout (ms)" type="number" min={1} value={jsTimeout} onChange={(e) => setJsTimeout(e.target.value)} error={err("domain.timeoutMs")} hint="Per candidate." />
              <Field label="Memory limit (MB)" type="number" min={8} value={jsMemory} onChange={(e) => setJsMemory(e.target.value)} error={err("domain.memoryMb")} />
            </div>
          </>
        )}
      </Section>

      <Section
        title="Behaviour descriptors"
        description={
          domain === "external"
            ? "Your evaluator reports one value per descriptor, in this order."
            : userDomain
              ? "Row i reads descriptors[i] of your evaluator's result, or the named key of its metrics. Values outside the range land in the edge cell."
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
          showMetric={userDomain}
        />
        <div className="flex flex-wrap items-center gap-3">
          {builtIn && rowsEdited && (
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
            onChange={(v) => {
              setEmitter(v as typeof emitter);
              // CMA: the batch is per emitter and per iteration (pyribs uses 36).
              if ((v === "cma-me" || v === "cma-mae") && batchSize === "100") setBatchSize("36");
            }}
            options={[
              { value: "iso-line", label: "Iso+LineDD" },
              { value: "gaussian", label: "Gaussian mutation" },
              { value: "cma-me", label: "CMA-ME" },
              { value: "cma-mae", label: "CMA-MAE" },
            ]}
            hint={err("emitter.type") ? <span className="text-rose-600 dark:text-rose-400">{err("emitter.type")}</span> : undefined}
          />
          {emitter === "gaussian" ? (
            <Field label="Sigma (σ)" type="number" step="any" value={sigma} onChange={(e) => setSigma(e.target.value)} error={err("emitter.sigma")} />
          ) : emitter === "cma-me" || emitter === "cma-mae" ? (
            <>
              <Field label="Initial step size (σ₀)" type="number" step="any" value={sigma0} onChange={(e) => setSigma0(e.target.value)} error={err("emitter.sigma0")} />
              <Field label="Emitters" type="number" min={1} value={cmaCount} onChange={(e) => setCmaCount(e.target.value)} error={err("emitter.count")} hint="Batch size is per emitter and iteration" />
              {emitter === "cma-mae" && (
                <Field label="Archive learning rate (α)" type="number" step="any" value={learningRate} onChange={(e) => setLearningRate(e.target.value)} error={err("emitter.learningRate")} />
              )}
            </>
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
