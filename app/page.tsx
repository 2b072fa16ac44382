import Link from "next/link";
import { prisma } from "@/lib/db/client";
import { normalizeExperiment } from "@/components/lib/api";
import { STATUSES, type ExperimentStatus } from "@/components/lib/types";
import { ExperimentsTable } from "@/components/experiments/ExperimentsTable";
import { StatusFilter } from "@/components/experiments/StatusFilter";
import { AutoRefresh } from "@/components/experiments/AutoRefresh";
import { DemoButton } from "@/components/experiments/DemoButton";
import { primaryButtonClass } from "@/components/ui/Card";
import { redactSecrets } from "@/lib/api/redact";
import { RunSearch, listHref } from "@/components/experiments/RunSearch";
import { experimentWhere, tagCounts } from "@/lib/api/experiments";

export const dynamic = "force-dynamic";

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function ExperimentsPage({ searchParams }: { searchParams: Promise<{ status?: string | string[]; q?: string | string[]; tag?: string | string[] }> }) {
  const sp = await searchParams;
  const raw = one(sp.status);
  const status = STATUSES.includes(raw as ExperimentStatus) ? (raw as ExperimentStatus) : null;
  const q = (one(sp.q) ?? "").slice(0, 200).trim();
  const tag = (one(sp.tag) ?? "").trim().toLowerCase() || null;
  // Status counts follow the search and tag (so the chips say how many of *these* runs are running).
  const filter = experimentWhere({ q, tag: tag ? [tag] : undefined });
  const [rows, groups, tags, everything] = await Promise.all([
    prisma.experiment.findMany({ where: experimentWhere({ q, tag: tag ? [tag] : undefined, status: status ? [status] : undefined }), orderBy: { createdAt: "desc" }, take: 200 }),
    prisma.experiment.groupBy({ by: ["status"], where: filter, _count: { _all: true } }),
    tagCounts(),
    prisma.experiment.count(),
  ]);
  const searching = Boolean(q || tag);
  const counts = Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
  const experiments = rows.map((e) =>
    normalizeExperiment({
      ...e,
      config: redactSecrets(e.config),
      archiveRevision: 0,
      metrics: { coverage: e.numElites / e.cells, qdScore: e.qdScore, normQdScore: e.qdScore / e.cells, maxFitness: e.maxFitness, meanFitness: e.numElites ? e.sumFitness / e.numElites : null },
    }),
  );
  const anyActive = experiments.some((e) => e.status === "running" || e.status === "queued");


  return (
    <div className="space-y-6">
      <AutoRefresh enabled={anyActive} />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Experiments</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">MAP-Elites runs, live and past. Each keeps an archive of diverse, high-performing solutions.</p>
        </div>
        <div className="flex gap-2">
          {everything > 1 && (
            <Link href={`/compare?ids=${experiments.slice(0, 2).map((e) => e.id).join(",")}`} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800">
              Compare runs
            </Link>
          )}
          <Link href="/experiments/new" className={`${primaryButtonClass} px-4 py-2`}>
            New experiment
          </Link>
        </div>
      </div>

      {everything === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 p-12 text-center dark:border-slate-700">
          <h2 className="text-lg font-medium">No experiments yet</h2>
          <p className="mx-auto mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">
            Watch a MAP-Elites archive fill live: run a demo on the 100-D sphere benchmark (200,000 evaluations, a few seconds), or define your own run. Scripts can use{" "}
            <code className="font-mono text-xs">POST /api/experiments</code>.
          </p>
          <div className="mt-6 flex justify-center gap-3">
            <DemoButton />
            <Link href="/experiments/new" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800">
              New experiment
            </Link>
          </div>
        </div>
      ) : (
        <>
          <RunSearch q={q} tag={tag} status={status} tags={tags} />
          <StatusFilter current={status} counts={counts} href={(s) => listHref({ q, tag, status: s })} />
          {experiments.length ? (
            <ExperimentsTable experiments={experiments} />
          ) : (
            <p className="text-sm text-slate-500" data-testid="no-match">
              No {status ? `${status} ` : ""}experiments{searching ? " match this search" : ""}.
            </p>
          )}
        </>
      )}
    </div>
  );
}
