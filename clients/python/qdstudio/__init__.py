"""Python client for QD Studio (quality-diversity search with MAP-Elites, as a service).

    from qdstudio import Client
    client = Client("http://127.0.0.1:3000")
    sched = client.scheduler(experiment)          # pyribs-shaped ask/tell
    archive = client.archive(experiment)          # columns, archive.to_pandas()

Standard library only; numpy and pandas are used when installed.
"""
from . import _models as models
from .client import Client, ExperimentRef
from .columns import ArchiveData, MetricsHistory
from .errors import (ApiError, BadRequest, Conflict, Forbidden, Gone, NotFound, PayloadTooLarge, QDStudioError, ServerError, Timeout,
                     TransportError, Unauthorized, Unavailable, Unprocessable)
from .events import Event, EventStream
from .scheduler import STATUS_NAMES, Scheduler, candidate_id

__version__ = "0.1.0"

__all__ = [
    "Client", "ExperimentRef", "Scheduler", "candidate_id", "STATUS_NAMES", "ArchiveData", "MetricsHistory", "Event", "EventStream", "models",
    "QDStudioError", "ApiError", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "Gone", "PayloadTooLarge",
    "Unprocessable", "ServerError", "Unavailable", "TransportError", "Timeout",
]
