"""A scripted local HTTP server for the transport tests (timeouts, retries, reconnects):
each request pops the next behaviour from a list and is recorded."""
import http.server
import json
import threading
import time
from typing import Any, Callable, Dict, List


class StubServer:
    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.script: List[Callable[[http.server.BaseHTTPRequestHandler], None]] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append({"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                action = stub.script.pop(0) if stub.script else reply(500, {"error": {"code": "internal", "message": "no scripted answer"}})
                try:
                    action(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = do_PATCH = _handle

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(status: int, body: Any, headers: Dict[str, str] = {}) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def act(h: http.server.BaseHTTPRequestHandler) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("content-type", "application/json")
        h.send_header("content-length", str(len(data)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    return act


def stall(seconds: float) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """Answers nothing for `seconds` (longer than the client's timeout), then closes."""

    def act(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        h.close_connection = True

    return act


def sse(events: List[str], close: bool = True) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """Sends the given raw SSE blocks, then ends the stream (as a restarting server would)."""

    def act(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("content-type", "text/event-stream")
        h.send_header("connection", "close")
        h.end_headers()
        for block in events:
            h.wfile.write(block.encode())
            h.wfile.flush()
        h.close_connection = close

    return act
