/** Proximity / density runs: the search archive's points beside the result grid. */
import { SearchArchivePanel, type SearchArchiveReport } from "@/components/search/SearchArchivePanel";
import { Card } from "@/components/ui/Card";

interface Props {
  type: string;
  report: SearchArchiveReport | null;
  error: string | null;
}

export function SearchArchiveCard({ type, report, error }: Props) {
  return (
    <Card title={type === "proximity" ? "Proximity archive" : "Density archive"} id="search-archive">
      <SearchArchivePanel report={report} error={error} />
    </Card>
  );
}
