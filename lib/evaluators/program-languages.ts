/**
 * What QD Studio knows about a program's language: its display name, the file extension the
 * program is written with, and the code-fence tags a model may use for it (browser-safe).
 * Unknown languages still work: the name is used as is, the extension is ".txt" and any fence
 * tagged with the name (or untagged) is accepted.
 */
export interface LanguageInfo {
  id: string;
  name: string;
  extension: string;
  /** Fence tags accepted in a reply (lower case); "" is an untagged fence. */
  fences: string[];
  /** highlight.js language id, when it has one. */
  highlight?: string;
  /** Line comment, for prompts that mention markers. */
  comment: string;
}

const L = (id: string, name: string, extension: string, fences: string[], comment: string, highlight: string = id): LanguageInfo => ({ id, name, extension, fences: [id, ...fences, ""], highlight, comment });

export const LANGUAGES: readonly LanguageInfo[] = [
  L("python", "Python", "py", ["py", "python3"], "#"),
  L("javascript", "JavaScript", "js", ["js", "mjs", "cjs", "node", "jsx"], "//"),
  L("typescript", "TypeScript", "ts", ["ts", "tsx"], "//"),
  L("c", "C", "c", ["h"], "//"),
  L("cpp", "C++", "cpp", ["c++", "cc", "cxx", "hpp"], "//"),
  L("rust", "Rust", "rs", ["rs"], "//"),
  L("go", "Go", "go", ["golang"], "//"),
  L("java", "Java", "java", [], "//"),
  L("julia", "Julia", "jl", ["jl"], "#"),
  L("r", "R", "R", [], "#"),
  L("ruby", "Ruby", "rb", ["rb"], "#"),
  L("lua", "Lua", "lua", [], "--"),
  L("bash", "Bash", "sh", ["sh", "shell", "zsh"], "#"),
  L("haskell", "Haskell", "hs", ["hs"], "--"),
  L("csharp", "C#", "cs", ["cs", "c#"], "//"),
  L("verilog", "Verilog", "v", ["v", "systemverilog"], "//"),
];

export function languageInfo(id: string): LanguageInfo {
  const key = id.toLowerCase();
  return LANGUAGES.find((l) => l.id === key || l.fences.includes(key) && key !== "") ?? { id: key, name: key, extension: "txt", fences: [key, ""], comment: "#" };
}
