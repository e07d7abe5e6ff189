"""`newsevents ingest` on a database another process holds: hand the job over, or wait.

DuckDB lets one process write a file. So an ingest into ``F``:

1. if a dashboard serves ``F`` (its server file, :mod:`newsevents.serverfile`, names a live
   process), is handed to it: the documents' resolved paths and URLs and the ingest's settings
   go to ``POST /api/ingest/handoff``, the server runs them as one of its ingest jobs (its views
   keep answering), and this process follows the job's progress and prints the same summary;
2. else it opens ``F`` itself; when another process holds ``F`` it waits (saying so, once) and
   tries again until ``wait`` seconds have passed. Nothing is written before the file is held,
   so trying again is safe, and a second ingest of the same documents stores nothing twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from newsevents import errors
from newsevents.config import Settings
from newsevents.errors import AccessDenied, DatabaseLocked, NewsEventsError, StoreError, UsageError
from newsevents.records import RunSummary, WorkerMemory
from newsevents.serverfile import ServerInfo, describe_holder, live_server
from newsevents.store.db import connect

#: The server's route that takes a handed-over ingest.
ROUTE = "api/ingest/handoff"
#: Header carrying the handoff key from the server file.
KEY_HEADER = "X-Newsevents-Handoff"
#: Seconds between two looks at a handed-over job's progress.
POLL_EVERY = 0.5
#: Seconds a server that has written its file may take to start answering.
STARTUP_WAIT = 30.0
#: Seconds one request to the local server may take.
REQUEST_TIMEOUT = 30.0
#: Bytes of JSON a handoff may send: a list of paths and URLs, and the settings.
MAX_BODY_BYTES = 10 * 1024 * 1024
#: Default of `newsevents ingest --wait`: seconds to wait for a file another process holds.
DEFAULT_WAIT = 600.0

ProgressCallback = Callable[[RunSummary], None]


def ingest(
    sources: Iterable[str],
    *,
    db: Path,
    settings: Settings,
    published: dt.date | None = None,
    on_batch: ProgressCallback | None = None,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
    on_handoff: Callable[[ServerInfo, int], None] | None = None,
    workers: int | None = None,
) -> RunSummary:
    """``api.ingest`` that works while another process holds ``db`` (see the module's docstring).

    ``on_wait`` is called once, with a sentence saying what holds the file, when this process
    starts waiting for it; ``on_handoff`` with the server and the job id when the dashboard
    takes the job. :class:`DatabaseLocked` once ``wait`` seconds have passed (0: at once).
    """
    from newsevents import api

    sources = list(sources)
    if workers is not None:  # as api.ingest does: the server's job gets them in the settings
        settings = settings.replace(workers=workers)
    deadline = time.monotonic() + wait
    told = False
    while True:
        server = live_server(db)
        if server is not None:
            return hand_off(
                server,
                sources,
                settings=settings,
                published=published,
                on_batch=on_batch,
                on_handoff=on_handoff,
            )
        try:
            if db.exists():  # a held file is found before the model loads (seconds, memory)
                connect(db, read_only=False).close()
            return api.ingest(
                sources, db=db, settings=settings, published=published, on_batch=on_batch
            )
        except DatabaseLocked as exc:
            if time.monotonic() >= deadline:
                if wait > 0:
                    raise DatabaseLocked(
                        f"{exc} (waited {wait:g} s; --wait sets how long)",
                        source=exc.source,
                        holder=exc.holder,
                    ) from exc
                raise
            if on_wait is not None and not told:
                on_wait(
                    f"{db} is in use by {describe_holder(db, exc.holder)}; waiting up to "
                    f"{wait:g} s for it (--wait) — Ctrl-C to stop"
                )
                told = True
            time.sleep(min(POLL_EVERY, max(0.0, deadline - time.monotonic())))


def hand_off(
    server: ServerInfo,
    sources: list[str],
    *,
    settings: Settings,
    published: dt.date | None = None,
    on_batch: ProgressCallback | None = None,
    on_handoff: Callable[[ServerInfo, int], None] | None = None,
) -> RunSummary:
    """Have the dashboard ``server`` run the ingest; follow it to the end; its summary."""
    body = {
        "sources": [_resolved(s) for s in sources],
        "published": published.isoformat() if published else None,
        "settings": settings_to_dict(settings),
    }
    job = _post(server, body)
    if on_handoff is not None:
        on_handoff(server, int(job["id"]))
    return _follow(server, str(job["status_url"]), on_batch=on_batch)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """``settings`` as JSON values (file paths as absolute strings)."""
    plain = dataclasses.asdict(settings)
    for name in _path_fields():
        plain[name] = [str(Path(v).resolve()) for v in plain[name]]
    return plain


def settings_from_dict(values: Mapping[str, Any]) -> Settings:
    """The :class:`Settings` sent by :func:`settings_to_dict`; :class:`UsageError` if a field is
    unknown or not a JSON scalar (a client of another version)."""
    unknown = set(values) - {f.name for f in dataclasses.fields(Settings)}
    if unknown:
        raise UsageError(f"unknown settings {', '.join(sorted(unknown))}: is the server older?")
    paths = _path_fields()
    chosen: dict[str, Any] = {}
    for name, value in values.items():
        if name in paths:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise UsageError(f"setting {name}: a list of file paths, not {value!r}")
            chosen[name] = tuple(Path(v) for v in value)
        elif value is None or isinstance(value, str | int | float | bool):
            chosen[name] = value
        else:
            raise UsageError(f"setting {name}: {value!r} is not a plain value")
    return Settings(**chosen)


def _path_fields() -> set[str]:
    """The settings that are tuples of files (user dictionaries and patterns)."""
    return {f.name for f in dataclasses.fields(Settings) if "Path" in str(f.type)}


def parse_request(body: Any) -> tuple[list[str], dt.date | None, Settings]:
    """A handoff request's sources, publication date and settings; :class:`UsageError` if the
    body is not what :func:`hand_off` sends."""
    if not isinstance(body, dict):
        raise UsageError("a handoff is a JSON object with sources, published and settings")
    sources = body.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise UsageError("a handoff needs a non-empty list of sources")
    published = body.get("published")
    try:
        date = dt.date.fromisoformat(published) if published else None
    except (TypeError, ValueError):
        raise UsageError(f"publication date {published!r} is not a date") from None
    settings = body.get("settings") or {}
    if not isinstance(settings, dict):
        raise UsageError("a handoff's settings are a JSON object")
    return sources, date, settings_from_dict(settings)


def check_key(given: str | None, state: Any) -> None:
    """Refuse a handoff without the key of this server's file (``state.handoff_key``, set by
    `newsevents serve`): only its user can read that file, and a handoff makes the server read
    local files. :class:`AccessDenied` otherwise."""
    expected: str | None = getattr(state, "handoff_key", None)
    if expected is None:
        raise AccessDenied("this dashboard takes no handed-over ingests (it has no server file)")
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AccessDenied("a handed-over ingest needs the key of the dashboard's server file")


async def read_body(request: Any) -> Any:
    """The request's JSON, at most :data:`MAX_BODY_BYTES`; :class:`UsageError` if it is not."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise UsageError(f"a handoff is at most {MAX_BODY_BYTES:,} bytes of JSON")
    try:
        return json.loads(body)
    except ValueError:
        raise UsageError("a handoff is a JSON object") from None


