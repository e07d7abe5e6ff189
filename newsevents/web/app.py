"""The dashboard: pages rendered by Jinja2, charts drawn by our own JavaScript, JSON twins.

Routes (each page and chart has its data at an ``/api/...`` URL, taking the same query)::

    /                      home: counts, filters, time series, map, network, event table
    /articles/{id}         one article, evidence sentences highlighted, actors and places marked
    /ingest                paste text or URLs, or upload files; shows the job's progress
    /api/summary /api/timeseries /api/map /api/places /api/network /api/events
    /api/articles/{id}
    /api/ingest (POST)     starts an ingest job;  /api/jobs, /api/jobs/{id}: its progress
    /api/ingest/handoff    (POST) an ingest `newsevents ingest --db` hands over (handoff.py)
    /login                 the token form: a server with a token (always beyond loopback) takes
                           writes only with it, from an HttpOnly cookie or ``Authorization:
                           Bearer``; a private one (``serve --private``) every request too
    /world.json            world borders (TopoJSON, alpha-3 ids), served here: no tiles, no CDN

Article text is untrusted: templates autoescape, the scripts set text with ``textContent``, and
every response (errors and static files too) carries a Content-Security-Policy that allows only
this server's own scripts and styles. Every route that changes something calls
:func:`_check_write` before reading its body: a page of another site cannot post to it, and when
the server has a token nobody without it can.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders, UploadFile
from starlette.middleware.trustedhost import TrustedHostMiddleware

from newsevents import api, handoff
from newsevents.config import Settings
from newsevents.errors import (
    AccessDenied,
    NewsEventsError,
    StoreError,
    TokenRequired,
    UsageError,
)
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
#: Bytes copied at a time from an upload to its job's folder.
COPY_CHUNK = 1024 * 1024
SECURITY_HEADERS = {
    # Our own scripts, styles and data only, none inline: an article's text never runs as script.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not no-referrer: under it a browser sends "Origin: null" with our own posts, which the
    # same-origin check of writes would then refuse. Other sites still get no Referer.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
#: The cookie /login sets: an HMAC of the token (HttpOnly, SameSite=Strict), never the token.
SESSION_COOKIE = "newsevents_session"
#: Bytes the /login form may send: one token.
MAX_LOGIN_BYTES = 4096
QUAD_NAMES = {
    1: "Verbal cooperation",
    2: "Material cooperation",
    3: "Verbal conflict",
    4: "Material conflict",
}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_log = logging.getLogger(__name__)


def create_app(
    *,
    db: Path,
    settings: Settings | None = None,
    allowed_hosts: list[str] | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ingest: Callable[..., Any] = api.ingest,
    token: str | None = None,
    private: bool = False,
) -> FastAPI:
    """The dashboard over the database at ``db``. ``allowed_hosts`` (Host header values) guards
    a server on loopback against DNS rebinding; ``ingest`` is what the form's jobs run; with a
    ``token`` every write needs it (a server beyond loopback always has one), and with
    ``private`` every read too."""
    if private and not token:
        raise UsageError("a private dashboard needs a token")
    database = Database(Path(db))
    settings = (settings or Settings()).replace(batch_size=INGEST_BATCH)
    jobs = Jobs(database, settings=settings, ingest=ingest)

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
    app.state.token = token or None
    app.state.private = private
    # View data by (view, query, database version): the file changes only through this
    # server's ingest jobs while it is open (its read-only connection keeps other writers out).
    app.state.cache = {}
    if private:
        app.add_middleware(SignInRequired, token=token)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so even a 400 from the host check
    app.add_exception_handler(NewsEventsError, _error)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _pages(app)
    _data_routes(app)
    _ingest_routes(app)
    _login_routes(app)
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


class SecurityHeaders:
    """ASGI middleware putting :data:`SECURITY_HEADERS` on every response: pages, data, static
    files, errors, and a 500 for an unexpected exception, which it answers itself because the
    server's own 500 (outside every middleware) would go without them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            _log.exception("unexpected error answering %s", scope.get("path"))
            answer = PlainTextResponse(
                "newsevents: an unexpected error; see the server's log.", 500
            )
            await answer(scope, receive, send_with_headers)


