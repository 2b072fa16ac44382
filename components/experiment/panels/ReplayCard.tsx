/** Archive over time: the button that starts the replay, then its controls. */
import { ReplayControls } from "@/components/history/ReplayControls";
import { buttonClass, Card } from "@/components/ui/Card";
import type { ReplayState } from "../use-replay";

export function ReplayCard({ r, cells, frameCanvas }: { r: ReplayState; cells: number; frameCanvas(): HTMLCanvasElement | null }) {
  return (
    <Card title="Archive over time" id="replay">
      {!r.on ? (
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
          <button type="button" className={buttonClass} onClick={r.start}>
            Replay the archive
          </button>
          <span className="text-xs text-slate-500 dark:text-slate-400">Scrub or play the archive&apos;s history: the grid, the curves&apos; cursor and the phylogeny follow.</span>
        </div>
      ) : r.error ? (
        <p className="text-sm text-red-600 dark:text-red-400">Could not load the history: {r.error}</p>
      ) : r.replay && r.position != null ? (
        <ReplayControls
          length={r.replay.length}
          position={r.position}
          onPosition={r.seek}
          timeAt={r.timeAt}
          evaluationsAt={r.evaluationsAt}
          filled={r.replay.filled}
          cells={cells}
          frameCanvas={frameCanvas}
          onExit={r.exit}
        />
      ) : (
        <p className="text-sm text-slate-500">Loading the archive&apos;s history…</p>
      )}
    </Card>
  );
}
