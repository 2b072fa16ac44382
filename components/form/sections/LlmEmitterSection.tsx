/** The LLM emitter: provider, model and mode, parent selection, prompt evolution, limits, prices, duplicate rejection and the model ensemble. */
import { priceOf } from "@/lib/llm/pricing";
import { Field, Section, SelectField } from "../Field";
import { ModelEnsemble } from "../ModelEnsemble";
import { ParentSelectionFields } from "../ParentSelectionFields";
import { PromptEvolutionFields } from "../PromptEvolutionFields";
import { choosePreset, PROVIDERS, type DedupeMode } from "../form-state";
import type { SectionProps } from "./props";

export function LlmEmitterSection({ s, set, err, issues }: SectionProps) {
  const provider = PROVIDERS.find((p) => p.baseURL === s.baseURL.trim());
  const listPrice = s.model.trim() ? priceOf(s.model.trim()) : undefined;
  const priceError = Object.entries(issues).find(([k]) => k.startsWith("emitter.prices"))?.[1];
  return (
    <Section
      title="LLM"
      description={
        <>
          Any OpenAI-compatible server. The API key never goes into the experiment: it is read on the workers from the environment variable you name. Local servers need none.
        </>
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Provider"
          value={provider?.id ?? "custom"}
          onChange={(id) => set((st) => choosePreset(st, id))}
          options={[...PROVIDERS.map((p) => ({ value: p.id, label: p.label })), { value: "custom", label: "Other (your base URL)" }]}
        />
        <Field label="Base URL" type="url" value={s.baseURL} onChange={(e) => set({ baseURL: e.target.value })} error={err("emitter.baseURL")} mono spellCheck={false} />
        <Field label="Model" value={s.model} onChange={(e) => set({ model: e.target.value })} error={err("emitter.model") ?? err("emitter.models.0.model") ?? err("emitter")} mono spellCheck={false} />
        <Field
          label="API key (environment variable)"
          value={s.apiKeyEnv}
          onChange={(e) => set({ apiKeyEnv: e.target.value })}
          error={err("emitter.apiKeyEnv")}
          placeholder="none (local server)"
          mono
          spellCheck={false}
          hint="The NAME of a variable set on the workers, e.g. OPENAI_API_KEY."
        />
      </div>
      <fieldset>
        <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Mode</legend>
        <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          {(
            [
              ["diff", "Diff", "SEARCH/REPLACE edits of the parent: fewer tokens, small steps"],
              ["full", "Full rewrite", "the whole program or text each time"],
            ] as const
          ).map(([value, label, hint]) => (
            <label key={value} className="flex items-start gap-2">
              <input
                type="radio"
                name="llm-mode"
                className="mt-1"
                value={value}
                checked={s.mode === value}
                onChange={() => set({ mode: value, modeTouched: true })}
              />
              <span>
                {label}
                <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <ParentSelectionFields value={s.parents} onChange={(parents) => set({ parents })} err={err} />
      <PromptEvolutionFields value={s.promptEvolution} onChange={(promptEvolution) => set({ promptEvolution })} err={err} />
      <div className="grid gap-4 sm:grid-cols-4">
        <Field label="Temperature" type="number" step="any" min={0} max={2} value={s.temperature} onChange={(e) => set({ temperature: e.target.value })} error={err("emitter.temperature")} placeholder="server default" />
        <Field label="Max tokens" type="number" min={1} value={s.maxTokens} onChange={(e) => set({ maxTokens: e.target.value })} error={err("emitter.maxTokens")} placeholder="server default" />
        <Field label="Requests per minute" type="number" min={1} value={s.rpm} onChange={(e) => set({ rpm: e.target.value })} error={err("emitter.requestsPerMinute")} placeholder="no limit" />
        <Field label="Concurrency" type="number" min={1} value={s.concurrency} onChange={(e) => set({ concurrency: e.target.value })} error={err("emitter.concurrency")} placeholder="no limit" />
      </div>
      <p className="-mt-2 text-xs text-slate-500 dark:text-slate-400">Rate and concurrency limits hold across all workers, per provider.</p>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Prompt price (USD / 1M tokens)" type="number" step="any" min={0} value={s.pricePrompt} onChange={(e) => set({ pricePrompt: e.target.value })} placeholder={listPrice ? String(listPrice.prompt) : "0"} error={priceError} />
        <Field label="Completion price (USD / 1M tokens)" type="number" step="any" min={0} value={s.priceCompletion} onChange={(e) => set({ priceCompletion: e.target.value })} placeholder={listPrice ? String(listPrice.completion) : "0"} />
      </div>
      <p className="-mt-2 text-xs text-slate-500 dark:text-slate-400" data-testid="price-hint">
        {s.pricePrompt.trim() || s.priceCompletion.trim()
          ? `Calls are priced at your prices for ${s.model.trim() || "the model"}, in USD per 1M tokens; the cost cap counts them.`
          : listPrice
            ? `List price of ${s.model.trim()}: $${listPrice.prompt} prompt / $${listPrice.completion} completion per 1M tokens. Leave the prices blank to use it.`
            : `No list price known for "${s.model.trim() || "this model"}": its calls count as $0 unless you give prices.`}
      </p>
      <div className="grid gap-4 sm:grid-cols-4">
        <SelectField
          label="Duplicate rejection"
          value={s.dedupeMode}
          onChange={(v) => set({ dedupeMode: v as DedupeMode })}
          options={[
            { value: "minhash", label: "Exact + MinHash (local)" },
            { value: "exact", label: "Exact only" },
            { value: "embeddings", label: "Exact + embeddings" },
            { value: "off", label: "Off" },
          ]}
          hint={err("emitter.dedupe.mode") ? <span className="text-rose-600 dark:text-rose-400">{err("emitter.dedupe.mode")}</span> : undefined}
        />
        {(s.dedupeMode === "minhash" || s.dedupeMode === "embeddings") && (
          <Field
            label="Similarity threshold"
            type="number"
            step="any"
            min={0}
            max={1}
            value={s.dedupeThreshold}
            onChange={(e) => set({ dedupeThreshold: e.target.value })}
            error={err("emitter.dedupe.threshold")}
            placeholder={s.dedupeMode === "embeddings" ? "0.99" : "0.9"}
          />
        )}
        {s.dedupeMode === "embeddings" && (
          <>
            <Field label="Embeddings base URL" type="url" value={s.dedupeBaseURL} onChange={(e) => set({ dedupeBaseURL: e.target.value })} error={err("emitter.dedupe.embeddings.baseURL")} placeholder={s.baseURL || "the model's base URL"} mono spellCheck={false} />
            <Field label="Embedding model" value={s.dedupeModel} onChange={(e) => set({ dedupeModel: e.target.value })} error={err("emitter.dedupe.embeddings.model") ?? err("emitter.dedupe.embeddings")} placeholder="text-embedding-3-small" mono spellCheck={false} />
          </>
        )}
      </div>
      <p className="-mt-2 text-xs text-slate-500 dark:text-slate-400" data-testid="dedupe-hint">
        {s.dedupeMode === "off"
          ? "Every proposal is evaluated, repeats included."
          : `A proposal that repeats a stored program (same after removing comments and whitespace${s.dedupeMode === "exact" ? "" : s.dedupeMode === "minhash" ? ", or token-shingle Jaccard ≥ threshold" : ", or embedding cosine ≥ threshold"}) is stored as a duplicate and proposed again; it costs its tokens but no evaluation.`}
      </p>
      <ModelEnsemble
        rows={s.extraModels}
        onRows={(extraModels) => set({ extraModels })}
        weight={s.mainWeight}
        onWeight={(mainWeight) => set({ mainWeight })}
        selection={s.modelSelection}
        onSelection={(modelSelection) => set({ modelSelection })}
        strategy={s.strategy}
        onStrategy={(strategy) => set({ strategy })}
        err={err}
      />
    </Section>
  );
}
