"""Exceptions raised by the client.

Every error response of the server has the shape
``{"error": {"code", "message", "issues": [{"path", "message"}]}}``; it becomes an
:class:`ApiError` (or the subclass for its status) carrying those fields, so

    try:
        client.create_experiment({...})
    except qdstudio.BadRequest as e:
        for issue in e.issues:
            print(issue["path"], issue["message"])
"""
from typing import Dict, List, Optional, Type

__all__ = [
    "QDStudioError",
    "ApiError",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PayloadTooLarge",
    "Unprocessable",
    "ServerError",
    "Unavailable",
    "TransportError",
    "Timeout",
]


class QDStudioError(Exception):
    """Base class of everything this package raises."""


class ApiError(QDStudioError):
    """The server answered with an error status."""

    def __init__(self, status: int, code: str, message: str, issues: Optional[List[Dict[str, str]]] = None,
                 method: str = "", path: str = "", headers: Optional[Dict[str, str]] = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.issues: List[Dict[str, str]] = list(issues or [])
        self.method = method
        self.path = path
        self.headers: Dict[str, str] = dict(headers or {})
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = ("%s %s -> " % (self.method, self.path)) if self.method else ""
        text = "%s%d %s: %s" % (where, self.status, self.code, self.message)
        if len(self.issues) > 1:
            text += "".join("\n  %s: %s" % (i.get("path", "?"), i.get("message", "")) for i in self.issues)
        return text


class BadRequest(ApiError):
    """400: malformed request; ``issues`` locates each problem (``body.descriptors[1].max``)."""


class Unauthorized(ApiError):
    """401: missing or wrong bearer token (the server has QD_API_TOKEN set)."""


class Forbidden(ApiError):
    """403: the server refused the request (e.g. a foreign Origin)."""


class NotFound(ApiError):
    """404: unknown (or malformed) id, empty cell."""


class Conflict(ApiError):
    """409: the experiment is in the wrong state for this action."""


class Gone(ApiError):
    """410: asked candidates told after their batch expired (``ttlSeconds`` of the ask): ask again."""


class PayloadTooLarge(ApiError):
    """413: the body is over the server's limit (send smaller batches)."""


class Unprocessable(ApiError):
    """422: well-formed but inconsistent with the experiment (unknown candidate, wrong lengths)."""


class ServerError(ApiError):
    """5xx: a bug or a dependency outage on the server."""


class Unavailable(ServerError):
    """503: the server asks to retry later (database busy or unreachable)."""


class TransportError(QDStudioError):
    """No usable answer: connection refused or reset, bad response (after the retries)."""

    def __init__(self, message: str, method: str = "", path: str = "") -> None:
        self.method = method
        self.path = path
        super().__init__(("%s %s: %s" % (method, path, message)) if method else message)


class Timeout(TransportError):
    """The server did not answer within the client's timeout (after the retries)."""


_BY_STATUS: Dict[int, Type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: Gone,
    413: PayloadTooLarge,
    422: Unprocessable,
    503: Unavailable,
}


def error_for(status: int, body: object, method: str = "", path: str = "", headers: Optional[Dict[str, str]] = None) -> ApiError:
    """The exception for an error response (any body: JSON error shape, text, nothing)."""
    code, message, issues = "http_%d" % status, "HTTP %d" % status, None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        code = str(err.get("code") or code)
        message = str(err.get("message") or message)
        raw = err.get("issues")
        if isinstance(raw, list):
            issues = [{"path": str(i.get("path", "")), "message": str(i.get("message", ""))} for i in raw if isinstance(i, dict)]
    elif isinstance(body, str) and body.strip():
        message = body.strip()[:500]
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, code, message, issues, method, path, headers)
