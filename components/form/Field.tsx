/** A labelled form control with its inline error (wired with aria-invalid / aria-describedby). */
import { useId, type InputHTMLAttributes, type ReactNode } from "react";

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm outline-none transition focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-rose-500 dark:border-slate-700 dark:bg-slate-900 dark:aria-[invalid=true]:border-rose-400";

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  error?: string;
  hint?: ReactNode;
  srOnlyLabel?: boolean;
  /** Monospace input (commands, identifiers). */
  mono?: boolean;
}

export function Field({ label, error, hint, srOnlyLabel, className, mono, ...input }: Props) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className={srOnlyLabel ? "sr-only" : "mb-1 block text-sm font-medium text-slate-700 dark:text-slate-300"}>
        {label}
      </label>
      <input id={id} className={mono ? `${inputClass} font-mono` : inputClass} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-err` : hint ? `${id}-hint` : undefined} {...input} />
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}

export function SelectField({ label, value, onChange, options, hint }: { label: string; value: string; onChange(v: string): void; options: { value: string; label: string }[]; hint?: ReactNode }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      <select id={id} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
    </div>
  );
}

export function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section className="grid gap-6 border-t border-slate-200 py-6 first:border-t-0 first:pt-0 md:grid-cols-[220px_1fr] dark:border-slate-800">
      <div>
        <h2 className="text-sm font-semibold">{title}</h2>
        {description && <p className="mt-1 text-xs leading-relaxed text-slate-500 dark:text-slate-400">{description}</p>}
      </div>
      <div className="space-y-4">{children}</div>
    </section>
  );
}

/** A labelled multi-line text input with its inline error. */
export function TextAreaField({
  label,
  value,
  onChange,
  error,
  hint,
  rows = 3,
  mono,
  placeholder,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  hint?: ReactNode;
  rows?: number;
  mono?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700 dark:text-slate-300">
        {label}
      </label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        placeholder={placeholder}
        spellCheck={!mono}
        className={`${inputClass} resize-y leading-5 ${mono ? "font-mono text-xs" : ""}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}

/** The error under a control (or, without one, its hint), with the ids `aria-describedby` points at. */
export function FieldMessage({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  if (error)
    return (
      <p id={`${id}-err`} className="mt-1 text-xs text-rose-600 dark:text-rose-400">
        {error}
      </p>
    );
  if (hint)
    return (
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        {hint}
      </p>
    );
  return null;
}
