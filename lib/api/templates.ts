import { prisma } from "@/lib/db/client";
import type { ExperimentTemplate } from "@/lib/generated/prisma/client";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { ApiError } from "./errors";

/** Saved experiment configurations: the public JSON form and the few operations on them. */
export function templateDto(t: ExperimentTemplate) {
  return { id: t.id, name: t.name, description: t.description, config: t.config as unknown as ExperimentSpec, createdAt: t.createdAt, updatedAt: t.updatedAt };
}

export async function listTemplates() {
  const rows = await prisma.experimentTemplate.findMany({ orderBy: [{ updatedAt: "desc" }, { id: "asc" }], take: 500 });
  return rows.map(templateDto);
}

export async function saveTemplate(b: { name: string; description: string; config: ExperimentSpec; replace: boolean }) {
  const data = { name: b.name, description: b.description, config: b.config as object };
  if (b.replace) {
    const t = await prisma.experimentTemplate.upsert({ where: { name: b.name }, create: data, update: data });
    return templateDto(t);
  }
  try {
    return templateDto(await prisma.experimentTemplate.create({ data }));
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new ApiError(409, `a template named "${b.name}" exists already: choose another name, or send "replace": true to overwrite it`);
    throw error;
  }
}

export async function loadTemplate(id: string) {
  const t = await prisma.experimentTemplate.findUnique({ where: { id } });
  if (!t) throw new ApiError(404, `template ${id} not found`);
  return templateDto(t);
}
