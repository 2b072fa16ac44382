/** The elite table: sorted and filtered on the server; a row selects its cell. */
import type { ArchiveStore } from "@/components/archive/store";
import { EliteTable } from "@/components/elites/EliteTable";
import type { EliteQuery, useEliteTable } from "@/components/lib/use-elite-table";
import { Card } from "@/components/ui/Card";

interface Props {
  table: ReturnType<typeof useEliteTable>;
  query: EliteQuery;
  onQuery(q: EliteQuery): void;
  store: ArchiveStore;
  selected: number | null;
  onSelect(cell: number): void;
}

export function ElitesCard({ table, query, onQuery, store, selected, onSelect }: Props) {
  return (
    <Card title="Elites" actions={<span className="text-xs text-slate-500 dark:text-slate-400">Sorted and filtered on the server; select a row to inspect it</span>}>
      <EliteTable
        page={table.page}
        query={query}
        onQueryChange={onQuery}
        names={store.names}
        archiveSize={store.filled}
        min={store.colorRange.min}
        max={store.colorRange.max}
        selectedCell={selected}
        onSelect={onSelect}
        loading={table.loading}
        error={table.error}
      />
    </Card>
  );
}
