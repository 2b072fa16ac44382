#!/usr/bin/env python3
"""Fill a QD Studio archive from Python through ask/tell (standard library only).

The evaluator runs here, in this process; QD Studio keeps the archive, produces
candidates with the experiment's emitter, and records everything:

    python3 examples/python/ask_tell.py --url http://127.0.0.1:3000 --budget 5000

Steps: create an experiment with an "external" domain (vector genomes evaluated
by the client), start it, then repeat ask -> evaluate -> tell until the budget is
spent. Pass --experiment ID to continue an existing experiment instead, and
--token (or QD_API_TOKEN) when the server requires a bearer token.

The function evaluated here is the Rastrigin function on [-5.12, 5.12]^dim
(fitness = -rastrigin, so higher is better), with the first two coordinates as
behaviour descriptors.
"""
import argparse
import json
import math
import os
import sys
import time
import urllib.error
import urllib.request


class ApiError(Exception):
    pass


class Client:
    def __init__(self, url, token=None):
        self.url = url.rstrip("/")
        self.token = token

    def request(self, method, path, body=None, retries=5):
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"accept": "application/json"}
        if data is not None:
            headers["content-type"] = "application/json"
        if self.token:
            headers["authorization"] = "Bearer " + self.token
        for attempt in range(retries):
            req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=60) as res:
                    text = res.read().decode("utf-8")
                    return json.loads(text) if text else None
            except urllib.error.HTTPError as e:
                text = e.read().decode("utf-8", "replace")
                # 503: the server asks us to retry; anything else 4xx is our mistake.
                if e.code == 503 and attempt + 1 < retries:
                    time.sleep(float(e.headers.get("retry-after") or 1))
                    continue
                try:
                    message = json.loads(text)["error"]["message"]
                except (ValueError, KeyError, TypeError):
                    message = text[:500]
                raise ApiError("%s %s -> %d: %s" % (method, path, e.code, message))
            except urllib.error.URLError as e:
                # Connection problems: a tell is idempotent, so retrying is always safe.
                if attempt + 1 < retries:
                    time.sleep(1 + attempt)
                    continue
                raise ApiError("%s %s: %s" % (method, path, e.reason))
        raise ApiError("%s %s: gave up after %d attempts" % (method, path, retries))


def rastrigin(x):
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def evaluate(genome):
    """Returns (fitness, descriptors). Replace with your simulator."""
    return -rastrigin(genome), [genome[0], genome[1]]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default=os.environ.get("QD_STUDIO_URL", "http://127.0.0.1:3000"))
    p.add_argument("--token", default=os.environ.get("QD_API_TOKEN"))
    p.add_argument("--experiment", help="continue this experiment id instead of creating one")
    p.add_argument("--dim", type=int, default=6)
    p.add_argument("--bins", type=int, default=20)
    p.add_argument("--budget", type=int, default=5000)
    p.add_argument("--batch", type=int, default=100, help="candidates per ask")
    p.add_argument("--sigma", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    api = Client(args.url, args.token)
    if args.experiment:
        exp = api.request("GET", "/api/experiments/" + args.experiment)
        if exp["status"] in ("draft", "queued"):
            exp = api.request("POST", "/api/experiments/%s/start" % exp["id"])
    else:
        exp = api.request("POST", "/api/experiments", {
            "name": "python ask/tell (rastrigin %d-D)" % args.dim,
            "domain": {"type": "external", "dim": args.dim, "bounds": [-5.12, 5.12]},
            "descriptors": [
                {"name": "x0", "min": -5.12, "max": 5.12, "bins": args.bins},
                {"name": "x1", "min": -5.12, "max": 5.12, "bins": args.bins},
            ],
            "emitter": {"type": "gaussian", "sigma": args.sigma},
            "budget": {"evaluations": args.budget},
            "seed": args.seed,
            "start": True,
        })
    exp_id = exp["id"]
    print("experiment %s (%s)" % (exp_id, exp["status"]), flush=True)

    counts = {}
    started = time.time()
    while True:
        asked = api.request("POST", "/api/experiments/%s/ask" % exp_id, {"count": args.batch})
        candidates = asked["candidates"]
        if not candidates:
            if asked.get("pending"):
                print("%d candidates are still out with other clients" % asked["pending"], flush=True)
            break
        results = []
        for c in candidates:
            t0 = time.time()
            try:
                fitness, descriptors = evaluate(c["genome"])
                results.append({"candidateId": c["id"], "fitness": fitness, "descriptors": descriptors,
                                "evalMs": (time.time() - t0) * 1000})
            except Exception as e:  # a failed evaluation still counts against the budget
                results.append({"candidateId": c["id"], "error": str(e)})
        told = api.request("POST", "/api/experiments/%s/tell" % exp_id, {"results": results})
        for r in told["results"]:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        print("evaluations %d  elites %d  (%s)" % (told["evaluations"], told["numElites"],
              ", ".join("%s %d" % kv for kv in sorted(counts.items()))), flush=True)
        if told["experimentStatus"] != "running":
            break

    exp = api.request("GET", "/api/experiments/" + exp_id)
    m = exp["metrics"]
    print("done in %.1f s: status %s, %d evaluations, coverage %.3f, QD score %.1f, max fitness %.3f"
          % (time.time() - started, exp["status"], exp["evaluations"], m["coverage"], m["qdScore"],
             m["maxFitness"] if m["maxFitness"] is not None else float("nan")), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ApiError as e:
        print("error: %s" % e, file=sys.stderr)
        sys.exit(1)
