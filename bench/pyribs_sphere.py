"""pyribs' own sphere.py rows, one per algorithm family, in process, for a
given number of iterations: the same-machine reference of bench/engine.ts.
Prints one JSON object (seconds and CPU seconds of the timed iterations,
normalized QD-score and coverage of the result archive, and with --curve K
the coverage every K iterations).

    python3 bench/pyribs_sphere.py --row dds --iterations 300 --warmup 10 --seed 1

Rows (pyribs examples/sphere.py CONFIG, LP sphere 100-D, 100x100 grid,
x0 = 0): cma_mega, omg_mega (gradient), me_map_elites (bandit), nslc
(novelty), dds (density), dms (discount: needs torch). The configurations are
restated from sphere.py so the script needs no matplotlib/loguru/fire.

Set-up: pyribs is not packaged; README "Benchmarks" says how to install it
from source into a virtualenv (/tmp/ribs) that sees a Python 3.11 with
numpy >= 2 and scipy. The dms row also needs torch: a CPU build is enough,

    /tmp/ribs/bin/pip install --no-index --find-links /opt/wheels torch

pyribs >= 0.10 (DiscountArchive, ribs.discount_models) needs numpy >= 2,
so Debian's python3-torch 1.13 (built against numpy 1.x, for /usr/bin/python3
with numpy 1.24) cannot serve. Then

    npm run bench -- engine --only sphere100Dms --python /tmp/ribs/bin/python

bench/engine.ts runs this script with one BLAS/OpenMP thread; the script also
pins torch to one thread, as the engine is one.
"""

import argparse
import json
import sys
import time

import numpy as np
from ribs.archives import DensityArchive, GridArchive, ProximityArchive
from ribs.emitters import (
    EvolutionStrategyEmitter,
    GradientArborescenceEmitter,
    GradientOperatorEmitter,
    IsoLineEmitter,
)
from ribs.schedulers import BanditScheduler, Scheduler

try:  # Only the dms row needs torch (and pyribs >= 0.10).
    import torch
    from ribs.archives import DiscountArchive
    from ribs.discount_models import MLP, DiscountModelManager

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
except ImportError as e:
    torch = None
    TORCH_ERROR = str(e)

SHIFT = 5.12 * 0.4


def sphere(solutions, grads):
    """LP sphere: normalized objective, clipped-sum measures, and optionally
    their gradients (objective: -2(x - s); measures: 1 or -5.12/x^2)."""
    dim = solutions.shape[1]
    worst = (-5.12 - SHIFT) ** 2 * dim
    raw = np.sum(np.square(solutions - SHIFT), axis=1)
    objectives = (raw - worst) / (0.0 - worst) * 100
    clipped = solutions.copy()
    mask = (clipped < -5.12) | (clipped > 5.12)
    clipped[mask] = 5.12 / clipped[mask]
    half = dim // 2
    measures = np.stack((clipped[:, :half].sum(axis=1), clipped[:, half:].sum(axis=1)), axis=1)
    if not grads:
        return objectives, measures, None
    d = np.ones(solutions.shape)
    d[mask] = -5.12 / np.square(solutions[mask])
    m0 = d.copy()
    m0[:, half:] = 0
    m1 = d
    m1[:, :half] = 0
    jac = np.stack((-2 * (solutions - SHIFT), m0, m1), axis=1)
    return objectives, measures, jac


