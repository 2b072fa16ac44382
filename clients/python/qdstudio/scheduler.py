"""pyribs-shaped ask/tell over an experiment with an external domain.

    sched = client.scheduler(experiment, batch_size=5000)
    while not sched.done:
        sols = sched.ask()                      # (n, dim) ndarray (a list of lists without numpy)
        objective, measures = f(sols)           # (n,), (n, descriptors)
        sched.tell(objective, measures)

QD Studio keeps the archive and produces the candidates with the experiment's
emitter; each ask/tell is one HTTP round trip for the whole batch, with the
genomes sent as one binary block (no float formatting or parsing): the ask's
answer is raw bytes (``"encoding": "binary"``) that the returned array views
without a copy; ``ask_encoding="base64"`` asks the JSON way, as older servers need.
``prefetch=True`` asks for the next batch while this one is evaluated (the
next batch's parents then come from the archive one tell behind, as with two
workers); pyribs' order is the default.
"""
import base64
import math
import sys
import threading
from array import array
from typing import Any, Dict, List, Optional, Sequence, TYPE_CHECKING

from .columns import HAS_NUMPY, as_array

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client

try:
    import numpy as _np
except ImportError:  # pragma: no cover
    _np = None  # type: ignore[assignment]

__all__ = ["Scheduler", "candidate_id", "STATUS_NAMES"]

#: The codes in a fast tell's ``statuses`` column.
STATUS_NAMES = ("untold", "new", "improved", "not_added", "failed")


def candidate_id(batch_id: str, index: int) -> str:
    """The id of candidate ``index`` of an asked batch: the batch's UUID with its last 4 hex digits replaced by the index."""
    return "%s%04x" % (batch_id[:32], index)


def _rows(flat: List[float], n: int, dim: int) -> List[List[float]]:
    return [flat[i * dim:(i + 1) * dim] for i in range(n)]


class _Batch:
    __slots__ = ("count", "_ids", "dim", "genomes", "budget_remaining", "pending", "batch_id")

    def __init__(self, body: Dict[str, Any], data: Optional[memoryview] = None) -> None:
        self.budget_remaining: int = body["budgetRemaining"]
        self.pending: int = body["pending"]
        self.batch_id: Optional[str] = body.get("batchId")
        self._ids: Optional[List[str]] = None
        if data is not None:
            # The binary answer: the genome block as it arrived (a writable bytearray), viewed, not copied.
            self.count: int = body["count"]
            self.dim: int = body["dim"]
            block = data[:body["genomeBytes"]]
            if _np is not None:
                self.genomes: Any = _np.frombuffer(block, dtype="<f8").reshape(self.count, self.dim)
            else:
                values = array("d")
                values.frombytes(block)
                if sys.byteorder == "big":
                    values.byteswap()  # the server sends little-endian float64
                self.genomes = _rows(values.tolist(), self.count, self.dim)
            return
        self._ids = body.get("ids") or [c["id"] for c in body["candidates"]]
        self.count = len(self._ids)
        self.dim = body.get("dim") or (len(body["candidates"][0]["genome"]) if body["candidates"] else 0)
        if "genomes" in body:
            raw = base64.b64decode(body["genomes"])
            if _np is not None:
                self.genomes = _np.frombuffer(bytearray(raw), dtype="<f8").reshape(self.count, self.dim)  # writable, as pyribs' arrays are
            else:
                values = array("d")
                values.frombytes(raw)
                if sys.byteorder == "big":
                    values.byteswap()
                self.genomes = _rows(values.tolist(), self.count, self.dim)
        else:
            self.genomes = as_array([c["genome"] for c in body["candidates"]], width=self.dim) if body["candidates"] else as_array([], width=self.dim)

    @property
    def ids(self) -> List[str]:
        """The candidate ids, in genome order (made from the batch id when the answer was binary)."""
        if self._ids is None:
            batch_id = self.batch_id or ""
            self._ids = [candidate_id(batch_id, i) for i in range(self.count)]
        return self._ids


def _float64_blocks(objective: Any, measures: Any) -> "tuple[bytes, bytes]":
    """Little-endian float64 bytes of the objective (n,) and the measures (n, m), row-major."""
    if _np is not None:
        obj = _np.ascontiguousarray(objective, dtype="<f8")
        meas = _np.ascontiguousarray(measures, dtype="<f8")
        if obj.ndim != 1 or meas.ndim != 2:
            raise ValueError("objective must be 1-D and measures 2-D (got shapes %r and %r)" % (obj.shape, meas.shape))
        return obj.tobytes(), meas.tobytes()
    obj_a = array("d", [float(f) for f in objective])
    meas_a = array("d", [float(v) for row in measures for v in row])
    if sys.byteorder == "big":
        obj_a.byteswap()
        meas_a.byteswap()
    return obj_a.tobytes(), meas_a.tobytes()


def _column(b64: str, typecode: str, dtype: str) -> Any:
    """A base64 little-endian column of the tell answer as an array (numpy when installed)."""
    raw = base64.b64decode(b64)
    if _np is not None:
        return _np.frombuffer(raw, dtype=dtype)
    values = array(typecode)
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    return values


