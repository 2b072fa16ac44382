import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ExperimentView } from "@/components/experiment/ExperimentView";
import { experimentRow, loadInitial } from "./data";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }>; searchParams: Promise<{ cell?: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  return { title: (await experimentRow(id))?.name ?? "Experiment" };
}

// One document, not a streamed shell: tried (Suspense around the view, ExperimentSkeleton as fallback), the first
// byte came sooner but the archive's chunk later, and interactive was 30–40% later at load ~14 (README).
export default async function ExperimentPage({ params, searchParams }: Params) {
  const [{ id }, { cell }] = await Promise.all([params, searchParams]);
  const initial = await loadInitial(id);
  if (!initial) notFound();
  const c = cell !== undefined && /^\d+$/.test(cell) ? Number(cell) : null;
  return <ExperimentView key={id} initial={initial} initialCell={c != null && c < initial.archive.cells ? c : null} />;
}
