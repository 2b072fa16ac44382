"use client";
import { memo } from "react";
/** The four run curves: QD-score, coverage, max and mean fitness against evaluations. */
import { fmtNum, fmtUsd } from "@/components/lib/format";
import type { Snapshot } from "@/components/lib/types";
import { thin } from "@/components/lib/thin";
import { LineChart } from "./LineChart";

export const METRICS: { key: keyof Snapshot; title: string; format: (v: number) => string; zero: boolean }[] = [
  { key: "qdScore", title: "QD-score", format: (v) => fmtNum(v), zero: true },
  { key: "coverage", title: "Coverage", format: (v) => `${(100 * v).toFixed(1)}%`, zero: true },
  { key: "maxFitness", title: "Max fitness", format: (v) => fmtNum(v, 4), zero: false },
  { key: "meanFitness", title: "Mean fitness", format: (v) => fmtNum(v, 4), zero: false },
];

export function pointsOf(snapshots: Snapshot[], key: keyof Snapshot) {
  snapshots = thin(snapshots, 1000);
  const out: { x: number; y: number }[] = [];
  for (const s of snapshots) {
    const v = s[key];
    if (typeof v === "number" && Number.isFinite(v)) out.push({ x: s.evaluations, y: v });
  }
  return out;
}

/** LLM runs (`cost`): a fifth, full-width curve of the money spent. */
/** `cursor`: evaluations at the archive replay's moment (a line on every curve), null when live. */
export const MetricCurves = memo(function MetricCurves({ snapshots, cost = false, cursor = null }: { snapshots: Snapshot[]; cost?: boolean; cursor?: number | null }) {
  const costPoints = cost ? pointsOf(snapshots, "costUsd") : [];
  return (
    <div className="grid gap-x-6 gap-y-4 sm:grid-cols-2">
      {METRICS.map((m) => (
        <LineChart key={m.key} title={m.title} yFormat={m.format} zero={m.zero} series={[{ name: m.title, color: "#6366f1", points: pointsOf(snapshots, m.key) }]} cursorX={cursor} />
      ))}
      {cost && (
        <div className="sm:col-span-2" data-testid="cost-curve">
          <LineChart title="Cost (USD)" yFormat={(v) => fmtUsd(v)} zero series={[{ name: "Cost", color: "#d97706", points: costPoints }]} cursorX={cursor} />
        </div>
      )}
    </div>
  );
});
