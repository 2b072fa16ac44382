/**
 * The subset of YAML that configuration files such as OpenEvolve's config.yaml use: nested maps by
 * indentation, `- ` lists (of scalars or maps), flow lists `[a, b]` and flow maps `{a: 1}` of
 * scalars, literal/folded block scalars (`|`, `>`), quoted and plain scalars, `#` comments.
 * No anchors, tags or multi-document streams (a clear error says so). Pure.
 */
export class YamlError extends Error {}

interface Line {
  n: number;
  indent: number;
  text: string;
}

function stripComment(s: string): string {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === "\\" && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(s[i - 1]!)) q = c;
    } else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

export function scalar(raw: string): unknown {
  const s = raw.trim();
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?(\d[\d_]*)(\.\d*)?([eE][-+]?\d+)?$/.test(s) || /^[-+]?\.\d+([eE][-+]?\d+)?$/.test(s)) return Number(s.replace(/_/g, ""));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new YamlError(`unterminated string ${s}`);
    return JSON.parse(s);
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlError(`unterminated string ${s}`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith("[")) return flowItems(s, "[", "]").map(scalar);
  if (s.startsWith("{")) {
    return Object.fromEntries(
      flowItems(s, "{", "}").map((item) => {
        const at = item.indexOf(":");
        if (at < 0) throw new YamlError(`flow map item without ":": ${item}`);
        return [String(scalar(item.slice(0, at))), scalar(item.slice(at + 1))];
      }),
    );
  }
  if (/^[&*!]/.test(s)) throw new YamlError(`anchors, aliases and tags are not supported: ${s}`);
  return s;
}

function flowItems(s: string, open: string, close: string): string[] {
  if (!s.endsWith(close)) throw new YamlError(`unterminated ${open}…${close}: ${s}`);
  const body = s.slice(1, -1);
  const out: string[] = [];
  let cur = "";
  let q: string | null = null;
  for (const c of body) {
    if (q) {
      cur += c;
      if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
      cur += c;
    } else if (c === "[" || c === "{") throw new YamlError(`nested flow collections are not supported: ${s}`);
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== "");
}

/** Parse a YAML document of the supported subset. */
export function parseYaml(text: string): unknown {
  const raw = text.replace(/\r\n?/g, "\n").split("\n");
  if (raw.some((l) => /^(---|\.\.\.)\s*$/.test(l)) && raw.filter((l) => /^---\s*$/.test(l)).length > 1) throw new YamlError("multi-document YAML is not supported");
  const lines: (Line & { raw: string })[] = raw.map((l, i) => ({ n: i + 1, indent: l.length - l.trimStart().length, text: stripComment(l).trim(), raw: l }));
  let pos = 0;
  const skipBlank = () => {
    while (pos < lines.length && (lines[pos]!.text === "" || /^(---|\.\.\.)$/.test(lines[pos]!.text))) pos++;
  };

  function blockScalar(indicator: string, parentIndent: number): string {
    const out: string[] = [];
    let indent = -1;
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.raw.trim() === "") {
        out.push("");
        pos++;
        continue;
      }
      if (l.indent <= parentIndent) break;
      if (indent < 0) indent = l.indent;
      out.push(l.raw.slice(Math.min(indent, l.indent)));
      pos++;
    }
    while (out.length && out[out.length - 1] === "") out.pop();
    const body = indicator.startsWith(">") ? out.join("\n").replace(/([^\n])\n(?=[^\n])/g, "$1 ") : out.join("\n");
    return indicator.endsWith("-") ? body : body + "\n";
  }

  function value(rest: string, ownIndent: number): unknown {
    if (/^[|>][-+]?$/.test(rest)) return blockScalar(rest, ownIndent);
    if (rest !== "") return scalar(rest);
    skipBlank();
    if (pos < lines.length && lines[pos]!.indent > ownIndent) return node(lines[pos]!.indent);
    // `key:` followed by a list at the same indentation is common YAML style.
    if (pos < lines.length && lines[pos]!.indent === ownIndent && lines[pos]!.text.startsWith("- ")) return node(ownIndent);
    return null;
  }

  function keyValue(text: string, n: number): [string, string] {
    const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:]+?)\s*:(?:\s+(.*)|$)/.exec(text);
    if (!m) throw new YamlError(`line ${n}: expected "key: value", got ${JSON.stringify(text)}`);
    return [String(scalar(m[1]!)), (m[2] ?? "").trim()];
  }

  function node(indent: number): unknown {
    skipBlank();
    const first = lines[pos]!;
    if (first.text === "-" || first.text.startsWith("- ")) {
      const list: unknown[] = [];
      while (true) {
        skipBlank();
        const l = lines[pos];
        if (!l || l.indent !== indent || !(l.text === "-" || l.text.startsWith("- "))) break;
        const rest = l.text.slice(1).trim();
        pos++;
        if (rest === "") list.push(value("", indent));
        else if (/^[^"'[{][^:]*:(\s|$)/.test(rest) || /^["'][^"']*["']\s*:(\s|$)/.test(rest)) {
          // A map item: its first key is on the dash line, the others below at the dash's indent + 2.
          const itemIndent = indent + (l.text.length - rest.length);
          const [k, v] = keyValue(rest, l.n);
          const map: Record<string, unknown> = { [k]: value(v, itemIndent) };
          Object.assign(map, mapAt(itemIndent));
          list.push(map);
        } else list.push(value(rest, indent));
      }
      return list;
    }
    return mapAt(indent);
  }

  function mapAt(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (true) {
      skipBlank();
      const l = lines[pos];
      if (!l || l.indent < indent) break;
      if (l.indent > indent) throw new YamlError(`line ${l.n}: unexpected indentation`);
      if (l.text.startsWith("- ")) break;
      const [k, v] = keyValue(l.text, l.n);
      pos++;
      map[k] = value(v, indent);
    }
    return map;
  }

  skipBlank();
  if (pos >= lines.length) return null;
  const out = node(lines[pos]!.indent);
  skipBlank();
  if (pos < lines.length) throw new YamlError(`line ${lines[pos]!.n}: unexpected content ${JSON.stringify(lines[pos]!.text)}`);
  return out;
}
