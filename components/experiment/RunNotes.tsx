"use client";
/**
 * The user's notes and tags on a run, stored with the experiment (PATCH /api/experiments/:id).
 * Notes are saved with the button or Ctrl/⌘+Enter; a tag is saved as soon as it is added or removed.
 */
import { useEffect, useId, useState } from "react";
import Link from "next/link";
import { buttonClass } from "@/components/ui/Card";

interface Props {
  notes: string;
  tags: string[];
  onSave(patch: { notes?: string; tags?: string[] }): Promise<void>;
}

const MAX_NOTES = 10_000;

export function RunNotes({ notes, tags, onSave }: Props) {
  const id = useId();
  const [draft, setDraft] = useState(notes);
  const [tagText, setTagText] = useState("");
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });
  // A save elsewhere (another tab, the API) shows up when the reader has not started editing.
  const [base, setBase] = useState(notes);
  useEffect(() => {
    if (draft === base) setDraft(notes);
    setBase(notes);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [notes]);
  const dirty = draft !== notes;

  const save = async (patch: { notes?: string; tags?: string[] }) => {
    setState({ busy: true, error: null, saved: false });
    try {
      await onSave(patch);
      setState({ busy: false, error: null, saved: patch.notes !== undefined });
    } catch (e) {
      setState({ busy: false, error: (e as Error).message, saved: false });
    }
  };

  const addTags = () => {
    const fresh = tagText
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t && !tags.includes(t));
    setTagText("");
    if (fresh.length) void save({ tags: [...tags, ...new Set(fresh)] });
  };

  return (
    <div className="space-y-3">
      <div>
        <label htmlFor={`${id}-tag`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
          Tags
        </label>
        <ul className="flex flex-wrap items-center gap-1.5" aria-label="Tags of this run">
          {tags.map((t) => (
            <li key={t} className="inline-flex items-center gap-0.5 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 text-xs text-indigo-800 dark:bg-indigo-950/60 dark:text-indigo-200">
              <Link href={`/?tag=${encodeURIComponent(t)}`} className="hover:underline" title={`All runs tagged ${t}`}>
                {t}
              </Link>
              <button type="button" className="rounded-full px-1 hover:bg-indigo-100 dark:hover:bg-indigo-900" aria-label={`Remove tag ${t}`} disabled={state.busy} onClick={() => void save({ tags: tags.filter((x) => x !== t) })}>
                ×
              </button>
            </li>
          ))}
          <li>
            <input
              id={`${id}-tag`}
              aria-label="Add a tag"
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === ",") {
                  e.preventDefault();
                  addTags();
                }
              }}
              onBlur={() => tagText.trim() && addTags()}
              maxLength={40}
              placeholder="add a tag"
              className="w-36 rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs dark:border-slate-700 dark:bg-slate-900"
            />
          </li>
        </ul>
      </div>
      <div>
        <label htmlFor={`${id}-notes`} className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
          Notes
        </label>
        <textarea
          id={`${id}-notes`}
          value={draft}
          onChange={(e) => (setDraft(e.target.value), setState((s) => ({ ...s, saved: false })))}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && dirty) {
              e.preventDefault();
              void save({ notes: draft });
            }
          }}
          rows={4}
          maxLength={MAX_NOTES}
          placeholder="What this run is for, what you changed, what you saw…"
          className="w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <div className="mt-1.5 flex flex-wrap items-center gap-3">
          <button type="button" className={buttonClass} disabled={!dirty || state.busy} onClick={() => void save({ notes: draft })}>
            {state.busy ? "Saving…" : "Save notes"}
          </button>
          {dirty && (
            <button type="button" className="text-xs text-slate-500 hover:underline" onClick={() => setDraft(notes)}>
              Discard changes
            </button>
          )}
          <span role="status" className={`text-xs ${state.error ? "text-rose-700 dark:text-rose-300" : "text-slate-500 dark:text-slate-400"}`}>
            {state.error ? `Not saved: ${state.error}` : state.saved && !dirty ? "Saved" : dirty ? "Unsaved changes · Ctrl+Enter saves" : ""}
          </span>
        </div>
      </div>
    </div>
  );
}
