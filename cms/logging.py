"""Logs as one JSON object per line on stdout, and one line per request.

Several app servers and workers write to one log collector (journald, a container runtime);
JSON lines keep each record whole and searchable by field. The request id comes from the
proxy's `X-Request-ID` (nginx `$request_id`) when it sends one, so a line here can be matched
with the proxy's access log; every record logged while a request runs carries it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import time
import uuid

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
request_logger = logging.getLogger("judging.requests")

# Attributes every LogRecord has; anything else was passed in `extra=` and goes into the line.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _request_id(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    # Only a plain token from the proxy; anything else could forge or break log lines.
    if 0 < len(given) <= 64 and all(c.isalnum() or c in "-_" for c in given):
        return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """First in MIDDLEWARE: one INFO line per request with its status, duration and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _request_id(request)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        response["X-Request-ID"] = request_id
        return response
