#!/usr/bin/env python3
"""pyribs' sphere example, ported to QD Studio by changing how the scheduler is built.

pyribs (https://docs.pyribs.org/en/stable/tutorials/quickstart.html):

    archive = GridArchive(solution_dim=100, dims=[100, 100], ranges=[(-256, 256), (-256, 256)])
    emitters = [IsoLineEmitter(archive, x0=[0.0] * 100, iso_sigma=0.1, line_sigma=0.2, batch_size=36) for _ in range(15)]
    scheduler = Scheduler(archive, emitters)

QD Studio (the archive and the emitters live on the server; this process evaluates):

    client = qdstudio.Client("http://127.0.0.1:3000")
    exp = client.create_experiment({... the same archive and emitter ...}, start=True)
    scheduler = client.scheduler(exp, batch_size=540)

and the loop is unchanged:

    for itr in range(iterations):
        sols = scheduler.ask()
        objective, measures = sphere(sols)
        scheduler.tell(objective, measures)

    python3 examples/python/pyribs_port.py --url http://127.0.0.1:3000 --iterations 100
    python3 examples/python/pyribs_port.py --batch 10000 --budget 500000 --json   # throughput (bench/python-client.ts)

Needs numpy (as pyribs does) and the qdstudio package (pip install ./clients/python).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

try:
    import qdstudio
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))
    import qdstudio


def sphere(solution_batch):
    """pyribs' sphere benchmark: objective normalised to [0, 100], measures = sums of the clipped halves."""
    dim = solution_batch.shape[1]
    target_shift = 5.12 * 0.4
    best_obj = 0.0
    worst_obj = (-5.12 - target_shift) ** 2 * dim
    raw_obj = np.sum(np.square(solution_batch - target_shift), axis=1)
    objective_batch = (raw_obj - worst_obj) / (best_obj - worst_obj) * 100

    clipped = solution_batch.copy()
    clip_mask = (clipped < -5.12) | (clipped > 5.12)
    clipped[clip_mask] = 5.12 / clipped[clip_mask]
    measures_batch = np.concatenate(
        (np.sum(clipped[:, : dim // 2], axis=1, keepdims=True), np.sum(clipped[:, dim // 2 :], axis=1, keepdims=True)),
        axis=1,
    )
    return objective_batch, measures_batch


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default=os.environ.get("QD_STUDIO_URL", "http://127.0.0.1:3000"))
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--batch", type=int, default=540, help="solutions per ask (pyribs: 15 emitters x 36)")
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--budget", type=int, help="evaluations (default: iterations x batch)")
    p.add_argument("--prefetch", action="store_true", help="ask for the next batch while this one is evaluated")
    p.add_argument("--ask-encoding", default="binary", choices=["binary", "base64"], help="how ask answers travel (base64: the JSON form)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print one JSON object (figures) instead of progress")
    args = p.parse_args()
    budget = args.budget or args.iterations * args.batch
    bound = args.dim / 2 * 5.12

    client = qdstudio.Client(args.url)
    exp = client.create_experiment(
        {
            "name": "pyribs sphere %d-D (python)" % args.dim,
            "domain": {"type": "external", "dim": args.dim, "bounds": [-5.12, 5.12]},
            "descriptors": [{"name": "m0", "min": -bound, "max": bound, "bins": 100}, {"name": "m1", "min": -bound, "max": bound, "bins": 100}],
            "emitter": {"type": "iso-line", "isoSigma": 0.1, "lineSigma": 0.2},
            "batchSize": args.batch,
            "budget": {"evaluations": budget},
            "seed": args.seed,
        },
        start=True,
    )
    scheduler = client.scheduler(exp, batch_size=args.batch, prefetch=args.prefetch, ask_encoding=args.ask_encoding)

    t_eval = 0.0
    started = time.perf_counter()
    cpu_started = time.process_time()
    itr = 0
    while not scheduler.done:
        sols = scheduler.ask()
        if len(sols) == 0:
            break
        t0 = time.perf_counter()
        objective, measures = sphere(sols)
        t_eval += time.perf_counter() - t0
        scheduler.tell(objective, measures)
        itr += 1
        if not args.json and (itr % 25 == 0 or scheduler.done):
            print("iteration %4d  evaluations %8d  elites %5d" % (itr, scheduler.evaluations, scheduler.num_elites), flush=True)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    final = client.get_experiment(exp)
    figures = {
        "experimentId": exp["id"],
        "dim": args.dim,
        "batch": args.batch,
        "prefetch": args.prefetch,
        "askEncoding": args.ask_encoding,
        "evaluations": scheduler.evaluations,
        "seconds": round(seconds, 3),
        "evaluationsPerSecond": round(scheduler.evaluations / seconds, 1),
        "pythonEvalSeconds": round(t_eval, 3),
        "pythonCpuMicrosPerEvaluation": round(cpu / max(scheduler.evaluations, 1) * 1e6, 1),
        "coverage": round(final["metrics"]["coverage"], 4),
        "qdScore": round(final["metrics"]["qdScore"], 1),
        "maxFitness": final["metrics"]["maxFitness"],
        "status": final["status"],
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print("done: %(evaluations)d evaluations in %(seconds).1f s (%(evaluationsPerSecond).0f/s), coverage %(coverage).3f, QD score %(qdScore).1f" % figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
