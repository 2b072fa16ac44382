"use client";
import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "@/components/lib/api";
import type { PhyloData } from "./data";
import { rememberLayout } from "./layout";
import { loadPhylogeny } from "./load";
import type { LoaderReply, LoaderRequest } from "./loader-protocol";

export { PHYLOGENY_CAP } from "./load";

export interface PhylogenyState {
  data: PhyloData | null;
  total: number;
  loading: boolean;
  error: string | null;
  /** ms since the epoch of the last completed load (null before the first). */
  loadedAt: number | null;
}

/**
 * Download, decode and lay out the tree in a Web Worker (a 100,000-node tree is ~8 MB of JSON and ~100 ms of
 * layout: on the main thread, each live reload was a long task); in the page where workers are missing.
 */
async function loadAll(id: string, stop: () => boolean): Promise<{ data: PhyloData; total: number } | null> {
  if (typeof Worker === "undefined") return loadPhylogeny(id, (url) => api(url), stop);
  const worker = new Worker(new URL("./load.worker.ts", import.meta.url), { type: "module" });
  try {
    const reply = await new Promise<LoaderReply>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<LoaderReply>) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message || "the phylogeny loader failed"));
      worker.postMessage({ id } satisfies LoaderRequest);
    });
    if (stop()) return null;
    if (!reply.ok) throw new ApiError(reply.message, reply.status ?? 0);
    rememberLayout(reply.data, reply.layout);
    return { data: reply.data, total: reply.total };
  } finally {
    worker.terminate();
  }
}

/**
 * Loads the phylogeny page by page while `enabled`; `refreshKey` changes reload it (e.g. a run finished).
 * `live` (a running run): reloads when `archiveVersion` moved since the last load, at most every
 * `everyMs` and never more often than ten times the last load took (a 100,000-node tree is a big read);
 * the old tree stays on screen until the new one is in.
 */
export function usePhylogeny(id: string, enabled: boolean, refreshKey: string, live = false, archiveVersion = 0, everyMs = 4000): PhylogenyState {
  const [state, setState] = useState<PhylogenyState>({ data: null, total: 0, loading: false, error: null, loadedAt: null });
  const version = useRef(archiveVersion);
  version.current = archiveVersion;
  const loadedVersion = useRef(-1);
  const lastLoadMs = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const stop = () => stopped;
    const load = async () => {
      const v = version.current;
      const t0 = performance.now();
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const got = await loadAll(id, stop);
        if (!got || stopped) return;
        lastLoadMs.current = performance.now() - t0;
        loadedVersion.current = v;
        setState({ data: got.data, total: got.total, loading: false, error: null, loadedAt: Date.now() });
      } catch (e) {
        if (!stopped) setState((s) => ({ ...s, loading: false, error: (e as Error).message }));
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      if (stopped || !live) return;
      timer = setTimeout(async () => {
        if (version.current !== loadedVersion.current) await load();
        next();
      }, Math.max(everyMs, 10 * lastLoadMs.current));
    };
    void load().then(next);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, enabled, refreshKey, live, everyMs]);
  return state;
}
