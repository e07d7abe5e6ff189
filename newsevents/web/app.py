"""The dashboard: pages rendered by Jinja2, charts drawn by our own JavaScript, JSON twins.

Routes (each page and chart has its data at an ``/api/...`` URL, taking the same query)::

    /                      home: counts, filters, time series, map, network, event table
    /articles/{id}         one article, evidence sentences highlighted, actors and places marked
    /ingest                paste text or URLs, or upload files; shows the job's progress
    /api/summary /api/timeseries /api/map /api/places /api/network /api/events
    /api/articles/{id}
    /api/ingest (POST)     starts an ingest job;  /api/jobs, /api/jobs/{id}: its progress
    /world.json            world borders (TopoJSON, alpha-3 ids), served here: no tiles, no CDN

Article text is untrusted: templates autoescape, the scripts set text with ``textContent``, and
every response carries a Content-Security-Policy that allows only this server's own scripts.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile
from starlette.middleware.trustedhost import TrustedHostMiddleware

from newsevents import api
from newsevents.config import Settings
from newsevents.errors import NewsEventsError, StoreError, UsageError
from newsevents.events.ontology import cameo
from newsevents.events.serialize import event_to_dict
from newsevents.records import MODALITIES
from newsevents.store.queries import article_view
from newsevents.web import views
from newsevents.web.article import article_blocks
from newsevents.web.database import Database
from newsevents.web.geo import world_topology
from newsevents.web.jobs import Jobs
from newsevents.web.query import COUNTS, PERIODS, filter_params, parse_query

HERE = Path(__file__).parent
#: Bytes one ingest form may send at most (files and pasted text together): a few dozen news
#: pages; bigger collections go through `newsevents ingest`, which streams.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: View answers kept in memory (a few kB to 200 kB each); all are dropped when it is full.
CACHED_VIEWS = 256
#: Documents per transaction in the form's jobs: small, so the progress the page shows moves.
INGEST_BATCH = 5
#: Files one ingest form may send at most.
MAX_UPLOAD_FILES = 100
SECURITY_HEADERS = {
    # Our own scripts, styles and data only: an article's text can never run as a script.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
QUAD_NAMES = {
    1: "Verbal cooperation",
    2: "Material cooperation",
    3: "Verbal conflict",
    4: "Material conflict",
}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def create_app(
    *,
    db: Path,
    settings: Settings | None = None,
    allowed_hosts: list[str] | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ingest: Callable[..., Any] = api.ingest,
) -> FastAPI:
    """The dashboard over the database at ``db``. ``allowed_hosts`` (Host header values) guards
    a server on loopback against DNS rebinding; ``ingest`` is what the form's jobs run."""
    database = Database(Path(db))
    settings = (settings or Settings()).replace(batch_size=INGEST_BATCH)
    jobs = Jobs(database, settings=settings, ingest=ingest, failures=api.failures)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()  # waits for a running ingest (queued ones are dropped)
        database.close()

    app = FastAPI(
        title="newsevents", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.database, app.state.jobs, app.state.max_upload = database, jobs, max_upload_bytes
    app.state.templates = _templates()
    # View data by (view, query, database version): the file changes only through this
    # server's ingest jobs while it is open (its read-only connection keeps other writers out).
    app.state.cache = {}
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.middleware("http")(_security_headers)
    app.add_exception_handler(NewsEventsError, _error)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _pages(app)
    _data_routes(app)
    _ingest_routes(app)
    return app


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value from an article is text, never markup
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(quad_names=QUAD_NAMES, modalities=MODALITIES, counts=COUNTS, periods=PERIODS)
    env.globals["roots"] = [(f"{n:02d}", cameo(f"{n:02d}").name.capitalize()) for n in range(1, 21)]
    return env


async def _security_headers(request: Request, call_next: Callable[..., Any]) -> Response:
    response: Response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response


def _error(request: Request, exc: NewsEventsError) -> Response:
    """A sentence for the user: 400 for a bad value, 503 while the file is busy (an ingest is
    writing: :class:`DatabaseLocked`) or missing."""
    status = 400 if isinstance(exc, UsageError) else 503 if isinstance(exc, StoreError) else 500
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=status)
    return _render(request, "error.html", status=status, message=str(exc))


