import type { Metadata } from "next";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { ExperimentView } from "@/components/experiment/ExperimentView";
import { ExperimentSkeleton } from "@/components/experiment/ExperimentSkeleton";
import { experimentRow, loadInitial } from "./data";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }>; searchParams: Promise<{ cell?: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  return { title: (await experimentRow(id))?.name ?? "Experiment" };
}

/**
 * The page's shell (layout, the experiment's name, placeholders) goes out as soon as the experiment row is
 * read, so the browser fetches and compiles the page's scripts while the archive is read; the view streams in
 * after it (Suspense). An unknown id is still a 404: the row is read before anything is sent.
 */
export default async function ExperimentPage({ params, searchParams }: Params) {
  const [{ id }, { cell }] = await Promise.all([params, searchParams]);
  const row = await experimentRow(id);
  if (!row) notFound();
  const c = cell !== undefined && /^\d+$/.test(cell) ? Number(cell) : null;
  return (
    <Suspense fallback={<ExperimentSkeleton name={row.name} />}>
      <LoadedExperiment id={id} cell={c} />
    </Suspense>
  );
}

async function LoadedExperiment({ id, cell }: { id: string; cell: number | null }) {
  const initial = await loadInitial(id);
  if (!initial) notFound();
  return <ExperimentView key={id} initial={initial} initialCell={cell != null && cell < initial.archive.cells ? cell : null} />;
}
