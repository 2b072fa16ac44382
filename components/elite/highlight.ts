/**
 * Syntax highlighting for genomes: highlight.js core with the languages programs are evolved in
 * (the program domain's `language`; the shipped tasks are JavaScript) and JSON genomes registered.
 * Token colours live in app/globals.css.
 */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import go from "highlight.js/lib/languages/go";
import haskell from "highlight.js/lib/languages/haskell";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import julia from "highlight.js/lib/languages/julia";
import lua from "highlight.js/lib/languages/lua";
import python from "highlight.js/lib/languages/python";
import r from "highlight.js/lib/languages/r";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import typescript from "highlight.js/lib/languages/typescript";
import verilog from "highlight.js/lib/languages/verilog";
import { languageInfo } from "@/lib/evaluators/program-languages";

for (const [name, lang] of Object.entries({ bash, c, cpp, csharp, go, haskell, java, javascript, json, julia, lua, python, r, ruby, rust, typescript, verilog })) hljs.registerLanguage(name, lang);

/** The registered highlight.js language for a program language (aliases too), or null. */
export function highlightLanguage(language: string): string | null {
  if (hljs.getLanguage(language)) return language;
  const id = languageInfo(language).highlight;
  return id && hljs.getLanguage(id) ? id : null;
}

/** HTML of `code` with hljs token spans (highlight.js escapes the text). Falls back to escaped plain text. */
export function highlight(code: string, language: string): string {
  const lang = highlightLanguage(language);
  if (!lang) return escapeHtml(code);
  try {
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  } catch {
    return escapeHtml(code);
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
