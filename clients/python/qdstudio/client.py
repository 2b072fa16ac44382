"""The QD Studio REST client.

    from qdstudio import Client
    client = Client("http://127.0.0.1:3000")            # token: QD_API_TOKEN when not given
    exp = client.create_experiment({"name": "sphere", "domain": {"type": "sphere", "dim": 20},
                                    "budget": {"evaluations": 20000}}, start=True)
    for event in client.events(exp):                    # until it completes
        ...
    archive = client.archive(exp)                       # columns; archive.to_pandas()

Every method takes an experiment as its id or as the dict the server returned.
URLs come from the OpenAPI document (``_models.OPERATIONS``).
"""
import base64
import json
import os
import uuid as _uuid
from typing import IO, Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, cast

from . import _models as m
from ._http import Transport
from .columns import ArchiveData, MetricsHistory
from .errors import QDStudioError
from .events import EventStream
from .scheduler import Scheduler

__all__ = ["Client", "ExperimentRef"]

ExperimentRef = Union[str, Mapping[str, Any]]

# POSTs the server deduplicates: safe to retry after a timeout or a dropped connection.
_IDEMPOTENT_POSTS = frozenset(["tell", "submitSolutions"])


def _id(ref: ExperimentRef) -> str:
    if isinstance(ref, str):
        return ref
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        return ref["id"]
    raise TypeError("expected an id or an object with an 'id' (got %r)" % (ref,))


