import { readEnv } from "@/lib/config";
import { notFound } from "next/navigation";
import { BenchPanels } from "@/components/bench/BenchPanels";

export const dynamic = "force-dynamic";

/**
 * Synthetic data for the panel benchmarks (bench/phylogeny.ts): a phylogeny of `n` nodes and an archive
 * history of `events` writes over `side`² cells, generated in the browser. Off unless QD_BENCH_PAGES=1.
 */
export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!readEnv().QD_BENCH_PAGES) notFound();
  const q = await searchParams;
  const num = (k: string, d: number, max: number) => {
    const v = Number(q[k]);
    return Number.isInteger(v) && v > 0 ? Math.min(v, max) : d;
  };
  return <BenchPanels n={num("n", 100_000, 1_000_000)} events={num("events", 1_000_000, 10_000_000)} side={num("side", 100, 1000)} />;
}
