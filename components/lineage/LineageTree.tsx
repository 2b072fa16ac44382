"use client";
/**
 * Ancestry of an elite as a D3 tree: the chain of first parents back to the
 * first ancestor (left) up to the elite (right); second parents (iso-line's
 * line direction, or an LLM crossover's parent B) hang off as side branches.
 * LLM runs: under each node, the rule that chose its parent(s). Click a node to inspect it.
 */
import { useEffect, useMemo, useRef, memo } from "react";
import { hierarchy, linkHorizontal, type HierarchyNode } from "d3";
import { cssColor } from "@/components/archive/colors";
import { fmtNum } from "@/components/lib/format";
import type { LineageNode } from "@/components/lib/types";
import { parentChoiceLabel, selectionShort } from "./selection";

interface Props {
  steps: LineageNode[];
  complete: boolean;
  inspected: string | null;
  min: number;
  max: number;
  onInspect(id: string): void;
  /** Label each step with the operator that made it (program, text and JSON runs: seed, llm-diff, ...). */
  showOperators?: boolean;
}

/** Short operator names that fit between two nodes. */
const shortOp = (op: string) => op.replace(/^llm-/, "").replace(/^javascript-mutation$/, "mutate");

interface TNode {
  id: string;
  step: LineageNode | null;
  side: boolean;
  /** Side branch: the child it is a second parent of. */
  of?: LineageNode;
  children: TNode[];
}

const COL = 52;
const ROW = 30;
const PAD = { x: 40, y: 24 };

interface Placed {
  node: HierarchyNode<TNode>;
  x: number;
  y: number;
}

