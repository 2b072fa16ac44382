"use client";
/**
 * Live experiment updates over the API's Server-Sent Events. Messages are
 * queued and applied once per animation frame, so a burst of batches costs one
 * grid redraw and one React render. The messages' schemas (zod) load with the stream, not with the page:
 * they are not needed for the first paint, and zod is the largest library the page would otherwise parse
 * before it is interactive.
 */
import { useEffect, useRef } from "react";
import { endpoints, normalizeSnapshot } from "@/components/lib/api";
import type { ExperimentStatus, Snapshot } from "@/components/lib/types";
import type { z } from "zod";
import type { EVENT_SCHEMAS, EventType } from "@/lib/api/event-payloads";

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
    let closed = false;
    let es: EventSource | null = null;
    let raf = 0;
    const open = (schemas: typeof EVENT_SCHEMAS) => {
      const url = endpoints.events(id) + (after ? `?after=${after}` : "");
      const source = new EventSource(url);
      let frame: LiveFrame = empty();
      const schedule = () => {
        if (raf) return;
        raf = requestAnimationFrame(() => {
          raf = 0;
          const f = frame;
          frame = empty();
          cb.current(f);
        });
      };
      // Every message is checked against its schema; one of another shape is dropped, not drawn.
      const on = <T extends EventType>(type: T, apply: (d: z.infer<(typeof schemas)[T]>) => void) =>
        source.addEventListener(type, (e) => {
          let json: unknown;
          try {
            json = JSON.parse((e as MessageEvent).data);
          } catch {
            return;
          }
          const parsed = schemas[type].safeParse(json);
          if (!parsed.success) return;
          apply(parsed.data as z.infer<(typeof schemas)[T]>);
          schedule();
        });
      on("batch", (d) => {
        for (const u of d.improved) frame.improved.push(u);
        frame.counters = { evaluations: d.evaluations, numElites: d.numElites, qdScore: d.qdScore, maxFitness: d.maxFitness };
      });
      on("status", (d) => (frame.status = { status: d.status as ExperimentStatus, reason: d.reason }));
      on("snapshot", (d) => frame.snapshots.push(normalizeSnapshot(d)));
      on("hello", (d) => (frame.hello = d));
      on("rebin", () => (frame.rebin = true));
      source.onopen = () => conn.current?.(true);
      source.onerror = () => conn.current?.(false);
      return source;
    };
    void import("@/lib/api/event-payloads").then(({ EVENT_SCHEMAS: schemas }) => {
      if (!closed) es = open(schemas);
    });
    return () => {
      closed = true;
      es?.close();
      if (raf) cancelAnimationFrame(raf);
    };
  }, [id, after]);
}

function empty(): LiveFrame {
  return { improved: [], counters: null, status: null, snapshots: [], hello: null, rebin: false };
}
