"use client";
import { useEffect, useRef, useState } from "react";
import { runInStages } from "./stages";

/**
 * How many of a page's staged parts are mounted: 0 on the server and at hydration, then one more per idle period
 * once the page has painted. `loads[k]` runs before part k + 1 mounts (its chunk; null when the part is not
 * shown); the list's length is fixed, its entries are read when their stage comes.
 */
export function useStages(loads: readonly (() => Promise<unknown> | null)[]): number {
  const [stage, setStage] = useState(0);
  const latest = useRef(loads);
  useEffect(() => {
    latest.current = loads;
  });
  const count = loads.length;
  useEffect(
    () =>
      runInStages(count, (k) => {
        // A mark per stage: bench/dashboard.ts attributes long tasks to the stage that ran before them.
        const mount = () => {
          performance.mark(`qd-stage-${k}`);
          setStage(k);
        };
        const loading = latest.current[k - 1]?.();
        // A failed chunk mounts anyway: the panel's own loader shows the failure.
        return loading ? loading.then(mount, mount) : mount();
      }),
    [count],
  );
  return stage;
}
