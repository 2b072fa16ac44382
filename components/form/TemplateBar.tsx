"use client";
/**
 * Templates on the new-experiment form: load a saved configuration (the page reopens pre-filled from
 * it), or save the form's current configuration under a name (stored server-side, POST /api/templates).
 */
import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { api, ApiError } from "@/components/lib/api";
import { buttonClass } from "@/components/ui/Card";
import { inputClass } from "./Field";

export interface TemplateOption {
  id: string;
  name: string;
  description: string;
}

interface Props {
  templates: TemplateOption[];
  /** The template the form was opened from, if any. */
  current?: string | null;
  /** The form's configuration, null while it does not validate. */
  config: Record<string, unknown> | null;
  defaultName: string;
}

export function TemplateBar({ templates, current = null, config, defaultName }: Props) {
  const router = useRouter();
  const id = useId();
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirmReplace, setConfirmReplace] = useState(false);

  const save = async (replace: boolean) => {
    if (!config) return setMessage({ ok: false, text: "Fix the highlighted fields first: only a valid configuration can be saved." });
    setBusy(true);
    setMessage(null);
    try {
      await api("/api/templates", { method: "POST", json: { name: name.trim(), config, replace } });
      setMessage({ ok: true, text: `Saved as template “${name.trim()}”.` });
      setConfirmReplace(false);
      setSaving(false);
      router.refresh();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConfirmReplace(true);
      else setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mb-6 rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-sm dark:border-slate-800 dark:bg-slate-900/60" role="group" aria-label="Templates">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1">
          {/* A label of its own (not wrapping the select), so option texts never become part of its name. */}
          <label htmlFor={`${id}-load`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
            Start from a template
          </label>
          <select
            id={`${id}-load`}
            className={inputClass}
            value={current ?? ""}
            disabled={templates.length === 0}
            onChange={(e) => e.target.value && router.push(`/experiments/new?template=${e.target.value}`)}
          >
            <option value="">{templates.length ? "Choose a saved template…" : "No templates saved yet"}</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id} title={t.description || undefined}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        {!saving && (
          <button type="button" className={buttonClass} onClick={() => (setSaving(true), setMessage(null))}>
            Save as template…
          </button>
        )}
      </div>
      {saving && (
        <div className="mt-3 flex flex-wrap items-end gap-2">
          <label className="min-w-56 flex-1">
            <span className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">Template name</span>
            <input
              className={inputClass}
              value={name}
              maxLength={200}
              onChange={(e) => (setName(e.target.value), setConfirmReplace(false))}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  void save(false);
                }
              }}
            />
          </label>
          {confirmReplace ? (
            <button type="button" className={buttonClass} disabled={busy} onClick={() => void save(true)}>
              Replace “{name.trim()}”
            </button>
          ) : (
            <button type="button" className={buttonClass} disabled={busy || !name.trim()} onClick={() => void save(false)}>
              Save template
            </button>
          )}
          <button type="button" className="px-2 py-1.5 text-xs text-slate-500 hover:underline" onClick={() => (setSaving(false), setConfirmReplace(false))}>
            Cancel
          </button>
        </div>
      )}
      {confirmReplace && <p className="mt-2 text-xs text-amber-700 dark:text-amber-300">A template with this name exists. Replace it, or choose another name.</p>}
      {message && (
        <p role="status" className={`mt-2 text-xs ${message.ok ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300"}`}>
          {message.text}
        </p>
      )}
    </div>
  );
}
