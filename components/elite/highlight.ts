/**
 * Syntax highlighting for genomes: highlight.js core with only JavaScript and JSON registered
 * (the programs the LLM tasks evolve, and JSON genomes). Token colours live in app/globals.css.
 */
import hljs from "highlight.js/lib/core";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";

hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);

/** HTML of `code` with hljs token spans (highlight.js escapes the text). Falls back to escaped plain text. */
export function highlight(code: string, language: "javascript" | "json"): string {
  try {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return escapeHtml(code);
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
