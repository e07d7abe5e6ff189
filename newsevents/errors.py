"""Every exception newsevents raises, in one tree.

    NewsEventsError                 base; carries ``source`` (the document or URL concerned)
    ├── InputError                  the document itself is unusable (terminal)
    │   ├── EmptyDocument           nothing but whitespace
    │   ├── BinaryDocument          not text: NUL bytes, an image, an archive
    │   ├── DocumentTooLarge        over ``Settings.max_document_bytes``
    │   ├── MalformedDocument       JSON/JSONL/feed/WARC that does not parse (names the line)
    │   ├── UnsupportedFormat       a file type newsevents does not read
    │   └── NoArticleContent        a page with no article body (a front page, an error page)
    ├── FetchError                  getting a URL failed
    │   ├── UnsafeURL               scheme not http(s), or a private/loopback/link-local address
    │   ├── HTTPStatusError         the server answered 4xx/5xx (5xx and 429 are transient)
    │   ├── TooManyRedirects        a redirect loop or a chain over ``Settings.max_redirects``
    │   ├── FetchTimeout            connect or read took too long (transient)
    │   ├── ConnectFailed           DNS failure, refused connection, reset (transient)
    │   ├── ResponseTooLarge        body over ``Settings.max_fetch_bytes``
    │   └── UnsupportedContentType  not HTML, text or a feed
    ├── StoreError                  the database could not be used
    │   ├── DatabaseLocked          another process holds the file
    │   └── MigrationError          the file's schema is newer or broken
    ├── SetupError                  the installation is incomplete or a data file is broken
    │   ├── ModelNotInstalled       the configured spaCy model package is not installed
    │   └── DataFileError           a shipped or user table is malformed (names file and line)
    ├── AccessDenied                the dashboard refuses a write: sent by another site's page (403)
    │   └── TokenRequired           a write without the server's token (401)
    └── UsageError                  a bad option or argument from the user
        ├── InvalidCameoCode        not a zero-padded CAMEO code in the table ("42", 42)
        └── UnknownPloverName       not a PLOVER event type, current or draft

``transient`` says whether the same call may succeed later (dlt's terminal/transient split): the
batch goes on either way, but a transient failure is worth retrying. All exceptions pickle, since
they cross process boundaries.
"""

from __future__ import annotations

from typing import Any


class NewsEventsError(Exception):
    """Base of the tree; ``str(error)`` is a sentence a person understands."""

    transient: bool = False

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.message,), {"source": self.source})

    def __str__(self) -> str:
        return self.message


class InputError(NewsEventsError):
    """The document cannot be used as it is; retrying will not help."""


class EmptyDocument(InputError):
    """The document holds no text."""


class BinaryDocument(InputError):
    """The document is not text."""


class DocumentTooLarge(InputError):
    """The document exceeds the configured size cap."""


class MalformedDocument(InputError):
    """A structured document (JSON, JSONL, feed, WARC) does not parse."""


class UnsupportedFormat(InputError):
    """newsevents does not read this kind of file."""


class NoArticleContent(InputError):
    """Extraction found no article body in the page."""


class FetchError(NewsEventsError):
    """A URL could not be fetched."""


class UnsafeURL(FetchError):
    """The URL's scheme or resolved address is refused."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, source: str | None = None, status: int = 0) -> None:
        super().__init__(message, source=source)
        self.status = status

    @property
    def transient(self) -> bool:  # type: ignore[override]
        return self.status >= 500 or self.status == 429

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.message,), {"source": self.source, "status": self.status})


class TooManyRedirects(FetchError):
    """Redirects looped or exceeded the cap."""


class FetchTimeout(FetchError):
    """Connecting or reading timed out."""

    transient = True


class ConnectFailed(FetchError):
    """The host could not be resolved or reached."""

    transient = True


class ResponseTooLarge(FetchError):
    """The response body exceeds the fetch size cap."""


class UnsupportedContentType(FetchError):
    """The response is not HTML, text or a feed."""


class StoreError(NewsEventsError):
    """The database could not be opened or written."""


class DatabaseLocked(StoreError):
    """Another process holds the database file; ``holder`` is its pid when DuckDB says it."""

    transient = True

    def __init__(self, message: str, *, source: str | None = None, holder: int | None = None):
        super().__init__(message, source=source)
        self.holder = holder

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.message,), {"source": self.source, "holder": self.holder})


class MigrationError(StoreError):
    """The database schema cannot be brought to this version."""


class SetupError(NewsEventsError):
    """newsevents cannot run as installed; the message says what to install or fix."""


class ModelNotInstalled(SetupError):
    """The configured spaCy model is not installed."""


class DataFileError(SetupError, ValueError):
    """A data table is malformed or holds a bad value; the message names the file and line."""


class AccessDenied(NewsEventsError):
    """The dashboard refuses to change anything for this request (another site, a wrong token)."""


class TokenRequired(AccessDenied):
    """A write to a dashboard that has a token, without it."""


class UsageError(NewsEventsError):
    """A bad option or argument."""


class InvalidCameoCode(UsageError, ValueError):
    """Not a CAMEO code: wrong type, not zero-padded, or not in the CAMEO table."""


class UnknownPloverName(UsageError, ValueError):
    """Not a PLOVER event type name, current or draft."""
