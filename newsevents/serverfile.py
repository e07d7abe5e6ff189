"""The server file: how another newsevents process finds the dashboard serving a database.

DuckDB lets one process write a file, so while ``newsevents serve --db F`` runs, an ingest into F
must go through the server. The server says where it is in ``F.serve.json`` beside the database:
its pid, its URL, a handoff key and its write token if it has one. The file is created with mode
0600, so only the user who started the server (who could read the database anyway) can hand it
work; a file that is not ours or is readable by others is ignored, as is one whose process is
gone (a server killed with SIGKILL cannot remove it).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from newsevents.errors import UsageError

#: Characters of another process's command line quoted in a "file in use" message.
SHOWN_COMMAND = 100


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """A running dashboard: ``key`` authorises handoffs, ``token`` its writes (if it has one)."""

    pid: int
    url: str
    key: str
    db: str
    token: str | None = None
    #: When the process started (Linux: clock ticks after boot), to tell a reused pid.
    started: int | None = None
    #: The certificate an https server presents (the local client trusts it, and only it).
    cert: str | None = None


def server_file(db: Path) -> Path:
    """Where the server of ``db`` announces itself: ``F.serve.json`` next to ``F``."""
    return db.with_name(db.name + ".serve.json")


@contextmanager
def announce(
    db: Path, *, url: str, token: str | None = None, cert: str | None = None
) -> Iterator[ServerInfo]:
    """Write the server file for ``db`` for as long as the block runs, then remove it.

    :class:`UsageError` if another live server already serves ``db``: two dashboards on one file
    would each hold it open, and neither could write.
    """
    running = live_server(db)
    if running is not None and running.pid != os.getpid():
        raise UsageError(
            f"a dashboard for {db} is already running at {running.url} (pid {running.pid}); "
            "use that one, or stop it first"
        )
    info = ServerInfo(
        pid=os.getpid(),
        url=url,
        key=secrets.token_urlsafe(32),
        db=str(db.resolve()),
        token=token,
        started=_start_time(os.getpid()),
        cert=cert,
    )
    path = server_file(db)
    _write_private(path, json.dumps(asdict(info)))
    try:
        yield info
    finally:
        # Only our own file: a newer server may have replaced it after we were declared dead.
        current = _read(path)
        if current is not None and current.pid == info.pid and current.key == info.key:
            with suppress(OSError):
                path.unlink()


def live_server(db: Path) -> ServerInfo | None:
    """The dashboard serving ``db`` now, from its server file; None when there is none."""
    info = _read(server_file(db))
    if info is None or not _alive(info.pid):
        return None
    if info.started is not None and info.started != _start_time(info.pid):
        return None  # the server died and its pid went to another process
    return info


def describe_holder(db: Path, pid: int | None) -> str:
    """Who holds ``db``, in words: the dashboard (with its URL), or a process and its command."""
    if pid is None:
        return "another newsevents process"
    server = live_server(db)
    if server is not None and server.pid == pid:
        return f"the dashboard at {server.url} (pid {pid}), which is running an ingest job"
    command = _command_line(pid)
    return f"another newsevents process (pid {pid}{f': {command}' if command else ''})"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only, replacing it in one step."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    with suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(partial, path)


def _read(path: Path) -> ServerInfo | None:
    try:
        with open(path, encoding="utf-8") as handle:
            mode = os.fstat(handle.fileno())
            if mode.st_uid != os.getuid() or stat.S_IMODE(mode.st_mode) & 0o077:
                return None  # someone else's, or readable by others: not a server of ours
            data = json.load(handle)
        return ServerInfo(
            pid=int(data["pid"]),
            url=str(data["url"]),
            key=str(data["key"]),
            db=str(data["db"]),
            token=data.get("token"),
            started=data.get("started"),
            cert=data.get("cert"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # another user's process: not the server that wrote our 0600 file
    return True


def _start_time(pid: int) -> int | None:
    """When process ``pid`` started, from Linux's /proc (None elsewhere or if it is gone)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
        # Field 22, counted after the command name, which is in parentheses and may hold spaces.
        return int(stat_line.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _command_line(pid: int) -> str:
    """The process's command line (Linux /proc), shortened; empty where it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [w for w in raw.decode("utf-8", "replace").split("\0") if w]
    for index, word in enumerate(words):  # from the newsevents command on, not the interpreter
        if word.endswith("newsevents") or word == "newsevents.cli":
            words = ["newsevents", *words[index + 1 :]]
            break
    text = " ".join(" ".join(words).split())  # one line, even for a `python -c` script
    return text if len(text) <= SHOWN_COMMAND else text[: SHOWN_COMMAND - 1] + "…"
