import type { Metadata } from "next";
import { NewExperimentForm } from "@/components/form/NewExperimentForm";

export const metadata: Metadata = { title: "New experiment" };

export default function NewExperimentPage() {
  return (
    <div className="mx-auto max-w-4xl">
      <h1 className="text-2xl font-semibold tracking-tight">New experiment</h1>
      <p className="mb-8 mt-1 text-sm text-slate-600 dark:text-slate-400">Define a MAP-Elites run. It starts as soon as you create it; you can pause, resume or cancel it from its page.</p>
      <NewExperimentForm />
    </div>
  );
}
