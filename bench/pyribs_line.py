"""pyribs' sphere.py `line_map_elites` (GridArchive 100x100, one IsoLineEmitter
iso 0.5 / line 0.2 / batch 540, x0 = 0), in process, on a given budget.
Prints one JSON object. The reference for bench/pipeline.ts.

    python3 bench/pyribs_line.py --evaluations 1080000 --dim 100 --seed 1

Run it with glibc malloc tuned (bench/pipeline.ts does) so numpy's batch arrays
stay in the heap: MALLOC_TRIM_THRESHOLD_=1e9 MALLOC_MMAP_THRESHOLD_=1e9 (pyribs at its best).
"""

import argparse
import json
import time

import numpy as np
from ribs.archives import GridArchive
from ribs.emitters import IsoLineEmitter
from ribs.schedulers import Scheduler


def sphere(solutions):
    """pyribs examples/sphere.py `sphere` (objective and measures only)."""
    dim = solutions.shape[1]
    shift = 5.12 * 0.4
    worst = (-5.12 - shift) ** 2 * dim
    raw = np.sum(np.square(solutions - shift), axis=1)
    objectives = (raw - worst) / (0.0 - worst) * 100
    clipped = solutions.copy()
    mask = (clipped < -5.12) | (clipped > 5.12)
    clipped[mask] = 5.12 / clipped[mask]
    measures = np.concatenate(
        (
            np.sum(clipped[:, : dim // 2], axis=1, keepdims=True),
            np.sum(clipped[:, dim // 2 :], axis=1, keepdims=True),
        ),
        axis=1,
    )
    return objectives, measures


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--evaluations", type=int, default=1_080_000)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--batch", type=int, default=540)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    max_bound = a.dim / 2 * 5.12
    archive = GridArchive(solution_dim=a.dim, dims=(100, 100), ranges=[(-max_bound, max_bound)] * 2, seed=a.seed)
    [s] = np.random.SeedSequence(a.seed).spawn(1)
    emitter = IsoLineEmitter(archive, x0=np.zeros(a.dim), iso_sigma=0.5, line_sigma=0.2, batch_size=a.batch, seed=s)
    scheduler = Scheduler(archive, [emitter])
    iterations = -(-a.evaluations // a.batch)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(iterations):
        solutions = scheduler.ask()
        objectives, measures = sphere(solutions)
        scheduler.tell(objectives, measures)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    evaluations = iterations * a.batch
    stats = archive.stats
    print(
        json.dumps(
            {
                "evaluations": evaluations,
                "seconds": round(seconds, 3),
                "cpuSeconds": round(cpu_seconds, 3),
                "evalsPerSec": round(evaluations / seconds),
                # pyribs' normalized QD-score: qd_score / cells (offset 0 for this objective in [0, 100]).
                "normQdScore": float(stats.norm_qd_score),
                "coverage": float(stats.coverage),
            }
        )
    )


if __name__ == "__main__":
    main()
