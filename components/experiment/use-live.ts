"use client";
/**
 * Live experiment updates over the API's Server-Sent Events. Messages are
 * queued and applied once per animation frame, so a burst of batches costs one
 * grid redraw and one React render.
 */
import { useEffect, useRef } from "react";
import { endpoints, normalizeSnapshot } from "@/components/lib/api";
import type { ExperimentStatus, Snapshot } from "@/components/lib/types";

export interface Counters {
  evaluations?: number;
  numElites?: number;
  qdScore?: number;
  maxFitness?: number | null;
}

export interface LiveFrame {
  improved: [number, number][];
  counters: Counters | null;
  status: { status: ExperimentStatus; reason: string | null } | null;
  snapshots: Snapshot[];
  hello: Record<string, unknown> | null;
  /** "range": "auto" bounds grew: the archive was re-binned, so cells and axes changed. */
  rebin: boolean;
}

export function useLiveEvents(id: string, after: string | null, onFrame: (frame: LiveFrame) => void, onConnection?: (open: boolean) => void) {
  const cb = useRef(onFrame);
  const conn = useRef(onConnection);
  useEffect(() => {
    cb.current = onFrame;
    conn.current = onConnection;
  });

  useEffect(() => {
    const url = endpoints.events(id) + (after ? `?after=${after}` : "");
    const es = new EventSource(url);
    let frame: LiveFrame = empty();
    let raf = 0;
    const schedule = () => {
      if (raf) return;
      raf = requestAnimationFrame(() => {
        raf = 0;
        const f = frame;
        frame = empty();
        cb.current(f);
      });
    };
    const parse = (e: MessageEvent) => {
      try {
        return JSON.parse(e.data);
      } catch {
        return null;
      }
    };
    es.addEventListener("batch", (e) => {
      const d = parse(e as MessageEvent);
      if (!d) return;
      if (Array.isArray(d.improved)) for (const u of d.improved) frame.improved.push([u[0], u[1]]);
      frame.counters = { evaluations: d.evaluations, numElites: d.numElites, qdScore: d.qdScore, maxFitness: d.maxFitness };
      schedule();
    });
    es.addEventListener("status", (e) => {
      const d = parse(e as MessageEvent);
      if (!d?.status) return;
      frame.status = { status: d.status, reason: d.reason ?? null };
      schedule();
    });
    es.addEventListener("snapshot", (e) => {
      const d = parse(e as MessageEvent);
      if (!d) return;
      frame.snapshots.push(normalizeSnapshot(d));
      schedule();
    });
    es.addEventListener("rebin", () => {
      frame.rebin = true;
      schedule();
    });
    es.addEventListener("hello", (e) => {
      const d = parse(e as MessageEvent);
      if (!d) return;
      frame.hello = d;
      schedule();
    });
    es.onopen = () => conn.current?.(true);
    es.onerror = () => conn.current?.(false);
    return () => {
      es.close();
      if (raf) cancelAnimationFrame(raf);
    };
  }, [id, after]);
}

function empty(): LiveFrame {
  return { improved: [], counters: null, status: null, snapshots: [], hello: null, rebin: false };
}
