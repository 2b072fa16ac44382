/**
 * The archive registry: every archive kind, in the order the form and messages list them.
 * Adding a kind = its module in this folder + one line here (+ its tests).
 */
import type { z } from "zod";
import { kindUnion } from "../kind";
import { cvt } from "./cvt";
import { density } from "./density";
import { discount } from "./discount";
import { grid } from "./grid";
import { proximity } from "./proximity";
import type { ArchiveKind, SearchArchiveContext, StatefulSearchArchive } from "./types";

export const ARCHIVES = [grid, cvt, proximity, density, discount] as const;

export const ArchiveConfig = kindUnion("archive", ARCHIVES);
export type ArchiveConfig = z.infer<typeof ArchiveConfig>;

export type { ArchiveKind, ArchiveDistributedMode, DeltaSearchArchive, SearchArchiveContext, StatefulSearchArchive } from "./types";
export { hasDeltas } from "./types";

export function archiveKindOf(a: { type: string }): ArchiveKind {
  const k = (ARCHIVES as readonly ArchiveKind[]).find((m) => m.type === a.type);
  if (!k) throw new Error(`unknown archive type "${a.type}"`);
  return k;
}

/** Archives that steer the search and keep their own state beside the result grid (proximity, density, discount). */
export const isSearchArchiveConfig = (a: { type: string }) => {
  const k = (ARCHIVES as readonly ArchiveKind[]).find((m) => m.type === a.type);
  return !!k && k.distributed !== "cells";
};

/** The engine search archive of a distributed run. */
export function createSearchArchive(a: { type: string }, ctx: SearchArchiveContext): StatefulSearchArchive {
  const k = archiveKindOf(a);
  if (!k.createSearch) throw new Error(`archive "${a.type}" has no distributed search archive`);
  return k.createSearch(k.schema.parse(a), ctx);
}
