/** Status filter as links (works without JavaScript; the URL is shareable). */
import Link from "next/link";
import { STATUSES } from "@/components/lib/types";

/** `href(status)`: the list URL with that status (keeping the other filters). */
export function StatusFilter({ current, counts, href = (s) => (s ? `/?status=${s}` : "/") }: { current: string | null; counts: Record<string, number>; href?(status: string | null): string }) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const items = [{ key: null as string | null, label: "All", n: total }, ...STATUSES.filter((s) => counts[s]).map((s) => ({ key: s as string | null, label: s, n: counts[s]! }))];
  return (
    <nav aria-label="Filter by status" className="flex flex-wrap gap-1.5">
      {items.map((i) => {
        const active = current === i.key;
        return (
          <Link
            key={i.label}
            href={href(i.key)}
            aria-current={active ? "page" : undefined}
            className={`rounded-full px-3 py-1 text-xs font-medium capitalize ring-1 ring-inset ${
              active
                ? "bg-indigo-600 text-white ring-indigo-600"
                : "bg-white text-slate-600 ring-slate-200 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700 dark:hover:bg-slate-800"
            }`}
          >
            {i.label} <span className={active ? "text-indigo-100" : "text-slate-400"}>{i.n}</span>
          </Link>
        );
      })}
    </nav>
  );
}
