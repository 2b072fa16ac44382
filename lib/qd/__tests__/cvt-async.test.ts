import { describe, expect, it } from "vitest";
import { cvtCentroids, cvtCentroidsAsync } from "../archive/kmeans";

describe("cvtCentroidsAsync", () => {
  it("gives exactly the centroids of the synchronous k-means (same seed), pausing along the way", { timeout: 60_000 }, async () => {
    const opts = { k: 50, samples: 5000, lower: [0, -1, 2], upper: [1, 1, 5], seed: 7 };
    const sync = cvtCentroids(opts);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const async = await cvtCentroidsAsync(opts, 1);
    clearInterval(timer);
    expect(async.iterations).toBe(sync.iterations);
    expect(Array.from(async.centroids)).toEqual(Array.from(sync.centroids));
    // The event loop ran other callbacks while it worked.
    expect(ticks).toBeGreaterThan(0);
  });
});