class Scheduler:
    """Ask/tell with pyribs' shape. Built by :meth:`qdstudio.Client.scheduler`."""

    def __init__(self, client: "Client", experiment_id: str, batch_size: int, prefetch: bool = False, ask_encoding: str = "binary") -> None:
        if not 1 <= batch_size <= 10000:
            raise ValueError("batch_size must be between 1 and 10,000 (got %r)" % batch_size)
        if ask_encoding not in ("binary", "base64"):
            raise ValueError('ask_encoding must be "binary" or "base64" (got %r)' % (ask_encoding,))
        self.ask_encoding = ask_encoding
        self.client = client
        self.experiment_id = experiment_id
        self.batch_size = batch_size
        self.prefetch = prefetch
        self.evaluations = 0
        self.num_elites = 0
        self.status: Optional[str] = None
        self.last_tell: Optional[Dict[str, Any]] = None
        self._asked: Optional[_Batch] = None
        self._next: Optional[threading.Thread] = None
        self._next_result: Dict[str, Any] = {}
        self._exhausted = False

    # ---- ask ----
    def _fetch(self) -> _Batch:
        if self.ask_encoding == "binary":
            header, data = self.client.ask_blocks(self.experiment_id, self.batch_size)
            return _Batch(header, data)
        return _Batch(self.client.ask(self.experiment_id, self.batch_size, encoding="base64"))

    def _start_prefetch(self) -> None:
        result: Dict[str, Any] = {}

        def run() -> None:
            try:
                result["batch"] = self._fetch()
            except BaseException as e:  # surfaced by the next ask()
                result["error"] = e

        self._next_result = result
        self._next = threading.Thread(target=run, name="qdstudio-prefetch", daemon=True)
        self._next.start()

    def ask(self) -> Any:
        """The next batch of candidate solutions: an (n, dim) array; n is 0 once the budget is spent."""
        if self._asked is not None:
            raise RuntimeError("tell() the results of the previous ask() first")
        if self._next is not None:
            self._next.join()
            self._next = None
            if "error" in self._next_result:
                raise self._next_result["error"]
            batch = self._next_result["batch"]
        else:
            batch = self._fetch()
        if not batch.count:
            self._exhausted = True
            return batch.genomes
        self._asked = batch
        if self.prefetch and batch.budget_remaining > 0:
            self._start_prefetch()
        return batch.genomes

    # ---- tell ----
    def tell(self, objective: Sequence[float], measures: Sequence[Sequence[float]], metrics: Optional[Sequence[Optional[Dict[str, Any]]]] = None) -> Dict[str, Any]:
        """Results of the last ask(), in its order: ``objective`` (n,), ``measures`` (n, descriptors),
        optional per-solution ``metrics`` dicts. A non-finite objective or measure records that
        solution as a failed evaluation. Returns the server's answer (experimentStatus, evaluations,
        numElites, and what became of each solution). Without metrics the results travel as two
        binary float64 blocks and the answer has two columns instead of one dict per solution:
        ``statuses`` (uint8 codes, names in ``STATUS_NAMES``: 1 new, 2 improved, 3 not_added,
        4 failed) and ``cells`` (int32, -1 for a failure), numpy arrays (``array`` without numpy).
        With metrics it has ``results``: ``[{id, status, cell, fitness}]``."""
        batch = self._asked
        if batch is None:
            raise RuntimeError("tell() without a pending ask()")
        n = batch.count
        if len(objective) != n or len(measures) != n:
            raise ValueError("expected %d objective values and %d measure rows (one per asked solution), got %d and %d" % (n, n, len(objective), len(measures)))
        if metrics is None and batch.batch_id is not None:
            # The whole batch as two float64 blocks: no per-result JSON on either side.
            fitness, descriptors = _float64_blocks(objective, measures)
            told: Dict[str, Any] = dict(self.client.tell_blocks(self.experiment_id, batch.batch_id, fitness, descriptors, answer="blocks"))
            told["statuses"] = _column(told["statuses"], "B", "<u1")
            told["cells"] = _column(told["cells"], "i", "<i4")
            return self._told(told)
        objective = objective.tolist() if hasattr(objective, "tolist") else list(objective)
        measures = measures.tolist() if hasattr(measures, "tolist") else [list(m) for m in measures]
        isfinite = math.isfinite
        # One comprehension over plain floats: this loop is the client's share of every evaluation.
        results: List[Dict[str, Any]] = [
            {"candidateId": cid, "fitness": f, "descriptors": m}
            if isfinite(f) and all(map(isfinite, m))
            else {"candidateId": cid, "error": "non-finite objective or measures: %r, %r" % (f, m)}
            for cid, f, m in zip(batch.ids, objective, measures)
        ]
        if metrics is not None:
            for r, extra in zip(results, metrics):
                if extra and "error" not in r:
                    r["metrics"] = extra
        return self._told(self.client.tell(self.experiment_id, results))

    def _told(self, told: Dict[str, Any]) -> Dict[str, Any]:
        self._asked = None
        self.last_tell = told
        self.evaluations = told["evaluations"]
        self.num_elites = told["numElites"]
        self.status = told["experimentStatus"]
        return told

    # ---- state ----
    @property
    def done(self) -> bool:
        """True once an ask came back empty (budget spent or reserved) or the run stopped."""
        return self._exhausted or (self.status is not None and self.status != "running")

    @property
    def archive(self) -> Any:
        """The experiment's archive now (columns; see :class:`qdstudio.ArchiveData`)."""
        return self.client.archive(self.experiment_id)

    def close(self) -> None:
        if self._next is not None:
            self._next.join()
            self._next = None

    def __repr__(self) -> str:
        return "Scheduler(experiment=%s, batch_size=%d, evaluations=%d, numpy=%s)" % (self.experiment_id, self.batch_size, self.evaluations, HAS_NUMPY)
