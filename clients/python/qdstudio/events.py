"""The live event stream of an experiment (Server-Sent Events), as an iterator.

Events: ``hello`` (the experiment, first message of every connection),
``status`` ({status, reason}), ``batch`` ({evaluations, numElites, qdScore,
maxFitness, improved}), ``snapshot`` (a metrics point). When the connection
drops, the iterator reconnects and sends ``Last-Event-ID`` with the last id it
saw, so no ``batch``/``status`` event is lost or repeated.
"""
import json
import time
from typing import Any, Iterator, List, Optional

from ._http import Transport
from .errors import ApiError, TransportError

__all__ = ["Event", "EventStream", "TERMINAL_STATUSES"]

TERMINAL_STATUSES = frozenset(["completed", "cancelled", "failed"])


class Event:
    """One server-sent event: ``type`` (``hello``, ``status``, ``batch``, ``snapshot``), ``id``, ``data``."""

    __slots__ = ("type", "id", "data")

    def __init__(self, type: str, id: Optional[str], data: Any) -> None:
        self.type = type
        self.id = id
        self.data = data

    def __repr__(self) -> str:
        return "Event(type=%r, id=%r, data=%r)" % (self.type, self.id, self.data)


def parse_sse(lines: Iterator[bytes]) -> Iterator[Event]:
    """Events from the lines of a text/event-stream (comments and retry fields skipped)."""
    kind, ident, data = "message", None, []  # type: str, Optional[str], List[str]
    for raw in lines:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                text = "\n".join(data)
                try:
                    payload = json.loads(text)
                except ValueError:
                    payload = text
                yield Event(kind, ident, payload)
            kind, ident, data = "message", None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            kind = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            ident = value


class EventStream:
    """Iterates over an experiment's events, reconnecting with Last-Event-ID.

    ``stop_when_finished``: end after the experiment reaches completed, cancelled
    or failed (also when it already had when the stream opened). ``read_timeout``:
    seconds without a byte (the server sends a heartbeat every 15 s) before
    reconnecting. ``max_reconnects``: consecutive failed reconnections before
    giving up (None: never give up).
    """

    def __init__(self, transport: Transport, experiment_id: str, after: Optional[int] = None, stop_when_finished: bool = True,
                 read_timeout: float = 45.0, max_reconnects: Optional[int] = 10, reconnect_delay: float = 0.5) -> None:
        self._transport = transport
        self.experiment_id = experiment_id
        self.last_event_id = None if after is None else str(after)
        self.stop_when_finished = stop_when_finished
        self.read_timeout = read_timeout
        self.max_reconnects = max_reconnects
        self.reconnect_delay = reconnect_delay
        self.reconnects = 0
        self._response = None  # type: Any
        self._closed = False

    def __iter__(self) -> Iterator[Event]:
        failures = 0
        while not self._closed:
            headers = {"Accept": "text/event-stream"}
            resuming = self.last_event_id is not None
            if resuming:
                headers["Last-Event-ID"] = self.last_event_id  # type: ignore[assignment]
            try:
                self._response = self._transport.stream("GET", "/api/experiments/%s/events" % self.experiment_id, headers=headers, timeout=self.read_timeout)
                failures = 0
                for event in parse_sse(self._response.iter_lines()):
                    if event.id is not None:
                        self.last_event_id = event.id
                    yield event
                    if self.stop_when_finished and _finished(event, resuming):
                        self.close()
                        return
            except ApiError:
                raise  # 404, 401, …: reconnecting would not help
            except (TransportError, OSError, ValueError):
                failures += 1
                if self._closed or (self.max_reconnects is not None and failures > self.max_reconnects):
                    raise
            finally:
                if self._response is not None:
                    self._response.close()
                    self._response = None
            if self._closed:
                return
            # The server closed the stream (restart, proxy) or the network dropped: resume after the last id.
            self.reconnects += 1
            time.sleep(min(self.reconnect_delay * max(1, failures), 10.0))

    def close(self) -> None:
        self._closed = True
        if self._response is not None:
            self._response.close()
            self._response = None


def _finished(event: Event, resuming: bool) -> bool:
    data = event.data if isinstance(event.data, dict) else {}
    if event.type == "status":
        return data.get("status") in TERMINAL_STATUSES
    # A fresh stream of a finished run has nothing more to say; a resumed one replays
    # the events after the last id first, the final status event among them.
    return event.type == "hello" and not resuming and data.get("status") in TERMINAL_STATUSES
