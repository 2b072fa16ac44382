/**
 * What the experiment page shows while its archive streams in (the Suspense fallback): the name and grey
 * boxes where the metrics, the grid and the elite panel will be, the same sizes, so nothing jumps.
 * A server component: no script of its own.
 */
const panel = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900/60";
const box = "animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800/60";

export function ExperimentSkeleton({ name }: { name: string }) {
  return (
    <div className="space-y-6" aria-busy="true" data-testid="experiment-loading">
      <header className="space-y-4">
        <p className="text-xs text-slate-500 dark:text-slate-400">Experiments / {name}</p>
        <h1 className="truncate text-2xl font-semibold tracking-tight">{name}</h1>
        <div className={`h-16 ${box}`} />
      </header>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {[0, 1, 2, 3].map((k) => (
          <div key={k} className={`h-[84px] ${box}`} />
        ))}
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
        <div className={panel}>
          <div className={`h-[600px] ${box}`} />
        </div>
        <div className={panel}>
          <p className="text-sm text-slate-500 dark:text-slate-400">Loading the archive…</p>
        </div>
      </div>
    </div>
  );
}
