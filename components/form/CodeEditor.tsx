"use client";
/**
 * A small code editor: a monospace textarea with a line-number gutter, Tab /
 * Shift+Tab (in)dentation of the line or selection, and Enter that keeps the
 * indentation. Escape then Tab leaves the editor (the keyboard is never trapped).
 */
import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { highlight } from "@/components/elite/highlight";
import { FieldMessage } from "./Field";

const INDENT = "  ";

interface Props {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  hint?: React.ReactNode;
  rows?: number;
  /** Highlight the code in this language (a layer under a transparent-text textarea). */
  language?: string;
}

export function CodeEditor({ label, value, onChange, error, hint, rows = 14, language }: Props) {
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const layer = useRef<HTMLPreElement>(null);
  // A trailing newline needs a character after it, or the layer is one line short of the textarea.
  const html = useMemo(() => (language ? highlight(value, language) + "\n " : ""), [value, language]);
  const [escaped, setEscaped] = useState(false);
  const lines = value.split("\n").length;

  /** Replaces [start, end) with text, through the browser's editing commands when possible (keeps undo). */
  const replace = (start: number, end: number, text: string, selStart: number, selEnd: number) => {
    const el = area.current!;
    el.setSelectionRange(start, end);
    const ok = typeof document.execCommand === "function" && document.execCommand("insertText", false, text);
    if (!ok) onChange(value.slice(0, start) + text + value.slice(end));
    requestAnimationFrame(() => el.setSelectionRange(selStart, selEnd));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    if (e.key === "Escape") {
      setEscaped(true);
      return;
    }
    if (e.key === "Tab" && !escaped && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      const { selectionStart: s, selectionEnd: t } = el;
      const lineStart = value.lastIndexOf("\n", s - 1) + 1;
      const multi = value.slice(s, t).includes("\n");
      if (!e.shiftKey && !multi) {
        replace(s, t, INDENT, s + INDENT.length, s + INDENT.length);
        return;
      }
      // Indent or dedent every line touched by the selection.
      const blockEnd = t > s && value[t - 1] === "\n" ? t - 1 : t;
      const lineEnd = value.indexOf("\n", blockEnd);
      const end = lineEnd < 0 ? value.length : lineEnd;
      const block = value.slice(lineStart, end).split("\n");
      let first = 0;
      let total = 0;
      const next = block.map((l, i) => {
        if (!e.shiftKey) {
          total += INDENT.length;
          if (i === 0) first = INDENT.length;
          return INDENT + l;
        }
        const cut = l.startsWith(INDENT) ? INDENT.length : l.startsWith(" ") || l.startsWith("\t") ? 1 : 0;
        total -= cut;
        if (i === 0) first = -cut;
        return l.slice(cut);
      });
      const text = next.join("\n");
      replace(lineStart, end, text, Math.max(lineStart, s + first), t + total);
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const { selectionStart: s, selectionEnd: t } = el;
      const lineStart = value.lastIndexOf("\n", s - 1) + 1;
      const indent = /^[ \t]*/.exec(value.slice(lineStart, s))![0];
      const opens = /[{[(]\s*$/.test(value.slice(lineStart, s));
      const insert = "\n" + indent + (opens ? INDENT : "");
      e.preventDefault();
      replace(s, t, insert, s + insert.length, s + insert.length);
    }
  };

  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      <div
        className={`flex overflow-hidden rounded-md border bg-white shadow-sm focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/30 dark:bg-slate-950 ${
          error ? "border-rose-500 dark:border-rose-400" : "border-slate-300 dark:border-slate-700"
        }`}
      >
        <div
          ref={gutter}
          aria-hidden="true"
          className="select-none overflow-hidden border-r border-slate-200 bg-slate-50 px-2 py-2 text-right font-mono text-xs leading-5 text-slate-400 tabular-nums dark:border-slate-800 dark:bg-slate-900 dark:text-slate-500"
          style={{ minWidth: `${String(lines).length + 2}ch` }}
          data-testid="code-editor-gutter"
        >
          {Array.from({ length: lines }, (_, i) => (
            <div key={i}>{i + 1}</div>
          ))}
        </div>
        <div className="relative flex min-w-0 flex-1">
        {language && (
          <pre ref={layer} aria-hidden="true" className="pointer-events-none absolute inset-0 m-0 overflow-hidden whitespace-pre px-3 py-2 font-mono text-xs leading-5 [tab-size:2]" data-testid="code-editor-highlight">
            <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: html }} />
          </pre>
        )}
        <textarea
          ref={area}
          id={id}
          value={value}
          rows={rows}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : `${id}-hint`}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => setEscaped(false)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
            if (layer.current) {
              layer.current.scrollTop = e.currentTarget.scrollTop;
              layer.current.scrollLeft = e.currentTarget.scrollLeft;
            }
          }}
          className={`relative block min-w-0 flex-1 resize-y whitespace-pre bg-transparent px-3 py-2 font-mono text-xs leading-5 outline-none [tab-size:2] ${
            language ? "text-transparent caret-slate-800 selection:bg-indigo-200/60 dark:caret-slate-200" : "text-slate-800 dark:text-slate-200"
          }`}
        />
        </div>
      </div>
      <FieldMessage id={id} error={error} hint={hint ?? "Tab indents, Shift+Tab dedents; press Escape, then Tab, to leave the editor."} />
    </div>
  );
}
