import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db/client";
import { NewExperimentForm } from "@/components/form/NewExperimentForm";
import { presetFromConfig, type FormPreset } from "@/components/form/preset";

export const metadata: Metadata = { title: "New experiment" };
export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Search = Promise<{ from?: string; template?: string }>;

/** ?from=<experiment id> clones a run; ?template=<id> starts from a saved template. */
export default async function NewExperimentPage({ searchParams }: { searchParams: Search }) {
  const { from, template } = await searchParams;
  const [source, tpl, templates] = await Promise.all([
    from && UUID.test(from) ? prisma.experiment.findUnique({ where: { id: from }, select: { id: true, name: true, config: true } }) : null,
    template && UUID.test(template) ? prisma.experimentTemplate.findUnique({ where: { id: template } }) : null,
    prisma.experimentTemplate.findMany({ orderBy: { updatedAt: "desc" }, take: 500, select: { id: true, name: true, description: true } }),
  ]);
  let preset: FormPreset | undefined;
  if (source) preset = presetFromConfig(source.config as Record<string, unknown>, `${source.name} (copy)`);
  else if (tpl) preset = presetFromConfig(tpl.config as Record<string, unknown>);
  const missing = (from && !source) || (template && !tpl);
  return (
    <div className="mx-auto max-w-4xl">
      <h1 className="text-2xl font-semibold tracking-tight">{source ? "Clone experiment" : "New experiment"}</h1>
      <p className="mb-8 mt-1 text-sm text-slate-600 dark:text-slate-400">
        {source ? (
          <>
            Every field starts from{" "}
            <Link href={`/experiments/${source.id}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              {source.name}
            </Link>
            ; change what you want to vary, then create the new run.
          </>
        ) : tpl ? (
          <>
            Every field starts from the template <span className="font-medium text-slate-900 dark:text-slate-100">{tpl.name}</span>
            {tpl.description && <> ({tpl.description})</>}.
          </>
        ) : (
          "Define a MAP-Elites run. It starts as soon as you create it; you can pause, resume or cancel it from its page."
        )}
      </p>
      {missing && (
        <p role="alert" className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900/70 dark:bg-amber-950/40 dark:text-amber-100">
          {from ? "The experiment to clone was not found (deleted?)" : "The template was not found (deleted?)"}: the form starts from the defaults.
        </p>
      )}
      <NewExperimentForm key={source?.id ?? tpl?.id ?? "blank"} preset={preset} templates={templates} templateId={tpl?.id ?? null} />
    </div>
  );
}
