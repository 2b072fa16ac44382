import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "QD Studio", template: "%s · QD Studio" },
  description: "Quality-diversity search with MAP-Elites: live archives, distributed workers, REST API.",
  icons: { icon: "/favicon.svg" },
};

const nav = [
  { href: "/", label: "Experiments" },
  { href: "/experiments/new", label: "New experiment" },
  { href: "/compare", label: "Compare" },
];

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-950/80">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-8 px-6">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
              <Logo />
              <span>QD Studio</span>
            </Link>
            <nav aria-label="Main" className="flex gap-5 text-sm text-slate-600 dark:text-slate-400">
              {nav.map((item) => (
                <Link key={item.href} href={item.href} className="hover:text-slate-900 dark:hover:text-white">
                  {item.label}
                </Link>
              ))}
            </nav>
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
      </body>
    </html>
  );
}

/** A 3×3 elite grid, some cells filled: the product in one glyph. */
function Logo() {
  const filled = [0, 2, 4, 5, 7];
  return (
    <svg width="20" height="20" viewBox="0 0 30 30" aria-hidden="true">
      {Array.from({ length: 9 }, (_, i) => (
        <rect
          key={i}
          x={(i % 3) * 10 + 1}
          y={Math.floor(i / 3) * 10 + 1}
          width="8"
          height="8"
          rx="1.5"
          className={filled.includes(i) ? "fill-indigo-500" : "fill-slate-300 dark:fill-slate-700"}
        />
      ))}
    </svg>
  );
}
