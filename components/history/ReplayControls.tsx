"use client";
/**
 * The archive-over-time controls: a slider over the archive's accepted writes, play/pause, step, back to
 * live, and export (the current frame as PNG, a PNG sequence, or a WebM recorded from the canvas with
 * MediaRecorder). Takes its state as props; the page moves the heatmap, the curves' cursor and the
 * phylogeny together from `position`.
 */
import { memo, useCallback, useEffect, useRef, useState } from "react";
import { fmtInt } from "@/components/lib/format";
import { buttonClass, primaryButtonClass } from "@/components/ui/Card";

interface Props {
  length: number;
  position: number;
  onPosition(k: number): void;
  /** When the k-th write happened (ms since the epoch). */
  timeAt(k: number): number;
  /** Evaluations done by then (from the metric snapshots), null when unknown. */
  evaluationsAt(k: number): number | null;
  filled: number;
  cells: number;
  /** The heatmap canvas to export. */
  frameCanvas(): HTMLCanvasElement | null;
  onExit(): void;
}

const PLAY_SECONDS = 10;
const SEQUENCE_FRAMES = 24;

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The heatmap with a caption line under it (what moment this frame shows). */
function compose(src: HTMLCanvasElement, caption: string, into?: HTMLCanvasElement): HTMLCanvasElement {
  const dpr = window.devicePixelRatio || 1;
  const bar = Math.round(26 * dpr);
  const c = into ?? document.createElement("canvas");
  if (c.width !== src.width || c.height !== src.height + bar) {
    c.width = src.width;
    c.height = src.height + bar;
  }
  const ctx = c.getContext("2d")!;
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  ctx.fillStyle = dark ? "#0f172a" : "#ffffff";
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(src, 0, 0);
  ctx.fillStyle = dark ? "#e2e8f0" : "#0f172a";
  ctx.font = `${Math.round(13 * dpr)}px ui-sans-serif, system-ui, sans-serif`;
  ctx.fillText(caption, 8 * dpr, src.height + 18 * dpr);
  return c;
}

const toPng = (c: HTMLCanvasElement) => new Promise<Blob>((res, rej) => c.toBlob((b) => (b ? res(b) : rej(new Error("the canvas could not be encoded"))), "image/png"));

export const ReplayControls = memo(function ReplayControls({ length, position, onPosition, timeAt, evaluationsAt, filled, cells, frameCanvas, onExit }: Props) {
  const [playing, setPlaying] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const pos = useRef(position);
  pos.current = position;

  // Play: the whole history in about PLAY_SECONDS, one step per animation frame.
  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const step = Math.max(1, Math.round((length * (now - last)) / (PLAY_SECONDS * 1000)));
      last = now;
      const next = Math.min(length, pos.current + step);
      onPosition(next);
      if (next >= length) return setPlaying(false);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, length, onPosition]);

  const caption = useCallback(
    (k: number) => {
      const ev = evaluationsAt(k);
      return `${new Date(timeAt(k)).toISOString().replace("T", " ").slice(0, 19)} UTC · ${ev != null ? `${fmtInt(ev)} evaluations · ` : ""}write ${fmtInt(k)} of ${fmtInt(length)}`;
    },
    [timeAt, evaluationsAt, length],
  );

  const saveFrame = async () => {
    const src = frameCanvas();
    if (!src) return;
    download(await toPng(compose(src, caption(pos.current))), `archive-${String(pos.current).padStart(7, "0")}.png`);
  };

  const saveSequence = async () => {
    setPlaying(false);
    setBusy("Exporting frames…");
    try {
      for (let f = 0; f < SEQUENCE_FRAMES; f++) {
        const k = Math.round((length * (f + 1)) / SEQUENCE_FRAMES);
        onPosition(k);
        await nextFrame();
        const src = frameCanvas();
        if (!src) break;
        download(await toPng(compose(src, caption(k))), `archive-frame-${String(f + 1).padStart(3, "0")}.png`);
      }
    } finally {
      setBusy(null);
    }
  };

  const canRecord = typeof window !== "undefined" && typeof MediaRecorder !== "undefined" && typeof HTMLCanvasElement.prototype.captureStream === "function";
  const recordWebm = async () => {
    const src0 = frameCanvas();
    if (!src0 || !canRecord) return;
    setPlaying(false);
    setBusy("Recording WebM…");
    try {
      const out = compose(src0, caption(0));
      const stream = out.captureStream(30);
      const type = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm"].find((t) => MediaRecorder.isTypeSupported(t)) ?? "video/webm";
      const rec = new MediaRecorder(stream, { mimeType: type });
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      const done = new Promise<void>((r) => (rec.onstop = () => r()));
      rec.start(250);
      const frames = 90;
      for (let f = 0; f <= frames; f++) {
        const k = Math.round((length * f) / frames);
        onPosition(k);
        await nextFrame();
        const src = frameCanvas();
        if (src) compose(src, caption(k), out);
      }
      rec.stop();
      await done;
      download(new Blob(chunks, { type: "video/webm" }), "archive.webm");
    } finally {
      setBusy(null);
    }
  };

  const ev = evaluationsAt(position);
  const step = Math.max(1, Math.round(length / 100));
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={primaryButtonClass} onClick={() => (position >= length && !playing ? (onPosition(0), setPlaying(true)) : setPlaying((p) => !p))} aria-pressed={playing} disabled={busy != null}>
          {playing ? "Pause" : "Play"}
        </button>
        <button type="button" className={buttonClass} onClick={() => onPosition(Math.max(0, position - step))} aria-label="Step back" disabled={busy != null}>
          ◀
        </button>
        <button type="button" className={buttonClass} onClick={() => onPosition(Math.min(length, position + step))} aria-label="Step forward" disabled={busy != null}>
          ▶
        </button>
        <input
          type="range"
          min={0}
          max={length}
          step={1}
          value={position}
          onChange={(e) => onPosition(Number(e.target.value))}
          aria-label="Archive at write"
          aria-valuetext={caption(position)}
          className="min-w-48 flex-1 accent-indigo-600"
          data-testid="replay-slider"
        />
        <button type="button" className={buttonClass} onClick={onExit}>
          Back to live
        </button>
      </div>
      <p className="text-xs tabular-nums text-slate-600 dark:text-slate-300" data-testid="replay-status">
        {length ? new Date(timeAt(position)).toLocaleString("en-US", { hour12: false }) : "—"} · {ev != null ? `${fmtInt(ev)} evaluations · ` : ""}
        {fmtInt(filled)} / {fmtInt(cells)} cells filled · write {fmtInt(position)} of {fmtInt(length)}
      </p>
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <span className="text-slate-500 dark:text-slate-400">Export:</span>
        <button type="button" className={buttonClass} onClick={() => void saveFrame()} disabled={busy != null}>
          This frame (PNG)
        </button>
        <button type="button" className={buttonClass} onClick={() => void saveSequence()} disabled={busy != null}>
          {SEQUENCE_FRAMES} frames (PNG)
        </button>
        <button type="button" className={buttonClass} onClick={() => void recordWebm()} disabled={busy != null || !canRecord} title={canRecord ? undefined : "This browser cannot record a canvas"}>
          Video (WebM)
        </button>
        {busy && <span className="text-slate-500 dark:text-slate-400">{busy}</span>}
      </div>
    </div>
  );
});