def _summary(values: dict[str, Any]) -> RunSummary:
    """A :class:`RunSummary` from its JSON form (as :meth:`JobStatus.to_dict` gives it)."""
    workers = tuple(WorkerMemory(**w) for w in values.get("workers") or ())
    return RunSummary(**{**values, "workers": workers})


def _resolved(source: str) -> str:
    """A local path made absolute (the server runs in another directory); a URL as it is."""
    if "://" in source:
        return source
    return str(Path(source).resolve())


def _post(server: ServerInfo, body: dict[str, Any]) -> dict[str, Any]:
    """Send the job; a server that wrote its file but is still starting gets some seconds."""
    deadline = time.monotonic() + STARTUP_WAIT
    while True:
        try:
            return _request(server, ROUTE, data=json.dumps(body).encode())
        except _Unreachable as exc:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"the dashboard at {server.url} (pid {server.pid}) serves {server.db} but "
                    f"does not answer ({exc.reason}); stop it, or try again when it is up",
                    source=server.db,
                ) from None
            time.sleep(POLL_EVERY)


def _follow(
    server: ServerInfo, status_url: str, *, on_batch: ProgressCallback | None
) -> RunSummary:
    """Poll the job until it ends: its summary, or its error raised again here."""
    seen: dict[str, Any] | None = None
    while True:
        try:
            job = _request(server, status_url.lstrip("/"))
        except _Unreachable as exc:
            raise StoreError(
                f"the dashboard at {server.url} stopped answering ({exc.reason}) during the "
                f"ingest; `newsevents runs --db {server.db}` shows what was stored",
                source=server.db,
            ) from None
        summary = job.get("summary")
        if summary and summary != seen and on_batch is not None:  # as each batch is committed
            on_batch(_summary(summary))
        seen = summary
        if job["state"] == "done":
            return _summary(summary)
        if job["state"] == "failed":
            raise _error(job)
        time.sleep(POLL_EVERY)


def _error(job: dict[str, Any]) -> NewsEventsError:
    """The job's error as the exception the server raised (its class, by name)."""
    kind = getattr(errors, str(job.get("error_type")), None)
    message = f"the dashboard's ingest job {job['id']} failed: {job.get('error')}"
    if isinstance(kind, type) and issubclass(kind, NewsEventsError):
        return kind(message)
    return NewsEventsError(message)


class _Unreachable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _request(server: ServerInfo, path: str, *, data: bytes | None = None) -> dict[str, Any]:
    """One JSON request to the local server, never through a proxy."""
    headers = {"Accept": "application/json", KEY_HEADER: server.key}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if server.token:
        headers["Authorization"] = f"Bearer {server.token}"
    request = urllib.request.Request(
        server.url.rstrip("/") + "/" + path, data=data, headers=headers
    )
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if server.url.startswith("https:"):
        handlers.append(urllib.request.HTTPSHandler(context=local_tls(server.cert)))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            return dict(json.load(response))
    except urllib.error.HTTPError as exc:
        raise _refused(server, exc) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Unreachable(str(reason)) from None


def local_tls(cert: str | None) -> ssl.SSLContext:
    """TLS for a request to this machine's https dashboard: its own certificate (named in its
    0600 server file) is the one trusted, whoever issued it. The host name is not checked: the
    request goes to a loopback address, which the certificate (made for the name others use)
    does not name."""
    context = ssl.create_default_context(cafile=cert)
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a leaf certificate as the anchor
    return context


def _refused(server: ServerInfo, exc: urllib.error.HTTPError) -> NewsEventsError:
    """The server's own sentence for a refused request (a bad source, a wrong key)."""
    try:
        message = json.loads(exc.read()).get("message") or exc.reason
    except (ValueError, AttributeError):
        message = exc.reason
    kind = UsageError if exc.code == 400 else NewsEventsError
    return kind(f"the dashboard at {server.url} refused the ingest: {message}")
