/** Number and date formatting shared by the dashboard (en-US, tabular). */

// One Intl formatter per option set, made once: `toLocaleString(locale, options)` builds a new one on
// every call (~20–50 µs), and a live page formats hundreds of cells per render (bench/dashboard profile).
// Same output: toLocaleString is specified as `new Intl.*Format(locale, options).format(x)`.
const INT = new Intl.NumberFormat("en-US");
const ONE_DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const FOUR_DECIMALS = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });
const DATE = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });

export function fmtInt(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? "—" : INT.format(Math.round(n));
}

/** A compact human number: 3 significant digits, thin units for large values. */
export function fmtNum(n: number | null | undefined, digits = 3): string {
  if (n == null || !Number.isFinite(n)) return "—";
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return n.toExponential(2);
  if (a >= 1000) return ONE_DECIMAL.format(n);
  return FOUR_DECIMALS.format(Number(n.toPrecision(digits + 1)));
}

export function fmtPct(fraction: number | null | undefined, digits = 1): string {
  if (fraction == null || !Number.isFinite(fraction)) return "—";
  return `${(100 * fraction).toFixed(digits)}%`;
}

export function fmtDate(iso: string | Date | null | undefined): string {
  if (!iso) return "—";
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return DATE.format(d);
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return "—";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - 60 * m)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - 60 * h} min`;
}

export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  return `${fmtDuration(now - new Date(iso).getTime())} ago`;
}

/** US dollars: cents from $1, 4 decimals below, 2 significant digits below a cent (LLM calls cost fractions of one). */
export function fmtUsd(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "—";
  if (v === 0) return "$0";
  const a = Math.abs(v);
  if (a < 0.01) return `$${v.toFixed(Math.min(20, 1 - Math.floor(Math.log10(a))))}`;
  return `$${v.toLocaleString("en-US", { minimumFractionDigits: a < 1 ? 4 : 2, maximumFractionDigits: a < 1 ? 4 : 2 })}`;
}
