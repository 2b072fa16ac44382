#!/usr/bin/env python3
"""QD Studio command evaluator example: the sphere function on a vector genome.

Standard library only. Reads JSON from stdin and writes ONE JSON line to stdout.

Single mode  (stdin: {"id": "...", "genome": [x1, ..., xn]})
    stdout: {"fitness": f, "descriptors": [d1, d2], "metrics": {...}}
Batch mode   (stdin: {"candidates": [{"id": ..., "genome": [...]}, ...]})
    stdout: {"results": [{...}, ...]}   (same order; {"error": "..."} for a bad candidate)

Fitness follows pyribs' sphere example: the shifted sphere -sum((x - 0.4*5.12)^2), normalised to
[0, 100] for x in [-5.12, 5.12]^n. Descriptors are the sums of the clipped first and second halves
of the genome (pyribs' "sphere" measures), each in [-5.12*n/2, 5.12*n/2].
Diagnostics go to stderr (QD Studio keeps them as the candidate's logs).
"""
import json
import math
import sys

BOUND = 5.12
SHIFT = 0.4 * BOUND


def evaluate(genome):
    if not isinstance(genome, list) or len(genome) < 2 or not all(isinstance(x, (int, float)) for x in genome):
        raise ValueError("genome must be a list of at least 2 numbers")
    n = len(genome)
    best = 0.0
    worst = (BOUND + SHIFT) ** 2 * n
    raw = sum((x - SHIFT) ** 2 for x in genome)
    fitness = (raw - worst) / (best - worst) * 100.0
    half = n // 2
    clipped = [x if -BOUND <= x <= BOUND else math.copysign(BOUND, x) for x in genome]
    descriptors = [sum(clipped[:half]), sum(clipped[half:])]
    return {"fitness": fitness, "descriptors": descriptors, "metrics": {"raw_sphere": raw, "dims": n}}


def main():
    request = json.load(sys.stdin)
    if "candidates" in request:
        results = []
        for cand in request["candidates"]:
            try:
                results.append(evaluate(cand.get("genome")))
            except Exception as exc:  # report per candidate, keep going
                print(f"candidate {cand.get('id')}: {exc}", file=sys.stderr)
                results.append({"error": str(exc)})
        print(f"evaluated {len(results)} candidates", file=sys.stderr)
        print(json.dumps({"results": results}))
    else:
        print(f"evaluating {request.get('id')}", file=sys.stderr)
        print(json.dumps(evaluate(request.get("genome"))))


if __name__ == "__main__":
    main()