def _render(request: Request, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    env: jinja2.Environment = request.app.state.templates
    page = env.get_template(name).render(request=request, **context)
    return HTMLResponse(page, status_code=status)


def _json(value: Any, *, status: int = 200) -> JSONResponse:
    return JSONResponse(jsonable_encoder(value), status_code=status)


# -- pages ---------------------------------------------------------------------------------------


def _pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        params = dict(request.query_params)
        context: dict[str, Any] = {"params": params, "summary": None, "message": None}
        try:
            query = parse_query(params)
            with request.app.state.database.reading() as con:
                context["summary"] = views.summary(con, query)
        except (UsageError, StoreError) as exc:  # a bad filter, no database yet, or busy:
            context["message"] = str(exc)  # the page still explains itself and says what
        return _render(request, "home.html", **context)

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article(request: Request, article_id: str, event: str | None = None) -> Response:
        data = _article(request, article_id)
        blocks = article_blocks(
            data["view"].article.text, data["view"].events, data["places"], selected=event
        )
        names = {e.cameo: views.cameo_name(e.cameo) for e in data["view"].events}
        back = filter_params(request.query_params)
        return _render(
            request,
            "article.html",
            **data,
            blocks=blocks,
            selected=event,
            back=back,
            cameo_names=names,
        )

    @app.get("/ingest", response_class=HTMLResponse)
    def ingest_page(request: Request) -> Response:
        return _render(
            request, "ingest.html", jobs=[j.to_dict() for j in request.app.state.jobs.all()]
        )

    @app.get("/world.json")
    def world() -> Response:
        headers = {"Cache-Control": "public, max-age=86400"}
        return Response(world_topology(), media_type="application/json", headers=headers)


def _article(request: Request, article_id: str) -> dict[str, Any]:
    database: Database = request.app.state.database
    with database.reading() as con:
        view = article_view(con, article_id, where=database.path)
        places = con.execute(
            "SELECT * FROM places WHERE article_id = ? ORDER BY start", [view.article.id]
        ).fetchall()
        columns = [d[0] for d in con.description or ()]
    return {"view": view, "places": [dict(zip(columns, p, strict=True)) for p in places]}


# -- data (the JSON twins) -----------------------------------------------------------------------

#: /api/NAME -> the function computing it from a connection and a ViewQuery.
_VIEWS = {
    "summary": views.summary,
    "timeseries": views.timeseries,
    "map": views.world,
    "places": views.places,
    "network": views.network,
    "events": views.events_page,
}


def _data_routes(app: FastAPI) -> None:
    for name, compute in _VIEWS.items():
        app.add_api_route(f"/api/{name}", _data_endpoint(compute), methods=["GET"], name=name)

    @app.get("/api")
    def index() -> Response:
        return _json({"views": [f"/api/{n}" for n in _VIEWS], "filters": _filter_help()})

    @app.get("/api/articles/{article_id}")
    def article(request: Request, article_id: str) -> Response:
        data = _article(request, article_id)
        view = data["view"]
        return _json(
            {
                "article": _article_dict(view.article),
                "duplicate_of": view.duplicate_of,
                "events": [event_to_dict(e) for e in view.events],
                "places": data["places"],
            }
        )


def _data_endpoint(compute: Callable[..., dict[str, Any]]) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        query = parse_query(dict(request.query_params))
        database: Database = request.app.state.database
        cache: dict[tuple[Any, ...], Any] = request.app.state.cache
        key = (compute.__name__, query, database.version)
        if key not in cache:
            with database.reading() as con:
                data = jsonable_encoder(compute(con, query))
            if len(cache) >= CACHED_VIEWS:
                cache.clear()
            cache[key] = data
        return JSONResponse(cache[key])

    return endpoint


def _filter_help() -> dict[str, str]:
    return {
        "from": "events on or after this date (YYYY-MM-DD)",
        "to": "events on or before this date",
        "actor": "either side: a country (USA), an actor code prefix (USAGOV) or a name",
        "dyad": "a directed pair SOURCE:TARGET, e.g. USA:COL",
        "root": "a CAMEO root code, 01 to 20",
        "quad": "QuadClass 1-4",
        "modality": ", ".join(MODALITIES),
        "count": "cluster (events reported by many articles once) or mention",
        "per": ", ".join(PERIODS),
    }


def _article_dict(article: Any) -> dict[str, Any]:
    fields = ("id", "title", "url", "published", "source", "original_source", "language", "text")
    return {name: getattr(article, name) for name in fields}


# -- ingest --------------------------------------------------------------------------------------


def _ingest_routes(app: FastAPI) -> None:
    @app.post("/api/ingest")
    async def start(request: Request) -> Response:
        _check_same_origin(request)
        limit: int = request.app.state.max_upload
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return _json(
                {"error": "LengthRequired", "message": "send a Content-Length"}, status=411
            )
        if int(length) > limit:
            return _too_large(limit)
        form = await request.form(max_files=MAX_UPLOAD_FILES, max_part_size=limit)
        jobs: Jobs = request.app.state.jobs
        folder = jobs.folder()
        try:
            sources, published = await _sources(form, folder=folder, limit=limit)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        status = jobs.submit(sources, folder=folder, published=published)
        return _json({**status.to_dict(), "status_url": f"/api/jobs/{status.id}"}, status=202)

    @app.get("/api/jobs")
    def all_jobs(request: Request) -> Response:
        return _json({"jobs": [j.to_dict() for j in request.app.state.jobs.all()]})

    @app.get("/api/jobs/{job_id}")
    def one_job(request: Request, job_id: int) -> Response:
        status = request.app.state.jobs.get(job_id)
        if status is None:
            return _json({"error": "NotFound", "message": f"no ingest job {job_id}"}, status=404)
        return _json(status.to_dict())


def _check_same_origin(request: Request) -> None:
    """Refuse a form posted by another site (a page the user visits cannot make this server
    fetch URLs or store documents)."""
    origin = request.headers.get("origin")
    here = f"{request.url.scheme}://{request.url.netloc}"
    site = request.headers.get("sec-fetch-site", "same-origin")
    if (origin is not None and origin != here) or site not in ("same-origin", "none"):
        raise UsageError(f"an ingest form from {origin or site} is not this dashboard's")


def _size(limit: int) -> str:
    mb = 1024 * 1024
    return f"{limit / mb:.0f} MB" if limit >= mb else f"{limit:,} bytes"


def _too_large(limit: int) -> Response:
    message = f"the documents sent are over {_size(limit)}; use `newsevents ingest` for more"
    return _json({"error": "TooLarge", "message": message}, status=413)


async def _sources(form: Any, *, folder: Path, limit: int) -> tuple[list[str], dt.date | None]:
    """What the form asks to ingest: pasted text and uploads saved in ``folder``, URLs as they
    are; and the publication date given for them."""
    sources, total = [], 0
    text = str(form.get("text") or "").strip()
    if text:
        path = folder / "pasted.txt"
        path.write_text(text + "\n", encoding="utf-8")
        sources.append(str(path))
    for number, upload in enumerate(form.getlist("files"), 1):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        path = folder / f"{number:02d}-{_safe_name(upload.filename)}"
        path.write_bytes(data := await upload.read())
        total += len(data)
        if total > limit:
            raise UsageError(f"the files sent are over {_size(limit)}; use `newsevents ingest`")
        sources.append(str(path))
    sources += _urls(str(form.get("urls") or ""))
    if not sources:
        raise UsageError("nothing to ingest: paste a text, give a URL or choose files")
    published = str(form.get("published") or "").strip()
    return sources, _date(published) if published else None


def _urls(value: str) -> list[str]:
    urls = value.split()
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"{url!r} is not a web address: give http:// or https:// URLs")
    return urls


def _safe_name(name: str) -> str:
    """An upload's own name, reduced to a safe file name with its extension (which says how to
    read it)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("_", base).lstrip(".")[-100:] or "upload"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"publication date {value!r} is not a date; use YYYY-MM-DD") from None