def build(row, dim, seed):
    """(scheduler, result archive, is_dqd) for one sphere.py row."""
    b = dim / 2 * 5.12
    ranges = [(-b, b), (-b, b)]
    x0 = np.zeros(dim)
    grid = lambda: GridArchive(solution_dim=dim, dims=(100, 100), ranges=ranges, seed=seed)
    seeds = lambda n: np.random.SeedSequence(seed).spawn(n)

    def es(archive, n, **kw):
        return [EvolutionStrategyEmitter(archive, x0=x0, batch_size=36, seed=s, **kw) for s in seeds(n)]

    if row == "cma_mega":
        a = grid()
        em = [GradientArborescenceEmitter(a, x0=x0, sigma0=10.0, lr=1.0, grad_opt="gradient_ascent", selection_rule="mu", batch_size=35, seed=s) for s in seeds(15)]
        return Scheduler(a, em), a, True
    if row == "omg_mega":
        a = grid()
        [s] = seeds(1)
        em = [GradientOperatorEmitter(a, x0=x0, sigma=0.0, sigma_g=10.0, measure_gradients=True, normalize_grad=True, batch_size=270, seed=s)]
        return Scheduler(a, em), a, True
    if row == "me_map_elites":
        a = grid()
        ss = seeds(60)
        em = [EvolutionStrategyEmitter(a, x0=x0, sigma0=0.5, ranker=r, batch_size=36, seed=ss[15 * k + i]) for k, r in enumerate(("obj", "2rd", "2imp")) for i in range(15)]
        em += [IsoLineEmitter(a, x0=x0, iso_sigma=0.01, line_sigma=0.1, batch_size=36, seed=s) for s in ss[45:]]
        return BanditScheduler(a, em, num_active=15, reselect="terminated"), a, False
    if row == "nslc":
        r = grid()
        a = ProximityArchive(solution_dim=dim, measure_dim=2, k_neighbors=15, novelty_threshold=0.037 * 100, local_competition=True, seed=seed)
        em = es(a, 15, sigma0=0.5, ranker="nslc", selection_rule="filter", restart_rule="no_improvement")
        return Scheduler(a, em, r), r, False
    if row == "dds":
        r = grid()
        a = DensityArchive(measure_dim=2, buffer_size=10000, density_method="kde", bandwidth=25.6, seed=seed)
        # The density archive stores no solutions: the emitters restart from the result archive.
        em = es(r, 15, sigma0=1.5, ranker="density", selection_rule="mu", restart_rule="basic")
        return Scheduler(a, em, r), r, False
    if row == "dms":
        if torch is None:
            raise SystemExit(f"row dms needs torch and pyribs >= 0.10 ({TORCH_ERROR})")
        # sphere.py's dms CONFIG (Tjanaka 2026 hyperparameters). sphere.py
        # leaves torch's global rng (the MLP's initialisation, the
        # DataLoader's shuffling) unseeded; seeding it makes a run repeatable.
        torch.manual_seed(seed)
        r = grid()
        model = MLP(layer_specs=[[2, 128], [128, 128], [128, 1]], activation=torch.nn.ReLU)
        optimizer = torch.optim.Adam(params=model.parameters(), lr=0.001, betas=[0.9, 0.999])
        manager = DiscountModelManager(
            model=model, optimizer=optimizer, device=torch.device("cpu"),
            measures_low=[lo for lo, _ in ranges], measures_high=[hi for _, hi in ranges],
            discount_low=0.0, discount_high=100.0,
            train_epochs=5, train_cutoff_loss=0.05, train_batch_size=32,
            normalize_measures="negative_one_one", normalize_discount="zero_one",
        )
        a = DiscountArchive(solution_dim=dim, measure_dim=2, discount_model_manager=manager, result_archive=r, seed=seed,
                            learning_rate=0.1, threshold_min=0, init_train_points=1000, empty_points=100)
        # The discount archive stores no solutions: the emitters use the result archive.
        em = es(r, 15, sigma0=0.5, ranker="imp", selection_rule="mu", restart_rule="basic")
        sched = Scheduler(a, em, r)
        a.init_discount_model()  # sphere.py does this before its loop (untimed).
        return sched, r, False
    raise SystemExit(f"row {row!r} is not available here")


def run(sched, dqd, iterations, grads, curve=0, result=None):
    out = []
    discount = torch is not None and isinstance(sched.archive, DiscountArchive)
    for i in range(iterations):
        # sphere.py trains the discount model right after tell(); training at
        # the next ask() is the same sequence, and times what ours does in N
        # iterations (it trains the pending batch in the next add()).
        if discount and i > 0:
            sched.archive.train_discount_model()
        if dqd:
            sols = sched.ask_dqd()
            obj, meas, jac = sphere(sols, True)
            sched.tell_dqd(obj, meas, jac)
        sols = sched.ask()
        obj, meas, _ = sphere(sols, False)
        sched.tell(obj, meas)
        if curve and (i + 1) % curve == 0:
            out.append([i + 1, float(result.stats.coverage), float(result.stats.norm_qd_score)])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--row", required=True)
    p.add_argument("--iterations", type=int, default=300)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--curve", type=int, default=0)
    # dds only: after the run, the density archive's buffer, the next batch's
    # measures and pyribs' densities there (bench/dds-density-match.ts).
    p.add_argument("--dump-density", action="store_true")
    a = p.parse_args()
    if a.warmup:
        s, r, dqd = build(a.row, a.dim, a.seed + 1000)
        run(s, dqd, a.warmup, dqd)
    sched, result, dqd = build(a.row, a.dim, a.seed)
    t0 = time.perf_counter()
    c0 = time.process_time()
    curve = run(sched, dqd, a.iterations, dqd, a.curve, result)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    evaluations = a.iterations * 540
    res = {
        "row": a.row,
        "iterations": a.iterations,
        "evaluations": evaluations,
        "seconds": round(seconds, 4),
        "cpuSeconds": round(cpu, 4),
        "secondsPerIteration": seconds / a.iterations,
        "cpuSecondsPerIteration": cpu / a.iterations,
        "normQdScore": float(result.stats.norm_qd_score),
        "coverage": float(result.stats.coverage),
    }
    if curve:
        res["curve"] = curve
    if a.dump_density:
        if not isinstance(sched.archive, DensityArchive):
            raise SystemExit("--dump-density needs --row dds")
        meas = sphere(sched.ask(), False)[1]
        res["buffer"] = np.asarray(sched.archive.buffer).tolist()
        res["measures"] = meas.tolist()
        res["density"] = sched.archive.compute_density(meas).tolist()
    json.dump(res, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
