"""Column-oriented results: the archive and the metrics history.

Columns are numpy arrays when numpy is installed, lists otherwise; ``to_pandas()``
builds a DataFrame when pandas is installed (pyribs' column names for the
archive: ``index``, ``objective``, ``measures_0``…, plus ``solution_id``).
"""
from typing import Any, Dict, Iterator, List, Optional, Sequence

try:  # optional
    import numpy as _np
except ImportError:  # pragma: no cover - exercised when numpy is absent
    _np = None  # type: ignore[assignment]

__all__ = ["ArchiveData", "MetricsHistory", "HAS_NUMPY", "as_array"]

HAS_NUMPY = _np is not None


def as_array(values: Sequence[Any], dtype: str = "float64", width: Optional[int] = None) -> Any:
    """A numpy array when numpy is available (``width``: 2-D with that many columns), else a list."""
    if _np is None:
        return list(values)
    if width is not None:
        return _np.asarray(values, dtype=dtype).reshape(len(values), width)
    return _np.asarray(values, dtype=dtype)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install pandas") from None
    return pandas


class ArchiveData:
    """All elites of an experiment, column by column.

    ``index`` (cell), ``objective`` (fitness), ``measures`` (n × descriptors),
    ``solution_id``; ``geometry`` is the server's description of the cells
    (grid dims / CVT centroids, descriptor names and ranges); ``revision`` the
    archive revision these columns reflect (pass it as ``after`` for an
    incremental refresh).
    """

    def __init__(self, body: Dict[str, Any]) -> None:
        elites = body["elites"]
        self.experiment_id: str = body["experimentId"]
        self.geometry: Dict[str, Any] = body["geometry"]
        self.revision: int = elites["revision"]
        self.measure_names: List[str] = [d["name"] for d in self.geometry.get("descriptors", [])]
        width = len(self.measure_names)
        self.index = as_array(elites["cell"], "int64")
        self.objective = as_array(elites["fitness"])
        self.measures = as_array(elites["descriptors"], width=width) if elites["descriptors"] or _np is None else as_array([], width=width)
        self.solution_id: List[str] = list(elites["solutionId"])

    def __len__(self) -> int:
        return len(self.solution_id)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        """One dict per elite: {index, objective, measures, solution_id}."""
        for i in range(len(self)):
            yield {
                "index": int(self.index[i]),
                "objective": float(self.objective[i]),
                "measures": [float(v) for v in self.measures[i]],
                "solution_id": self.solution_id[i],
            }

    @property
    def cells(self) -> int:
        return int(self.geometry["cells"])

    @property
    def coverage(self) -> float:
        return len(self) / self.cells if self.cells else 0.0

    def data(self) -> Dict[str, Any]:
        """The columns as a dict (pyribs' ``archive.data()`` keys)."""
        return {"index": self.index, "objective": self.objective, "measures": self.measures, "solution_id": self.solution_id}

    def to_pandas(self) -> Any:
        pd = _pandas()
        columns: Dict[str, Any] = {"index": list(self.index), "objective": list(self.objective)}
        for j in range(len(self.measure_names)):
            columns["measures_%d" % j] = [row[j] for row in self.measures]
        columns["solution_id"] = self.solution_id
        return pd.DataFrame(columns)

    def __repr__(self) -> str:
        return "ArchiveData(experiment=%s, elites=%d/%d, revision=%d)" % (self.experiment_id, len(self), self.cells, self.revision)


METRIC_COLUMNS = ("evaluations", "coverage", "qdScore", "normQdScore", "maxFitness", "meanFitness", "numElites", "costUsd", "createdAt")


class MetricsHistory:
    """Every metrics snapshot of a run, oldest first, as columns (``history.qdScore``, …)."""

    def __init__(self, snapshots: List[Dict[str, Any]]) -> None:
        self.snapshots = snapshots
        self.columns: Dict[str, Any] = {}
        for key in METRIC_COLUMNS:
            values = [s.get(key) for s in snapshots]
            if key == "createdAt":
                self.columns[key] = values
            elif key in ("evaluations", "numElites"):
                self.columns[key] = as_array(values, "int64")
            else:
                self.columns[key] = as_array([float("nan") if v is None else v for v in values])

    def __getattr__(self, name: str) -> Any:
        columns = self.__dict__.get("columns", {})
        if name in columns:
            return columns[name]
        raise AttributeError(name)

    def __len__(self) -> int:
        return len(self.snapshots)

    def to_pandas(self) -> Any:
        pd = _pandas()
        return pd.DataFrame({k: list(v) for k, v in self.columns.items()})

    def __repr__(self) -> str:
        return "MetricsHistory(%d snapshots)" % len(self)
