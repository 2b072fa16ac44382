"""HTTP transport: one keep-alive connection per thread, JSON in and out,
errors as exceptions, retries with exponential backoff.

Retry policy (each request is attempted at most ``1 + retries`` times):
  - connection refused: nothing reached the server, so any request is retried;
  - 503 (the server rolled back and asks to retry, with Retry-After): any request;
  - other connection failures, timeouts, 502 and 504: only idempotent requests
    (GET/PUT/DELETE, and the POSTs the server deduplicates: tell, submissions
    with an idempotency key), since the server may have acted on the first one.
"""
import http.client
import json
import random
import socket
import ssl
import threading
import time
import urllib.parse
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from .errors import QDStudioError, Timeout, TransportError, error_for

USER_AGENT = "qdstudio-python/0.1.0"
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])


def _query_string(query: Optional[Mapping[str, Any]]) -> str:
    if not query:
        return ""
    items = []
    for k, v in query.items():
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif isinstance(v, (list, tuple)):
            v = ",".join(str(x) for x in v)
        items.append((k, str(v)))
    return ("?" + urllib.parse.urlencode(items)) if items else ""


class Response:
    """A response whose body has not been read yet (streams: events, export)."""

    def __init__(self, conn: http.client.HTTPConnection, res: http.client.HTTPResponse) -> None:
        self._conn = conn
        self.raw = res
        self.status = res.status
        self.headers = {k.lower(): v for k, v in res.getheaders()}

    def iter_lines(self) -> Iterator[bytes]:
        while True:
            line = self.raw.readline()
            if not line:
                return
            yield line

    def iter_chunks(self, size: int = 1 << 16) -> Iterator[bytes]:
        while True:
            chunk = self.raw.read(size)
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        try:
            self.raw.close()
        finally:
            self._conn.close()


