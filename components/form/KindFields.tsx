/**
 * The parameters of one registered kind (lib/registry), rendered from its form
 * metadata: adding a kind adds its fields here with no form code. Values are
 * kept as typed text, keyed by field; `kindConfig` turns them into the config.
 */
import type { FormField, KindModule } from "@/lib/registry/kind";
import { defaultsOf } from "@/lib/registry/kind";
import { Field, SelectField } from "./Field";

/** Text values of a kind's fields: the preset's where given, else the kind's defaults. */
export function kindValues(kind: KindModule, preset?: Record<string, unknown>): Record<string, string> {
  const defaults = (defaultsOf(kind) ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of kind.fields) {
    const v = preset?.[f.key] ?? defaults[f.key];
    out[f.key] = v === undefined || v === null ? "" : String(v);
  }
  return out;
}

/** The kind's config from the typed values: numbers parsed, blank fields left out (their defaults apply; zod judges the rest). */
export function kindConfig(kind: KindModule, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: kind.type };
  for (const f of kind.fields) {
    const v = (values[f.key] ?? "").trim();
    if (v === "") continue;
    out[f.key] = f.control === "select" ? v : f.control === "boolean" ? v === "true" : Number(v);
  }
  return out;
}

const YES_NO = [
  { value: "false", label: "No" },
  { value: "true", label: "Yes" },
];

export function KindFields({ kind, values, onChange, error, prefix }: { kind: KindModule; values: Record<string, string>; onChange(key: string, value: string): void; error(path: string): string | undefined; prefix: string }) {
  return (
    <>
      {kind.fields.map((f: FormField) =>
        f.control === "select" || f.control === "boolean" ? (
          <SelectField key={f.key} label={f.label} value={values[f.key] ?? ""} onChange={(v) => onChange(f.key, v)} options={f.control === "boolean" ? YES_NO : [...(f.options ?? [])]} hint={error(`${prefix}.${f.key}`) ?? f.help} />
        ) : (
          <Field
            key={f.key}
            label={f.label}
            type="number"
            step={f.control === "integer" ? 1 : "any"}
            value={values[f.key] ?? ""}
            placeholder={f.optional ? "default" : undefined}
            onChange={(e) => onChange(f.key, e.target.value)}
            error={error(`${prefix}.${f.key}`)}
            hint={f.help}
          />
        ),
      )}
    </>
  );
}
