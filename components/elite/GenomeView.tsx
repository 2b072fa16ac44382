"use client";
/**
 * A program, text or JSON genome (LLM and JSON-genome runs): the genome itself (programs and JSON
 * highlighted), its diff against the parent it was made from, and the LLM exchange that made it
 * (prompt and raw reply, folded).
 */
import { memo, useEffect, useMemo, useState } from "react";
import { api, endpoints, normalizeSolution } from "@/components/lib/api";
import type { SolutionDetail } from "@/components/lib/types";
import { DiffView } from "./DiffView";
import { highlight } from "./highlight";
import { KIND_LABEL } from "./kind-label";

type Tab = "genome" | "diff";

/** A genome as text: programs and texts as they are, JSON pretty-printed. */
export function genomeText(s: Pick<SolutionDetail, "genome" | "genomeKind">): string {
  // A final newline would show as an empty last line.
  if (typeof s.genome === "string") return s.genome.replace(/\n$/, "");
  if (s.genome === undefined) return "";
  return JSON.stringify(s.genome, null, 2);
}

export { KIND_LABEL };

/** Parents fetched for diffs, by id (a genome never changes). */
const parentCache = new Map<string, Promise<SolutionDetail>>();
function loadParent(id: string): Promise<SolutionDetail> {
  let p = parentCache.get(id);
  if (!p) {
    p = api(endpoints.solution(id)).then(normalizeSolution);
    p.catch(() => parentCache.delete(id));
    parentCache.set(id, p);
  }
  return p;
}

/** `language`: the program domain's language (highlighting); default JavaScript (the shipped tasks). */
export const GenomeView = memo(function GenomeView({ solution: s, language = "javascript" }: { solution: SolutionDetail; language?: string }) {
  const [tab, setTab] = useState<Tab>("genome");
  const parentId = s.parentIds[0] ?? null;
  const [parent, setParent] = useState<{ id: string; solution: SolutionDetail | null; error: string | null } | null>(null);
  const text = useMemo(() => genomeText(s), [s]);
  const kind = s.genomeKind;

  useEffect(() => {
    if (tab !== "diff" || !parentId || parent?.id === parentId) return;
    let stop = false;
    loadParent(parentId).then(
      (p) => !stop && setParent({ id: parentId, solution: p, error: null }),
      (e: Error) => !stop && setParent({ id: parentId, solution: null, error: e.message }),
    );
    return () => {
      stop = true;
    };
  }, [tab, parentId, parent?.id]);

  const shownTab: Tab = parentId ? tab : "genome";
  const parentReady = parent?.id === parentId ? parent : null;

  return (
    <div className="space-y-4" data-testid="genome-view">
      {s.status !== "evaluated" && (
        <div className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-100" data-testid="genome-status">
          <p className="font-semibold">{s.status === "invalid" ? "Invalid candidate: the reply could not be used" : "Failed evaluation"}</p>
          {s.error && <p className="mt-1 whitespace-pre-wrap break-words font-mono text-xs">{s.error}</p>}
        </div>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="tablist" aria-label="Genome view" className="inline-flex rounded-md border border-slate-300 p-0.5 text-sm dark:border-slate-700">
          {(["genome", "diff"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={shownTab === t}
              disabled={t === "diff" && !parentId}
              title={t === "diff" && !parentId ? "A seed has no parent" : undefined}
              onClick={() => setTab(t)}
              className={`rounded px-3 py-1 font-medium disabled:cursor-not-allowed disabled:opacity-40 ${
                shownTab === t ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
              }`}
            >
              {t === "genome" ? (KIND_LABEL[kind] ?? "Genome") : "Diff vs parent"}
            </button>
          ))}
        </div>
        <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
          {text.split("\n").length.toLocaleString("en-US")} lines · {text.length.toLocaleString("en-US")} characters
        </span>
      </div>

      <div role="tabpanel" aria-label={shownTab === "genome" ? (KIND_LABEL[kind] ?? "Genome") : "Diff vs parent"}>
        {shownTab === "genome" ? (
          kind === "text" ? (
            <p className="max-h-[560px] overflow-auto whitespace-pre-wrap break-words rounded-md border border-slate-200 p-3 text-sm leading-6 dark:border-slate-800" data-testid="genome-text">
              {text}
            </p>
          ) : (
            <CodeBlock code={text} language={kind === "json" ? "json" : language} />
          )
        ) : !parentReady ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">Loading the parent…</p>
        ) : parentReady.error || !parentReady.solution ? (
          <p className="text-sm text-rose-700 dark:text-rose-300">Could not load the parent: {parentReady.error}</p>
        ) : (
          <DiffView parent={genomeText(parentReady.solution)} child={text} by={kind === "text" ? "words" : "lines"} />
        )}
      </div>

      {(s.prompt || s.reply) && (
        <div className="space-y-2">
          {s.prompt && (
            <Fold title="Prompt" meta={s.promptTokens != null ? `${s.promptTokens.toLocaleString("en-US")} tokens` : undefined} testId="llm-prompt">
              <PromptSections prompt={s.prompt} />
            </Fold>
          )}
          {s.reply && (
            <Fold title="Reply" meta={s.completionTokens != null ? `${s.completionTokens.toLocaleString("en-US")} tokens` : undefined} testId="llm-reply">
              <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 font-mono text-xs leading-5 text-slate-800 dark:bg-slate-950 dark:text-slate-200">{s.reply}</pre>
            </Fold>
          )}
        </div>
      )}
    </div>
  );
});

/** Highlighted code with a line-number gutter. */
export function CodeBlock({ code, language }: { code: string; language: string }) {
  const html = useMemo(() => highlight(code, language), [code, language]);
  const lines = code.split("\n").length;
  return (
    <div className="flex max-h-[560px] overflow-auto rounded-md border border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950" data-testid="genome-code">
      <div aria-hidden="true" className="sticky left-0 select-none border-r border-slate-200 bg-slate-100 px-2 py-2 text-right font-mono text-xs leading-5 text-slate-400 tabular-nums dark:border-slate-800 dark:bg-slate-900 dark:text-slate-500">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i}>{i + 1}</div>
        ))}
      </div>
      <pre className="min-w-0 flex-1 px-3 py-2 font-mono text-xs leading-5">
        <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </div>
  );
}

