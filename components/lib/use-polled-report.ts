"use client";
/** A run's report from the API, fetched when shown and refreshed every `everyMs` while the run is live. */
import { useEffect, useState } from "react";
import { api, ApiError } from "./api";

export function usePolledReport<T>(url: string, enabled: boolean, active: boolean, refreshKey: unknown, everyMs: number) {
  const [report, setReport] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active || !enabled) return;
    const t = setInterval(() => setTick((x) => x + 1), everyMs);
    return () => clearInterval(t);
  }, [active, enabled, everyMs]);
  useEffect(() => {
    if (!enabled) return;
    let stop = false;
    api<T>(url)
      .then((r) => !stop && (setReport(r), setError(null)))
      .catch((e) => !stop && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      stop = true;
    };
  }, [url, enabled, tick, refreshKey]);
  return { report, error };
}
