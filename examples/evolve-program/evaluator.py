"""Evaluator for examples/evolve-program, in OpenEvolve's format.

QD Studio runs it with `"evaluator": {"type": "openevolve", ...}`: stage 1 is a quick sanity run,
stage 2 (only for programs whose stage-1 combined_score reaches the first cascade threshold) runs
several seeded trials. Works unchanged under OpenEvolve.
"""
import importlib.util
import math
import random
import time

from openevolve.evaluation_result import EvaluationResult

OPTIMUM = (1.0, -0.5)


def load(program_path):
    spec = importlib.util.spec_from_file_location("program", program_path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    if not hasattr(program, "run"):
        raise AttributeError("the program must define run(iterations)")
    return program


def trial(program, seed, iterations):
    random.seed(seed)
    started = time.time()
    result = program.run(iterations)
    seconds = time.time() - started
    if not isinstance(result, tuple) or len(result) != 3:
        raise TypeError(f"run() must return (x, y, value), got {result!r}")
    x, y, value = (float(v) for v in result)
    if not all(math.isfinite(v) for v in (x, y, value)):
        raise ValueError(f"run() returned a non-finite point: {result!r}")
    true_value = program.objective(x, y)
    if abs(true_value - value) > 1e-6:
        raise ValueError(f"run() reported value {value} but objective(x, y) is {true_value}")
    return x, y, value, seconds


def scores(points):
    values = [p[2] for p in points]
    distances = [math.hypot(p[0] - OPTIMUM[0], p[1] - OPTIMUM[1]) for p in points]
    value_score = sum(1 / (1 + v) for v in values) / len(values)
    distance_score = sum(1 / (1 + d) for d in distances) / len(distances)
    return value_score, distance_score, min(values)


def evaluate_stage1(program_path):
    """One short run: does the program work at all, and is it roughly right? (An exception here
    fails the candidate; its traceback goes to the model with the next prompt for the parent.)"""
    program = load(program_path)
    x, y, value, seconds = trial(program, seed=0, iterations=200)
    value_score, distance_score, best = scores([(x, y, value)])
    return EvaluationResult(
        metrics={"combined_score": 0.5 * value_score + 0.5 * distance_score, "best_value": best, "seconds": seconds},
        artifacts={"best_point": f"({x:.4f}, {y:.4f}) with value {value:.5f}"},
    )


def evaluate_stage2(program_path):
    """Five seeded runs of the full search."""
    program = load(program_path)
    points, seconds = [], 0.0
    for seed in range(1, 6):
        x, y, value, s = trial(program, seed=seed, iterations=2000)
        points.append((x, y, value))
        seconds += s
    value_score, distance_score, best = scores(points)
    worst = max(p[2] for p in points)
    return EvaluationResult(
        metrics={
            "combined_score": 0.5 * value_score + 0.5 * distance_score,
            "value_score": value_score,
            "distance_score": distance_score,
            "best_value": best,
            "seconds": seconds,
        },
        artifacts={"trials": f"5 trials; best value {best:.5f}, worst {worst:.5f}"},
    )


def evaluate(program_path):
    """Without the cascade: stage 2 directly."""
    return evaluate_stage2(program_path)
