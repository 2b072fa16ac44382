/** Proximity / density / discount runs: the search archive (points, reservoir or discount surface) beside the result grid. */
import { SearchArchivePanel, type SearchArchiveReport } from "@/components/search/SearchArchivePanel";
import { Card } from "@/components/ui/Card";

interface Props {
  type: string;
  report: SearchArchiveReport | null;
  error: string | null;
}

const TITLES: Record<string, string> = { proximity: "Proximity archive", density: "Density archive", discount: "Discount model" };

export function SearchArchiveCard({ type, report, error }: Props) {
  return (
    <Card title={TITLES[type] ?? "Search archive"} id="search-archive">
      <SearchArchivePanel report={report} error={error} />
    </Card>
  );
}
