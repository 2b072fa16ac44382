"""QD Studio's harness for OpenEvolve evaluators (shipped with QD Studio, run by the workers).

    python3 openevolve_harness.py EVALUATOR_PY PROGRAM_PATH STAGE CASCADE

Loads EVALUATOR_PY (an OpenEvolve evaluator.py: `evaluate(program_path)` and optionally
`evaluate_stage1/2/3(program_path)`) and runs one stage on PROGRAM_PATH:

- CASCADE is "1" and the module defines evaluate_stage1: runs evaluate_stage<STAGE>;
- otherwise (STAGE must be 1): runs evaluate.

Everything the evaluator prints goes to stderr (the candidate's logs); the result is the last
line of stdout, one JSON object:

    {"metrics": {...}, "artifacts": {...}, "final": true|false}   or
    {"error": "ZeroDivisionError: ...", "artifacts": {"traceback": "..."}, "final": true}

`final` is false when a later stage exists. `from openevolve.evaluation_result import
EvaluationResult` works unchanged: this harness provides a compatible class (no OpenEvolve install).
The cascade itself (thresholds, per-stage timeouts) is run by the worker, one process per stage.
"""
import importlib.util
import json
import os
import sys
import traceback
import types
from dataclasses import dataclass, field
from typing import Dict, Union


@dataclass
class EvaluationResult:
    """Same fields and methods as openevolve.evaluation_result.EvaluationResult."""

    metrics: Dict[str, float]
    artifacts: Dict[str, Union[str, bytes]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, metrics):
        return cls(metrics=metrics)

    def to_dict(self):
        return self.metrics

    def has_artifacts(self):
        return bool(self.artifacts)

    def get_artifact_keys(self):
        return list(self.artifacts.keys())

    def get_artifact_size(self, key):
        if key not in self.artifacts:
            return 0
        value = self.artifacts[key]
        if isinstance(value, bytes):
            return len(value)
        return len(str(value).encode("utf-8"))

    def get_total_artifact_size(self):
        return sum(self.get_artifact_size(k) for k in self.artifacts)


def install_openevolve_shim():
    """Make `openevolve.evaluation_result.EvaluationResult` importable without OpenEvolve."""
    if "openevolve" in sys.modules:
        return
    try:
        import openevolve.evaluation_result  # noqa: F401  (a real install wins)
        return
    except ImportError:
        pass
    pkg = types.ModuleType("openevolve")
    pkg.__path__ = []
    sub = types.ModuleType("openevolve.evaluation_result")
    sub.EvaluationResult = EvaluationResult
    EvaluationResult.__module__ = "openevolve.evaluation_result"
    pkg.evaluation_result = sub
    pkg.EvaluationResult = EvaluationResult
    sys.modules["openevolve"] = pkg
    sys.modules["openevolve.evaluation_result"] = sub


def metric_value(v):
    """Numbers stay numbers (numpy scalars too), booleans and everything else become text."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return v
    item = getattr(v, "item", None)
    if callable(item):
        try:
            x = item()
            if isinstance(x, bool):
                return "true" if x else "false"
            if isinstance(x, (int, float)):
                return x
        except Exception:
            pass
    return str(v)


def artifact_value(v):
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    try:
        return json.dumps(v)
    except Exception:
        return str(v)


def normalise(result):
    if hasattr(result, "metrics") and hasattr(result, "artifacts"):
        metrics, artifacts = result.metrics, result.artifacts
    elif isinstance(result, dict):
        metrics, artifacts = result, {}
    else:
        raise TypeError(f"the evaluator returned {type(result).__name__}; expected a dict of metrics or an EvaluationResult")
    return (
        {str(k): metric_value(v) for k, v in dict(metrics or {}).items()},
        {str(k): artifact_value(v) for k, v in dict(artifacts or {}).items()},
    )


def encode(obj):
    # NaN/Infinity are written as bare tokens; the worker reports them as non-finite.
    return json.dumps(obj, allow_nan=True, default=str)


def main():
    evaluator_path, program_path, stage, cascade = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    # The evaluator's own prints (and its child processes') go to stderr; stdout carries the result.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def emit(obj):
        os.write(result_fd, ("\n" + encode(obj) + "\n").encode("utf-8"))

    install_openevolve_shim()
    sys.path.insert(0, os.path.dirname(os.path.abspath(evaluator_path)))
    try:
        spec = importlib.util.spec_from_file_location("evaluation_module", evaluator_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except BaseException as e:  # noqa: BLE001 — a broken evaluator is reported, not raised
        emit({"error": f"loading the evaluator failed: {type(e).__name__}: {e}", "artifacts": {"traceback": traceback.format_exc()}, "final": True})
        return
    staged = cascade and hasattr(module, "evaluate_stage1")
    name = f"evaluate_stage{stage}" if staged else "evaluate"
    fn = getattr(module, name, None)
    if fn is None:
        emit({"error": f"the evaluator defines no {name}(program_path)", "final": True})
        return
    try:
        metrics, artifacts = normalise(fn(program_path))
    except BaseException as e:  # noqa: BLE001
        emit({"error": f"{name} raised {type(e).__name__}: {e}", "artifacts": {"traceback": traceback.format_exc()}, "final": True})
        return
    final = not (staged and hasattr(module, f"evaluate_stage{stage + 1}"))
    emit({"metrics": metrics, "artifacts": artifacts, "final": final})


if __name__ == "__main__":
    main()
