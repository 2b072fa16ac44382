/**
 * Where the login page may send the user afterwards: a path on this site, nothing else.
 * Browsers read `\` as `/` and ignore tabs and newlines in URLs, so `/\evil.com` or
 * `/\t/evil.com` would leave the site; such values (and anything that does not resolve
 * to our own origin) fall back to `/`. Browser-safe (used by the login form too).
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(next) || next.startsWith("//")) return "/";
  const base = "http://qd-studio.invalid";
  try {
    const u = new URL(next, base);
    if (u.origin !== base) return "/";
    return u.pathname + u.search + u.hash;
  } catch {
    return "/";
  }
}