class SignInRequired:
    """ASGI middleware of a private dashboard: every request but the sign-in page, the static
    files and the handoff route (which checks its own key) needs the token, as a bearer header
    or the sign-in cookie. A page asked for without it redirects to /login; data gets a 401."""

    OPEN = ("/login", "/static/", "/api/ingest/handoff")

    def __init__(self, app: Any, *, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self._open(scope["path"]) or self._signed(scope):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/api"):
            answer: Response = JSONResponse(
                {"error": "TokenRequired", "message": "this dashboard is private: send its "
                 "token as 'Authorization: Bearer TOKEN', or sign in at /login"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="newsevents"'},
            )  # fmt: skip
        else:
            answer = RedirectResponse("/login", status_code=303)
        await answer(scope, receive, send)

    def _open(self, path: str) -> bool:
        return any(path == p or (p.endswith("/") and path.startswith(p)) for p in self.OPEN)

    def _signed(self, scope: Any) -> bool:
        request = Request(scope)
        given = request.headers.get("authorization", "")
        if given.lower().startswith("bearer ") and _same(given[7:].strip(), self.token):
            return True
        cookie = request.cookies.get(SESSION_COOKIE)
        return cookie is not None and _same(cookie, _session(self.token))


#: HTTP status of each kind of error (the first that matches); anything else is a 500.
_STATUS: tuple[tuple[type[NewsEventsError], int], ...] = (
    (TokenRequired, 401),
    (AccessDenied, 403),
    (UsageError, 400),
    (StoreError, 503),
)


def _error(request: Request, exc: NewsEventsError) -> Response:
    """A sentence for the user: 400 for a bad value, 401/403 for a refused write, 503 while the
    file is busy (an ingest is writing: :class:`DatabaseLocked`) or missing."""
    status = next((code for kind, code in _STATUS if isinstance(exc, kind)), 500)
    headers = {"WWW-Authenticate": 'Bearer realm="newsevents"'} if status == 401 else None
    if request.url.path.startswith("/api/"):
        body = {"error": type(exc).__name__, "message": str(exc)}
        return JSONResponse(body, status_code=status, headers=headers)
    response = _render(request, "error.html", status=status, message=str(exc))
    response.headers.update(headers or {})
    return response


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
        jobs = [j.to_dict() for j in request.app.state.jobs.all()]
        return _render(request, "ingest.html", jobs=jobs, signed_in=_signed_in(request))

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
        _check_write(request)
        limit: int = request.app.state.max_upload
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return _json(
                {"error": "LengthRequired", "message": "send a Content-Length"}, status=411
            )
        if int(length) > limit:
            return _too_large(limit)
        try:  # Content-Length is a claim: the body is counted as it arrives, and cut off
            form = await _limited(request, limit).form(
                max_files=MAX_UPLOAD_FILES, max_part_size=limit
            )
        except _BodyTooLarge:
            return _too_large(limit)
        jobs: Jobs = request.app.state.jobs
        folder = jobs.folder()
        try:
            sources, published = await _sources(form, folder=folder, limit=limit)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        status = jobs.submit(sources, folder=folder, published=published)
        return _json({**status.to_dict(), "status_url": f"/api/jobs/{status.id}"}, status=202)

    @app.post("/api/ingest/handoff")
    async def handed_over(request: Request) -> Response:
        """`newsevents ingest --db` on this server's file hands its job here (handoff.py)."""
        _check_write(request)
        handoff.check_key(request.headers.get(handoff.KEY_HEADER), request.app.state)
        sources, published, settings = handoff.parse_request(await handoff.read_body(request))
        jobs: Jobs = request.app.state.jobs
        status = jobs.submit(
            sources, folder=None, published=published, settings=settings, command="ingest"
        )
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


def _check_write(request: Request) -> None:
    """Call first in every route that changes something, before reading the body: refuses
    (:class:`AccessDenied`, 403) a request that a page of another site made the browser send,
    then, when the server has a token, one without it (:class:`TokenRequired`, 401) or with
    another (403). The token comes as ``Authorization: Bearer TOKEN`` (scripts, other
    processes) or in the cookie the /login form sets (browsers)."""
    _check_same_origin(request)
    token: str | None = request.app.state.token
    if token is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        if not _same(given.strip(), token):
            raise AccessDenied("the token sent is not this dashboard's")
        return
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is not None and _same(cookie, _session(token)):
        return
    raise TokenRequired(
        "adding articles to this dashboard needs the token `newsevents serve` printed: "
        "enter it at /login, or send it as 'Authorization: Bearer TOKEN'"
    )


def _signed_in(request: Request) -> bool:
    """Whether this browser may write: the server has no token, or its cookie is the token's."""
    token: str | None = request.app.state.token
    cookie = request.cookies.get(SESSION_COOKIE)
    return token is None or (cookie is not None and _same(cookie, _session(token)))


def _check_same_origin(request: Request) -> None:
    """Refuse a request another site's page sent (a page the user visits cannot make this
    server fetch URLs or store documents). Browsers say where a request comes from in
    Sec-Fetch-Site, Origin or Referer; a client that sends none of them is no browser."""
    here = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin is None and (referer := request.headers.get("referer")):
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    site = request.headers.get("sec-fetch-site", "same-origin")
    if (origin is not None and origin != here) or site not in ("same-origin", "none"):
        raise AccessDenied(
            f"a request from {origin or site} to change this dashboard is refused: "
            "only the dashboard's own pages may"
        )


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison (bytes: a non-ASCII guess must not raise)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _session(token: str) -> str:
    """The cookie value for ``token``: derived from it, so the cookie store holds no token."""
    return hmac.new(token.encode("utf-8"), b"newsevents session", hashlib.sha256).hexdigest()


class _BodyTooLarge(Exception):
    """The request body went over its cap while it was being received."""


def _limited(request: Request, limit: int) -> Request:
    """``request`` with a body that raises :class:`_BodyTooLarge` once more than ``limit``
    bytes have arrived, whatever Content-Length said: nothing past the cap is parsed or
    spooled."""
    received = 0

    async def receive() -> Any:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge
        return message

    return Request(request.scope, receive)


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
        with path.open("wb") as saved:  # in chunks: an upload is never in memory whole
            while chunk := await upload.read(COPY_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise UsageError(f"the files sent are over {_size(limit)}")
                saved.write(chunk)
        sources.append(str(path))  # read by the same readers as `newsevents ingest FILE`
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


# -- login ---------------------------------------------------------------------------------------


def _login_routes(app: FastAPI) -> None:
    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        return _login(request)

    @app.post("/login")
    async def login(request: Request) -> Response:
        """The token typed into the form becomes an HttpOnly, SameSite=Strict cookie: scripts
        (even injected ones) cannot read it and other sites' requests do not carry it."""
        _check_same_origin(request)
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MAX_LOGIN_BYTES:
            return _login(request, status=413, message="send only the token")
        try:
            form = await _limited(request, MAX_LOGIN_BYTES).form(max_files=0)
        except _BodyTooLarge:
            return _login(request, status=413, message="send only the token")
        token: str | None = request.app.state.token
        if token is None:
            return RedirectResponse("/ingest", status_code=303)
        if not _same(str(form.get("token") or "").strip(), token):
            return _login(request, status=403, message="That is not this dashboard's token.")
        response = RedirectResponse("/" if request.app.state.private else "/ingest", 303)
        response.set_cookie(
            SESSION_COOKIE,
            _session(token),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response


def _login(request: Request, *, status: int = 200, message: str | None = None) -> Response:
    needed = request.app.state.token is not None
    private = request.app.state.private
    page = _render(
        request, "login.html", status=status, needed=needed, private=private, message=message
    )
    page.headers["Cache-Control"] = "no-store"
    return page