class Transport:
    def __init__(self, url: str, token: Optional[str], timeout: float, retries: int, backoff: float) -> None:
        parsed = urllib.parse.urlsplit(url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("url must look like http://127.0.0.1:3000 (got %r)" % url)
        self.url = url.rstrip("/")
        self.scheme = parsed.scheme
        self.host = parsed.hostname
        self.port = parsed.port
        self.base_path = parsed.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._local = threading.local()
        self._open: List[http.client.HTTPConnection] = []  # every thread's connection, for close()
        self._lock = threading.Lock()

    # ---- connections ----
    def _new_connection(self, timeout: Optional[float]) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ssl.create_default_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._new_connection(self.timeout)
            with self._lock:
                self._open.append(conn)
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()
            with self._lock:
                if conn in self._open:
                    self._open.remove(conn)

    def close(self) -> None:
        """Closes the kept-alive connections of every thread."""
        with self._lock:
            conns, self._open = self._open, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def headers(self, has_body: bool, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        h = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if has_body:
            h["Content-Type"] = "application/json"
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if extra:
            h.update(extra)
        return h

    def _sleep(self, attempt: int, retry_after: Optional[str]) -> None:
        delay = self.backoff * (2 ** attempt) * (0.5 + random.random() / 2)
        if retry_after:
            try:
                delay = max(delay, float(retry_after))
            except ValueError:
                pass
        time.sleep(min(delay, 30.0))

    # ---- requests ----
    def request(self, method: str, path: str, query: Optional[Mapping[str, Any]] = None, body: Any = None,
                idempotent: Optional[bool] = None, timeout: Optional[float] = None, raw_body: Optional[bytes] = None,
                accept: Optional[str] = None, writable: bool = False) -> Tuple[int, Dict[str, str], Any]:
        """Sends one request (with retries) and returns (status, headers, body) of a 2xx/3xx answer.
        ``writable``: a 2xx body is read into a bytearray (arrays over it can be written, with no copy)."""
        target = self.base_path + path + _query_string(query)
        data = raw_body if raw_body is not None else (None if body is None else json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8"))
        headers = self.headers(data is not None, {"Accept": accept} if accept else None)
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        attempt = 0
        while True:
            conn = self._connection()
            if timeout is not None or conn.timeout != self.timeout:
                conn.timeout = self.timeout if timeout is None else timeout
                if conn.sock is not None:
                    conn.sock.settimeout(conn.timeout)
            try:
                conn.request(method, target, body=data, headers=headers)
                res = conn.getresponse()
                payload = _read_into(res) if writable and res.status < 300 else res.read()
            except ConnectionRefusedError as e:
                self._drop_connection()
                if attempt < self.retries:
                    self._sleep(attempt, None)
                    attempt += 1
                    continue
                raise TransportError("cannot connect to %s (%s)" % (self.url, e), method, path) from None
            except (socket.timeout, TimeoutError) as e:
                self._drop_connection()
                if safe and attempt < self.retries:
                    self._sleep(attempt, None)
                    attempt += 1
                    continue
                raise Timeout("no answer within %.1f s (%s)" % (conn.timeout or 0, e or "timed out"), method, path) from None
            except (OSError, http.client.HTTPException) as e:
                self._drop_connection()
                # A kept-alive connection the server closed meanwhile: the request never got there.
                stale = isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)) and attempt == 0
                if (safe or stale) and attempt < self.retries:
                    if not stale:
                        self._sleep(attempt, None)
                    attempt += 1
                    continue
                raise TransportError("%s: %s" % (type(e).__name__, e), method, path) from None
            res_headers = {k.lower(): v for k, v in res.getheaders()}
            if res.will_close:
                self._drop_connection()
            if res.status < 400:
                return res.status, res_headers, payload
            retryable = res.status == 503 or (safe and res.status in (502, 504))
            if retryable and attempt < self.retries:
                self._sleep(attempt, res_headers.get("retry-after"))
                attempt += 1
                continue
            raise error_for(res.status, _decode(payload, res_headers), method, path, res_headers)

    def json(self, method: str, path: str, query: Optional[Mapping[str, Any]] = None, body: Any = None,
             idempotent: Optional[bool] = None, timeout: Optional[float] = None) -> Any:
        _, headers, payload = self.request(method, path, query, body, idempotent, timeout)
        return _decode(payload, headers) if payload else None

    def stream(self, method: str, path: str, query: Optional[Mapping[str, Any]] = None,
               headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None) -> Response:
        """Opens a response to read incrementally, on its own connection (the caller closes it).
        No retries here: the callers (events, export) decide how to resume."""
        conn = self._new_connection(self.timeout if timeout is None else timeout)
        target = self.base_path + path + _query_string(query)
        try:
            conn.request(method, target, headers=self.headers(False, headers))
            res = conn.getresponse()
        except (socket.timeout, TimeoutError) as e:
            conn.close()
            raise Timeout("no answer within %.1f s (%s)" % (conn.timeout or 0, e or "timed out"), method, path) from None
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            raise TransportError("%s: %s" % (type(e).__name__, e), method, path) from None
        if res.status >= 400:
            payload = res.read()
            h = {k.lower(): v for k, v in res.getheaders()}
            conn.close()
            raise error_for(res.status, _decode(payload, h), method, path, h)
        return Response(conn, res)


def _read_into(res: http.client.HTTPResponse) -> Any:
    """The body in a bytearray of its Content-Length, read in place (bytes when the length is not given)."""
    length = res.getheader("content-length")
    if length is None or res.chunked:
        return bytearray(res.read())
    buf = bytearray(int(length))
    view = memoryview(buf)
    got = 0
    while got < len(buf):
        n = res.readinto(view[got:])
        if not n:
            raise http.client.IncompleteRead(bytes(view[:got]), len(buf) - got)
        got += n
    return buf


def _decode(payload: bytes, headers: Mapping[str, str]) -> Any:
    text = payload.decode("utf-8", "replace")
    if "json" in headers.get("content-type", ""):
        try:
            return json.loads(text)
        except ValueError:
            raise QDStudioError("the server sent malformed JSON: %r" % text[:200]) from None
    return text
