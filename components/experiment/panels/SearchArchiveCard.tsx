/** Proximity / density / discount runs: the search archive (points, reservoir or discount surface), under the result grid it feeds. */
import { SearchArchivePanel, type SearchArchiveReport } from "@/components/search/SearchArchivePanel";
import type { Geometry } from "@/components/lib/types";
import { Card } from "@/components/ui/Card";

interface Props {
  type: string;
  report: SearchArchiveReport | null;
  error: string | null;
  fitnessRange: { min: number; max: number };
  geometry: Geometry;
  onOpenCell(cell: number): void;
}

const TITLES: Record<string, { title: string; about: string }> = {
  proximity: { title: "Proximity archive (novelty search)", about: "The points the search keeps for their novelty; the elite archive above is the result grid of everything evaluated." },
  density: { title: "Density archive (density descent)", about: "A uniform sample of the measures seen; emitters descend its density. The elite archive above is the result grid." },
  discount: { title: "Discount model (DMS)", about: "The model's discount over the descriptor space: a solution counts by how much it beats it. The elite archive above is the result grid." },
};

export function SearchArchiveCard({ type, report, error, fitnessRange, geometry, onOpenCell }: Props) {
  const t = TITLES[type] ?? { title: "Search archive", about: "" };
  return (
    <Card title={t.title} id="search-archive">
      {t.about && <p className="-mt-1 mb-3 text-xs text-slate-500 dark:text-slate-400">{t.about}</p>}
      <SearchArchivePanel report={report} error={error} fitnessRange={fitnessRange} geometry={geometry} onOpenCell={onOpenCell} />
    </Card>
  );
}