class Client:
    """A client for one QD Studio server.

    ``url``: the server (``http://127.0.0.1:3000``). ``token``: the bearer token
    when the server sets QD_API_TOKEN (default: the QD_API_TOKEN environment
    variable). ``timeout``: seconds to wait for an answer. ``retries``: extra
    attempts after a connection failure, a 503, or (idempotent requests only) a
    timeout or 502/504, waiting ``backoff`` × 2^attempt seconds (or Retry-After).
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 60.0, retries: int = 3, backoff: float = 0.5) -> None:
        url = url or os.environ.get("QD_STUDIO_URL") or "http://127.0.0.1:3000"
        if token is None:
            token = os.environ.get("QD_API_TOKEN") or None
        self._http = Transport(url, token, timeout, retries, backoff)

    @property
    def url(self) -> str:
        return self._http.url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- plumbing ----
    def _call(self, operation: str, params: Optional[Mapping[str, Any]] = None, query: Optional[Mapping[str, Any]] = None,
              body: Any = None, timeout: Optional[float] = None) -> Any:
        method, template = m.OPERATIONS[operation]
        path = template.format(**{k: _quote(str(v)) for k, v in (params or {}).items()})
        idempotent = True if operation in _IDEMPOTENT_POSTS else None
        return self._http.json(method, path, query=query, body=body, idempotent=idempotent, timeout=timeout)

    # ---- experiments ----
    def create_experiment(self, config: Optional[Mapping[str, Any]] = None, *, start: bool = False, **fields: Any) -> m.Experiment:
        """Creates an experiment from its configuration (the dict, and/or keyword fields); ``start=True`` starts it."""
        body = dict(config or {})
        body.update(fields)
        if start:
            body["start"] = True
        return cast(m.Experiment, self._call("createExperiment", body=body))

    def list_experiments(self, status: Optional[Union[str, Sequence[str]]] = None, limit: int = 50, cursor: Optional[str] = None) -> m.ExperimentList:
        """One page, newest first; pass ``nextCursor`` as ``cursor`` for the next (or use iter_experiments)."""
        return cast(m.ExperimentList, self._call("listExperiments", query={"status": status, "limit": limit, "cursor": cursor}))

    def iter_experiments(self, status: Optional[Union[str, Sequence[str]]] = None, page_size: int = 200) -> Iterator[m.Experiment]:
        cursor = None
        while True:
            page = self.list_experiments(status, page_size, cursor)
            for e in page["experiments"]:
                yield e
            cursor = page["nextCursor"]
            if not cursor:
                return

    def get_experiment(self, experiment: ExperimentRef) -> m.Experiment:
        return cast(m.Experiment, self._call("getExperiment", {"id": _id(experiment)}))

    def update_experiment(self, experiment: ExperimentRef, *, name: Optional[str] = None, notes: Optional[str] = None) -> m.Experiment:
        body = {k: v for k, v in (("name", name), ("notes", notes)) if v is not None}
        return cast(m.Experiment, self._call("updateExperiment", {"id": _id(experiment)}, body=body))

    def start(self, experiment: ExperimentRef) -> m.Experiment:
        return cast(m.Experiment, self._call("startExperiment", {"id": _id(experiment)}, body={}))

    def pause(self, experiment: ExperimentRef) -> m.Experiment:
        return cast(m.Experiment, self._call("pauseExperiment", {"id": _id(experiment)}, body={}))

    def resume(self, experiment: ExperimentRef) -> m.Experiment:
        return cast(m.Experiment, self._call("resumeExperiment", {"id": _id(experiment)}, body={}))

    def cancel(self, experiment: ExperimentRef) -> m.Experiment:
        return cast(m.Experiment, self._call("cancelExperiment", {"id": _id(experiment)}, body={}))

    def delete_experiment(self, experiment: ExperimentRef) -> None:
        """Deletes it with everything it stored (409 while running or queued: pause or cancel it first)."""
        self._call("deleteExperiment", {"id": _id(experiment)})

    # ---- results ----
    def archive(self, experiment: ExperimentRef, after: Optional[int] = None, island: Optional[int] = None) -> ArchiveData:
        """All elites as columns (or only those written after archive revision ``after``).
        ``island``: experiments with islands, that island's own archive instead of the union."""
        return ArchiveData(self._call("getArchive", {"id": _id(experiment)}, query={"after": after, "island": island}))

    def elites(self, experiment: ExperimentRef) -> List[Dict[str, Any]]:
        """The elites as a list of dicts {index, objective, measures, solution_id}, by cell."""
        return list(self.archive(experiment))

    def elite(self, experiment: ExperimentRef, cell: int) -> m.Elite:
        """The elite of one cell, with its solution (genome included); NotFound when the cell is empty."""
        return cast(m.Elite, self._call("getElite", {"id": _id(experiment), "cell": int(cell)}))

    def solution(self, solution_id: str) -> m.Solution:
        return cast(m.Solution, self._call("getSolution", {"id": solution_id}))

    def solutions(self, experiment: ExperimentRef, status: Optional[Union[str, Sequence[str]]] = None, limit: int = 50, cursor: Optional[str] = None) -> m.SolutionList:
        """One page of evaluated / failed / invalid candidates, newest first."""
        return cast(m.SolutionList, self._call("listSolutions", {"id": _id(experiment)}, query={"status": status, "limit": limit, "cursor": cursor}))

    def iter_solutions(self, experiment: ExperimentRef, status: Optional[Union[str, Sequence[str]]] = None, page_size: int = 200) -> Iterator[m.SolutionSummary]:
        cursor = None
        while True:
            page = self.solutions(experiment, status, page_size, cursor)
            for s in page["solutions"]:
                yield s
            cursor = page["nextCursor"]
            if not cursor:
                return

    def lineage(self, solution: Union[str, Mapping[str, Any]], max_depth: Optional[int] = None) -> m.Lineage:
        """The chain of first parents from the solution back to its first ancestor (depth 0: itself)."""
        return cast(m.Lineage, self._call("getLineage", {"id": _id(solution)}, query={"maxDepth": max_depth}))

    def metrics(self, experiment: ExperimentRef, after: int = -1, limit: int = 1000) -> m.Metrics:
        """One page of metric snapshots taken after ``after`` evaluations."""
        return cast(m.Metrics, self._call("getMetrics", {"id": _id(experiment)}, query={"after": after, "limit": limit}))

    def metrics_history(self, experiment: ExperimentRef) -> MetricsHistory:
        """Every snapshot of the run, oldest first, as columns (``.qdScore``, ``.coverage``, …; ``to_pandas()``)."""
        snapshots: List[Dict[str, Any]] = []
        after = -1
        while True:
            page = self.metrics(experiment, after, 10000)
            snapshots.extend(cast(List[Dict[str, Any]], page["snapshots"]))
            if not page["more"]:
                return MetricsHistory(snapshots)
            after = page["last"]

    def metric_keys(self, experiment: ExperimentRef) -> m.MetricKeys:
        return cast(m.MetricKeys, self._call("getMetricKeys", {"id": _id(experiment)}))

    def export(self, experiment: ExperimentRef, format: str = "json", all: bool = False, file: Optional[Union[str, IO[bytes]]] = None) -> Any:
        """The archive (``all=True``: every stored solution) as JSON (a dict) or CSV (a str);
        with ``file`` (a path or a binary file object) the export is streamed there and nothing is returned."""
        if format not in ("json", "csv"):
            raise ValueError('format must be "json" or "csv"')
        method, template = m.OPERATIONS["exportArchive"]
        res = self._http.stream(method, template.format(id=_quote(_id(experiment))), query={"format": format, "all": all})
        try:
            if file is None:
                data = b"".join(res.iter_chunks())
                if format == "csv":
                    return data.decode("utf-8")
                import json

                return json.loads(data.decode("utf-8"))
            out = open(file, "wb") if isinstance(file, str) else file
            try:
                for chunk in res.iter_chunks():
                    out.write(chunk)
            finally:
                if isinstance(file, str):
                    out.close()
            return None
        finally:
            res.close()

    # ---- live ----
    def events(self, experiment: ExperimentRef, after: Optional[int] = None, stop_when_finished: bool = True, read_timeout: float = 45.0,
               max_reconnects: Optional[int] = 10) -> EventStream:
        """The experiment's live events (hello, status, batch, snapshot) as an iterator that reconnects
        with Last-Event-ID; it ends when the run completes, is cancelled or fails (``stop_when_finished``)."""
        return EventStream(self._http, _id(experiment), after, stop_when_finished, read_timeout, max_reconnects)

    # ---- evaluation ----
    def ask(self, experiment: ExperimentRef, count: int, encoding: str = "json") -> m.AskResponse:
        """``count`` candidates from the experiment's emitter (external domains). Prefer :meth:`scheduler`."""
        return cast(m.AskResponse, self._call("ask", {"id": _id(experiment)}, body={"count": int(count), "encoding": encoding}))

    def ask_blocks(self, experiment: ExperimentRef, count: int) -> Tuple[m.AskBinaryHeader, memoryview]:
        """The binary ask (``"encoding": "binary"``): the answer's header (budgetRemaining, pending, batchId,
        expiresAt, count, dim, operator, parentsPer, genomeBytes, parentBytes) and a writable view on the
        bytes after it: ``genomeBytes`` of little-endian float64 genomes (count × dim, row-major), then
        ``parentBytes`` of parent ids as raw 16-byte UUIDs. Candidate i's id is ``candidate_id(batchId, i)``."""
        method, template = m.OPERATIONS["ask"]
        path = template.format(id=_quote(_id(experiment)))
        _, headers, payload = self._http.request(method, path, body={"count": int(count), "encoding": "binary"}, accept="application/octet-stream", writable=True)
        if "octet-stream" not in headers.get("content-type", ""):
            raise QDStudioError("the server answered a binary ask with %r (is it older than this client?)" % headers.get("content-type"))
        nl = payload.index(b"\n")
        header = cast(m.AskBinaryHeader, json.loads(bytes(payload[:nl])))
        body = memoryview(payload)[nl + 1:]
        if len(body) != header["genomeBytes"] + header["parentBytes"]:
            raise QDStudioError("binary ask answer: expected %d bytes after the header, got %d" % (header["genomeBytes"] + header["parentBytes"], len(body)))
        return header, body

    def tell(self, experiment: ExperimentRef, results: Sequence[Mapping[str, Any]]) -> m.TellResponse:
        """Results of asked candidates: [{candidateId, fitness, descriptors, metrics?, evalMs?} | {candidateId, error}].
        Idempotent (the same set told again returns the stored statuses), so it is retried after timeouts."""
        return cast(m.TellResponse, self._call("tell", {"id": _id(experiment)}, body={"results": list(results)}))

    def tell_blocks(self, experiment: ExperimentRef, batch_id: str, fitness: bytes, descriptors: bytes, start: int = 0, answer: str = "json") -> m.TellResponse:
        """The binary tell: results of candidates ``start, start + 1, …`` of an asked batch (``batchId`` of the
        ask) as little-endian float64 blocks, ``fitness`` (n values) and ``descriptors`` (n × descriptors,
        row-major). A non-finite value records that candidate as a failed evaluation. Idempotent like tell.
        ``answer="blocks"``: the answer carries ``statuses`` (uint8 each: 1 new, 2 improved, 3 not_added,
        4 failed) and ``cells`` (int32 each, -1 for a failure) as base64 columns instead of ``results``."""
        body = {"batchId": batch_id, "start": int(start), "fitness": base64.b64encode(fitness).decode("ascii"), "descriptors": base64.b64encode(descriptors).decode("ascii")}
        if answer != "json":
            body["answer"] = answer
        return cast(m.TellResponse, self._call("tell", {"id": _id(experiment)}, body=body))

    def submit(self, experiment: ExperimentRef, genomes: Sequence[Any], parent_ids: Optional[Sequence[Sequence[str]]] = None,
               idempotency_key: Optional[str] = None) -> m.SubmitResponse:
        """Submits genomes (vectors; programs or texts for LLM experiments): evaluated at once for built-in
        domains, queued for the experiment's evaluator, or pending candidates to tell (external domains).
        Sent with an idempotency key (a fresh one unless given), so a retried submission counts once."""
        solutions: List[Dict[str, Any]] = []
        for i, g in enumerate(genomes):
            s: Dict[str, Any] = {"genome": g.tolist() if hasattr(g, "tolist") else g}
            if parent_ids is not None and parent_ids[i]:
                s["parentIds"] = list(parent_ids[i])
            solutions.append(s)
        body = {"solutions": solutions, "idempotencyKey": idempotency_key or str(_uuid.uuid4())}
        return cast(m.SubmitResponse, self._call("submitSolutions", {"id": _id(experiment)}, body=body))

    def scheduler(self, experiment: ExperimentRef, batch_size: Optional[int] = None, prefetch: bool = False, ask_encoding: str = "binary") -> Scheduler:
        """A pyribs-shaped ask/tell scheduler over an experiment with an external domain
        (``batch_size``: solutions per ask, default the experiment's batchSize; ``ask_encoding``:
        "binary" (raw float64 answer, the default) or "base64" (JSON, as servers before it))."""
        exp = experiment if isinstance(experiment, Mapping) and "batchSize" in experiment else self.get_experiment(experiment)
        if exp.get("domainType") not in (None, "external"):
            raise ValueError("scheduler() needs an experiment with domain.type \"external\" (this one is %r: its workers evaluate it)" % exp.get("domainType"))
        return Scheduler(self, _id(exp), int(batch_size or exp["batchSize"]), prefetch, ask_encoding)

    # ---- service ----
    def queues(self) -> Dict[str, Any]:
        return cast(Dict[str, Any], self._call("getQueues"))

    def health(self) -> Dict[str, Any]:
        """{ok, db, queue, workers} (raises Unavailable when a dependency is down)."""
        return cast(Dict[str, Any], self._http.json("GET", "/api/health"))

    def openapi(self) -> Dict[str, Any]:
        return cast(Dict[str, Any], self._call("openapi"))


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
