/**
 * Search and tag filter of the experiments list, as a plain GET form and links: works without
 * JavaScript, and the URL (?q=…&tag=…&status=…) is shareable. The same filter as GET /api/experiments.
 */
import Link from "next/link";

interface Props {
  q: string;
  tag: string | null;
  status: string | null;
  /** Tags in use, most used first. */
  tags: { tag: string; count: number }[];
}

export function listHref(p: { q?: string | null; tag?: string | null; status?: string | null }): string {
  const sp = new URLSearchParams();
  if (p.status) sp.set("status", p.status);
  if (p.tag) sp.set("tag", p.tag);
  if (p.q) sp.set("q", p.q);
  const s = sp.toString();
  return s ? `/?${s}` : "/";
}

export function RunSearch({ q, tag, status, tags }: Props) {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <form method="get" action="/" role="search" className="flex items-center gap-2">
        {status && <input type="hidden" name="status" value={status} />}
        {tag && <input type="hidden" name="tag" value={tag} />}
        <label>
          <span className="sr-only">Search experiments</span>
          <input
            type="search"
            name="q"
            defaultValue={q}
            maxLength={200}
            placeholder="Search name, notes, domain…"
            className="w-72 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800">
          Search
        </button>
        {q && (
          <Link href={listHref({ tag, status })} className="text-xs text-slate-500 hover:underline dark:text-slate-400">
            clear
          </Link>
        )}
      </form>
      {tags.length > 0 && (
        <nav aria-label="Filter by tag" className="flex flex-wrap items-center gap-1.5 text-xs">
          <span className="text-slate-500 dark:text-slate-400">Tags</span>
          {tags.slice(0, 20).map((t) => {
            const on = t.tag === tag;
            return (
              <Link
                key={t.tag}
                href={listHref({ q, status, tag: on ? null : t.tag })}
                aria-current={on ? "page" : undefined}
                className={`rounded-full px-2.5 py-0.5 ring-1 ring-inset ${on ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-600 ring-slate-200 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800"}`}
              >
                {t.tag} <span className={on ? "text-indigo-100" : "text-slate-400"}>{t.count}</span>
              </Link>
            );
          })}
        </nav>
      )}
    </div>
  );
}