export const LineageTree = memo(function LineageTree({ steps, complete, inspected, min, max, onInspect, showOperators = false }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const layout = useMemo(() => {
    if (!steps.length) return null;
    const build = (i: number): TNode => {
      const s = steps[i]!;
      const children: TNode[] = [];
      if (i + 1 < steps.length) children.push(build(i + 1));
      for (const p of s.parentIds.slice(1)) children.push({ id: p, step: null, side: true, of: s, children: [] });
      return { id: s.id, step: s, side: false, children };
    };
    // The chain of first parents runs along one line, oldest ancestor on the left;
    // second parents hang just below the child that used them.
    const root = hierarchy(build(0));
    const nodes = root.descendants();
    const chainDepth = steps.length - 1;
    const sideTop = showOperators ? (steps.some((s) => s.selection) ? 58 : 46) : ROW;
    const placed = new Map<HierarchyNode<TNode>, Placed>();
    for (const n of nodes) {
      const depth = n.data.side ? n.depth - 1 : n.depth;
      const sideIndex = n.data.side && n.parent ? n.parent.children!.filter((c) => c.data.side).indexOf(n) : -1;
      // With labels under the chain (operator, selection rule), second parents hang below them.
      placed.set(n, { node: n, x: PAD.x + (chainDepth - depth) * COL - (n.data.side ? COL / 2 : 0), y: PAD.y + (n.data.side ? sideTop + ROW * sideIndex : 0) });
    }
    const links = root.links().map((l) => {
      const source = placed.get(l.source)!;
      const target = placed.get(l.target)!;
      // A second parent's dashed link starts under the child's labels, not through them.
      return { source: target.node.data.side && showOperators ? { ...source, y: target.y - 8 } : source, target };
    });
    const maxSide = Math.max(0, ...nodes.filter((n) => n.data.side).map((n) => placed.get(n)!.y - PAD.y));
    const selections = steps.some((s) => s.selection);
    const labels = PAD.y + 26 + (showOperators ? 12 : 0) + (selections ? 11 : 0);
    return { placed: [...placed.values()], links, selections, width: 2 * PAD.x + chainDepth * COL, height: Math.max(labels, maxSide > 0 ? PAD.y + maxSide + 14 : 0) };
  }, [steps, showOperators]);

  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollLeft = el.scrollWidth;
  }, [layout]);

  if (!layout) return null;
  const link = linkHorizontal<{ source: Placed; target: Placed }, Placed>()
    .x((p) => p.x)
    .y((p) => p.y);

  return (
    <div>
      <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">
        {steps.length - 1} generation{steps.length === 2 ? "" : "s"} back to {complete ? "the first ancestor" : "the oldest stored ancestor"}. {showOperators
          ? `Under each: its fitness and the operator that made it (seed, diff, full rewrite, crossover, mutate)${layout.selections ? ", then the parent-selection rule that chose its parent(s)" : ""}; hollow dots: crossover's second parents`
          : `Filled dots: the chain of mutated parents${steps.some((st) => st.parentIds.length > 1) ? "; hollow: second parents (line direction)" : ""}`}. Click one to inspect it.
      </p>
      <div ref={scroller} className="overflow-x-auto pb-2">
        <svg width={Math.max(layout.width, 200)} height={layout.height} role="group" aria-label="Lineage tree">
          <g fill="none" className="stroke-slate-300 dark:stroke-slate-600" strokeWidth={1.25}>
            {layout.links.map((l, i) => (
              <path key={i} d={link(l) ?? ""} strokeDasharray={l.target.node.data.side ? "3 3" : undefined} />
            ))}
          </g>
          {layout.placed.map(({ node: n, x, y }, i) => {
            const s = n.data.step;
            const isInspected = inspected === n.data.id;
            const chosen = s ? selectionShort(s.selection) : null;
            const sideChoice = !s && n.data.of ? parentChoiceLabel(n.data.of.selection, n.data.of.parentIds.indexOf(n.data.id)) : null;
            const label = s
              ? `${n.depth === 0 ? "Selected elite" : `Ancestor ${n.depth}`}: fitness ${fmtNum(s.fitness, 4)}, ${s.operator}${s.cell != null ? `, cell ${s.cell}` : ""}${s.selection ? `, parent${s.parentIds.length > 1 ? "s" : ""} chosen by ${s.selection.parents.map((_, j) => parentChoiceLabel(s.selection, j)).join(" and ")}` : ""}`
              : `${n.data.of?.selection?.crossover ? "Crossover parent B" : "Second parent"} ${n.data.id.slice(0, 8)}${sideChoice ? `, chosen by ${sideChoice}` : ""}`;
            return (
              <g
                key={`${n.data.id}-${i}`}
                transform={`translate(${x},${y})`}
                role="button"
                tabIndex={0}
                aria-label={label}
                aria-pressed={isInspected}
                className="cursor-pointer outline-none [&:focus-visible_circle]:stroke-indigo-500"
                onClick={() => onInspect(n.data.id)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    onInspect(n.data.id);
                  }
                }}
              >
                <title>{label}</title>
                {isInspected && <circle r={11} className="fill-none stroke-orange-500" strokeWidth={2} />}
                {s ? (
                  <circle r={n.depth === 0 ? 8 : 6.5} fill={s.fitness != null ? cssColor(s.fitness, min, max) : "#94a3b8"} className="stroke-white dark:stroke-slate-900" strokeWidth={1.5} />
                ) : (
                  <circle r={4.5} className="fill-white stroke-slate-400 dark:fill-slate-900 dark:stroke-slate-500" strokeWidth={1.5} />
                )}
                {s && (
                  <text y={n.depth === 0 ? 21 : 19} textAnchor="middle" className="fill-slate-600 text-[10px] tabular-nums dark:fill-slate-300">
                    {fmtNum(s.fitness, 3)}
                  </text>
                )}
                {n.depth === 0 && s && (
                  <text y={-13} textAnchor="middle" className="fill-slate-800 text-[10px] font-semibold dark:fill-slate-100">
                    elite
                  </text>
                )}
                {showOperators && s && (
                  <text y={n.depth === 0 ? 33 : 31} textAnchor="middle" className="fill-slate-500 font-mono text-[9px] dark:fill-slate-400" data-testid="lineage-operator">
                    {shortOp(s.operator)}
                  </text>
                )}
                {showOperators && chosen && (
                  <text y={n.depth === 0 ? 44 : 42} textAnchor="middle" className="fill-indigo-600 font-mono text-[8px] dark:fill-indigo-300" data-testid="lineage-selection">
                    {chosen}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
});
