import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ExperimentView } from "@/components/experiment/ExperimentView";
import { loadInitial } from "./data";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }>; searchParams: Promise<{ cell?: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  const { prisma } = await import("@/lib/db/client");
  const e = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.experiment.findUnique({ where: { id }, select: { name: true } }) : null;
  return { title: e?.name ?? "Experiment" };
}

export default async function ExperimentPage({ params, searchParams }: Params) {
  const [{ id }, { cell }] = await Promise.all([params, searchParams]);
  const initial = await loadInitial(id);
  if (!initial) notFound();
  const c = cell !== undefined && /^\d+$/.test(cell) ? Number(cell) : null;
  return <ExperimentView key={id} initial={initial} initialCell={c != null && c < initial.archive.cells ? c : null} />;
}
