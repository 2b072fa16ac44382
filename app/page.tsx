import Link from "next/link";
import { prisma } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export default async function ExperimentsPage() {
  const experiments = await prisma.experiment.findMany({
    orderBy: { createdAt: "desc" },
    take: 100,
    select: {
      id: true,
      name: true,
      domainType: true,
      status: true,
      evaluations: true,
      budgetEvaluations: true,
      numElites: true,
      cells: true,
      qdScore: true,
      maxFitness: true,
      createdAt: true,
    },
  });

  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Experiments</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            MAP-Elites runs, live and past. Each keeps an archive of diverse, high-performing solutions.
          </p>
        </div>
        <Link
          href="/experiments/new"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
        >
          New experiment
        </Link>
      </div>

      {experiments.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 p-12 text-center dark:border-slate-700">
          <h2 className="text-lg font-medium">No experiments yet</h2>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Create one from the form, or over the REST API with <code className="font-mono">POST /api/experiments</code>.
          </p>
        </div>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th className="py-2 font-medium">Name</th>
              <th className="py-2 font-medium">Domain</th>
              <th className="py-2 font-medium">Status</th>
              <th className="py-2 text-right font-medium">Evaluations</th>
              <th className="py-2 text-right font-medium">Coverage</th>
              <th className="py-2 text-right font-medium">QD-score</th>
              <th className="py-2 text-right font-medium">Best fitness</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-900">
            {experiments.map((e) => (
              <tr key={e.id}>
                <td className="py-2">
                  <Link href={`/experiments/${e.id}`} className="font-medium text-indigo-600 dark:text-indigo-400">
                    {e.name}
                  </Link>
                </td>
                <td className="py-2">{e.domainType}</td>
                <td className="py-2">{e.status}</td>
                <td className="py-2 text-right tabular-nums">
                  {e.evaluations.toLocaleString("en-US")} / {e.budgetEvaluations.toLocaleString("en-US")}
                </td>
                <td className="py-2 text-right tabular-nums">{((100 * e.numElites) / e.cells).toFixed(1)}%</td>
                <td className="py-2 text-right tabular-nums">{e.qdScore.toFixed(1)}</td>
                <td className="py-2 text-right tabular-nums">{e.maxFitness?.toFixed(3) ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
