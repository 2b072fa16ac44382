"use client";
/** Curves of several runs overlaid, one chart per metric, with a run picker. */
import { useEffect, useMemo, useState, useTransition } from "react";
import { usePathname, useRouter } from "next/navigation";
import { LineChart } from "@/components/charts/LineChart";
import { METRICS, pointsOf } from "@/components/charts/MetricCurves";
import { Card } from "@/components/ui/Card";
import type { Snapshot } from "@/components/lib/types";
import { BestOfNBadge, RunPicker, type PickerRun } from "./RunPicker";
import { CompareSummary } from "./CompareSummary";
import { BaselinePanel } from "./BaselinePanel";
import { FinalGrids, type FinalArchive } from "./FinalGrids";
import { fmtUsd } from "@/components/lib/format";

/** Okabe–Ito: distinguishable with common colour-vision deficiencies. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"];
const PALETTE_DARK_LAST = "#e2e8f0";

export function CompareView({ runs, selected, snapshots, finals = [], max = 6 }: { runs: PickerRun[]; selected: string[]; snapshots: Record<string, Snapshot[]>; finals?: FinalArchive[]; max?: number }) {
  const router = useRouter();
  const path = usePathname();
  const [pending, start] = useTransition();
  // Optimistic: the boxes follow the click at once; the curves follow when the server has the snapshots.
  const [picked, setPicked] = useState(selected);
  useEffect(() => setPicked(selected), [selected]);
  const colors = useMemo(() => Object.fromEntries(selected.map((id, i) => [id, i === 7 ? PALETTE_DARK_LAST : PALETTE[i % PALETTE.length]!])), [selected]);
  const names = Object.fromEntries(runs.map((r) => [r.id, r.name]));
  const byId = new Map(runs.map((r) => [r.id, r]));
  const withCost = selected.some((id) => (byId.get(id)?.costUsd ?? 0) > 0);
  const baseline = selected.find((id) => byId.get(id)?.strategy === "best-of-n");
  const evolved = selected.find((id) => byId.get(id)?.strategy === "evolve");
  const pickColors = useMemo(() => Object.fromEntries(picked.map((id, i) => [id, colors[id] ?? PALETTE[i % PALETTE.length]!])), [picked, colors]);
  const setIds = (ids: string[]) => {
    setPicked(ids);
    start(() => router.replace(ids.length ? `${path}?ids=${ids.join(",")}` : path, { scroll: false }));
  };
  return (
    <div className="grid gap-6 lg:grid-cols-[300px_minmax(0,1fr)]">
      <Card title="Runs">
        <RunPicker runs={runs} selected={picked} colors={pickColors} onChange={setIds} max={max} />
      </Card>
      <Card
        title="Curves"
        actions={
          <ul className="flex flex-wrap gap-3 text-xs" aria-label="Legend">
            {selected.map((id) => (
              <li key={id} className="flex items-center gap-1.5">
                <span className="inline-block h-0.5 w-4 rounded" style={{ background: colors[id] }} aria-hidden="true" />
                {names[id] ?? id.slice(0, 8)}
                {byId.get(id)?.strategy === "best-of-n" && <BestOfNBadge />}
              </li>
            ))}
          </ul>
        }
      >
        <div aria-busy={pending} className={pending ? "opacity-60 transition-opacity" : ""}>
          {selected.length === 0 ? (
            <p className="py-16 text-center text-sm text-slate-500 dark:text-slate-400">Pick two or more runs on the left to overlay their curves.</p>
          ) : (
            <>
            {baseline && evolved && <BaselinePanel evolve={byId.get(evolved)!} bestOfN={byId.get(baseline)!} snapshots={snapshots} colors={colors} />}
            <div className="grid gap-x-6 gap-y-5 md:grid-cols-2">
              {METRICS.map((m) => (
                <LineChart
                  key={m.key}
                  title={m.title}
                  yFormat={m.format}
                  zero={m.zero}
                  height={220}
                  series={selected.map((id) => ({ name: names[id] ?? id, color: colors[id]!, points: pointsOf(snapshots[id] ?? [], m.key) }))}
                />
              ))}
              {withCost && (
                <div className="md:col-span-2">
                  <LineChart title="Cost (USD)" yFormat={(v) => fmtUsd(v)} zero height={200} series={selected.map((id) => ({ name: names[id] ?? id, color: colors[id]!, points: pointsOf(snapshots[id] ?? [], "costUsd") }))} />
                </div>
              )}
            </div>
            <CompareSummary runs={selected.map((id) => runs.find((r) => r.id === id)).filter((r): r is PickerRun => r != null)} colors={colors} />
            <FinalGrids archives={finals.filter((a) => selected.includes(a.id))} colors={colors} />
            </>
          )}
        </div>
      </Card>
    </div>
  );
}