function Fold({ title, meta, testId, children }: { title: string; meta?: string; testId: string; children: React.ReactNode }) {
  return (
    <details className="group rounded-md border border-slate-200 dark:border-slate-800" data-testid={testId}>
      <summary className="flex cursor-pointer select-none items-center justify-between gap-2 px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 dark:text-slate-200 dark:hover:bg-slate-800/60">
        <span>
          <span className="mr-1.5 inline-block text-slate-400 transition-transform group-open:rotate-90" aria-hidden="true">
            ▸
          </span>
          {title}
        </span>
        {meta && <span className="text-xs font-normal text-slate-500 tabular-nums dark:text-slate-400">{meta}</span>}
      </summary>
      <div className="border-t border-slate-200 p-3 dark:border-slate-800">{children}</div>
    </details>
  );
}

/** The stored prompt is "### system\n…\n### user\n…": one labelled block per message. */
function PromptSections({ prompt }: { prompt: string }) {
  const parts = useMemo(() => {
    const re = /^### (system|user|assistant)\s*$/gm;
    const heads = [...prompt.matchAll(re)];
    if (!heads.length) return [{ role: null as string | null, text: prompt }];
    return heads.map((m, i) => ({ role: m[1]!, text: prompt.slice(m.index! + m[0].length, heads[i + 1]?.index ?? prompt.length).replace(/^\n+|\n+$/g, "") }));
  }, [prompt]);
  return (
    <div className="space-y-3">
      {parts.map((p, i) => (
        <div key={i}>
          {p.role && <p className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{p.role}</p>}
          <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 font-mono text-xs leading-5 text-slate-800 dark:bg-slate-950 dark:text-slate-200">{p.text}</pre>
        </div>
      ))}
    </div>
  );
}
