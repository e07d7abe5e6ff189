"""HTML page → article body and metadata. The only module that imports trafilatura and htmldate.

:func:`extract_html` parses the page once (lxml, through trafilatura's loader) and hands that tree
to every step:

    1. body and metadata   trafilatura (title, site name, author, canonical URL)
    2. publication date    htmldate, in the order of :data:`~newsevents.records.DATE_ORIGINS`:
       a. the markup only, no free-text search             → "html-meta"
       b. a full date in the URL path (given or canonical) → "url"
       c. htmldate's extensive free-text search            → "html-text", kept only when the page
          states a full day (a copyright year or a bare month is not a publication date)
    3. language            the language the page declares (``<html lang>``), if any

Nothing here guesses: a page without a date gets ``published=None``, one without a declared
language gets ``language=None`` (stage 1 then detects it from the text).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsevents.errors import MalformedDocument, NoArticleContent

if TYPE_CHECKING:
    from lxml.html import HtmlElement


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page yields: the article body and what the page says about it.

    ``text`` holds one paragraph per block, separated by blank lines; the title is not repeated in
    it. ``published_from`` is one of ``"html-meta"``, ``"html-text"``, ``"url"`` (see
    :data:`~newsevents.records.DATE_ORIGINS`) or ``None`` when ``published`` is ``None``.
    ``language`` is the ISO 639-1 code the page declares, not a guess.
    """

    text: str
    title: str | None = None
    published: dt.date | None = None
    published_from: str | None = None
    site: str | None = None
    author: str | None = None
    language: str | None = None


#: trafilatura options, measured on the scrapinghub article-extraction benchmark (181 pages,
#: token F1 per page, see ``eval/``): defaults 0.959; favor_precision 0.965 (kept: it drops
#: "related stories" and teaser blocks that event coding would read as news); favor_recall 0.959;
#: include_tables=False 0.956 (tables hold results and figures the gold bodies keep);
#: include_comments=True 0.948 (reader comments are not the article); fast=True 0.961 alone but
#: 0.946 with favor_precision (the fallback extractors rescue pages precision mode empties).
#: deduplicate stays off: its cache is process-wide, so a page's body would depend on the pages
#: the same worker saw before it (and it scored 0.942).
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "deduplicate": False,
}

#: Passed to the date search trafilatura runs while collecting metadata. Its answer is ignored:
#: htmldate reads the URL before the markup, which would bypass the order of DATE_ORIGINS.
#: trafilatura offers no switch to skip it, so it is made as cheap as possible (~1.5 ms a page).
_TRAFILATURA_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}

#: Dates in a URL path: /2024/05/03/, /2024-05-03-slug, _2024_05_03. The same separator twice,
#: so a version number or a "1/2/3" page counter is not read as a date.
_URL_DATE = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})([/_.-])([01]?[0-9])\2([0-3]?[0-9])(?![0-9])",
)
#: Before the web there were no news URLs; a date past tomorrow (any time zone) is a typo or an
#: event page, not a publication date.
_EARLIEST_URL_YEAR = 1990

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

#: Block-level tags that mark a string as an HTML fragment rather than plain text or binary junk.
_FRAGMENT = re.compile(r"<(?:p|div|article|section|main|h[1-6]|blockquote|ul|ol|table)[\s>]", re.I)
_FRAGMENT_SNIFF_CHARS = 4096

_NO_BODY = "no article body found in the page (front page or error page?)"

_LANG_CODE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")


#: trafilatura's fallback returns the link text of a page that is only navigation ("HomeNews").
#: A body that short, with no sentence in it, is not an article.
_MIN_WORDS_WITHOUT_SENTENCE = 20


def _reads_as_article(text: str) -> bool:
    words = len(text.split())
    return words >= 3 and (words >= _MIN_WORDS_WITHOUT_SENTENCE or any(c in text for c in ".!?"))


def extract_html(html: str, *, url: str | None = None) -> Extracted:
    """The article in ``html``: body text, title, date (and how it was found), site, author.

    Raises :class:`~newsevents.errors.NoArticleContent` when the page has no article body (an
    empty or non-HTML input, a front page, an error page) and
    :class:`~newsevents.errors.MalformedDocument` when the HTML breaks the parser or extractor.
    """
    tree = _parse(html)
    # 1. body and metadata
    document = _run_trafilatura(tree, url=url)
    title = _clean_field(document.title)
    text = _body_text(document.text or "", title=title)
    if not _reads_as_article(text):
        raise NoArticleContent(_NO_BODY)
    # 2. publication date
    published, published_from = find_published(tree, html=html, url=url or document.url)
    return Extracted(
        text=text,
        title=title,
        published=published,
        published_from=published_from,
        site=_clean_field(document.sitename),
        author=_clean_field(document.author),
        # 3. language
        language=declared_language(tree),
    )


# --- 0. parsing ---------------------------------------------------------------------------------


def _parse(html: str) -> HtmlElement:
    if not html.strip():
        raise NoArticleContent("the page is empty: no article body to extract")
    tree = _load(html)
    if tree is None and _FRAGMENT.search(html[:_FRAGMENT_SNIFF_CHARS]):
        # trafilatura rejects a bare fragment ("<p>…</p>" with no <html>/<body>) as dubious;
        # JSON records and feed entries often carry just that, so give it a document to live in.
        tree = _load(f"<html><body>{html}</body></html>")
    if tree is None:
        raise NoArticleContent("no HTML document found in the input (empty, binary or not HTML)")
    return tree


def _load(html: str) -> HtmlElement | None:
    from trafilatura import load_html

    try:
        return load_html(html)
    except Exception as exc:  # lxml raises several unrelated types (and RecursionError) on junk
        raise MalformedDocument(f"the HTML could not be parsed: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --- 1. body and metadata -----------------------------------------------------------------------


def _run_trafilatura(tree: HtmlElement, *, url: str | None) -> Any:
    from trafilatura import bare_extraction

    try:
        # bare_extraction copies a tree it is given before pruning it, so ``tree`` stays intact
        # for the date and language steps.
        document = bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            date_extraction_params=_TRAFILATURA_DATE_PARAMS,
            **_TRAFILATURA_OPTIONS,
        )
    except RecursionError as exc:
        raise MalformedDocument("the HTML is nested too deeply to extract an article") from exc
    except Exception as exc:  # one odd page must not stop a crawl
        raise MalformedDocument(f"article extraction failed: {_describe(exc)}") from exc
    if document is None:
        raise NoArticleContent(_NO_BODY)
    return document


def _body_text(raw: str, *, title: str | None) -> str:
    # trafilatura puts one block per line; a blank line between paragraphs keeps sentence
    # splitting from running one block into the next.
    blocks = [" ".join(line.split()) for line in raw.splitlines()]
    blocks = [block for block in blocks if block]
    if title and blocks and _same_text(blocks[0], title):
        blocks = blocks[1:]  # the headline repeated as the first block is not body text
    return "\n\n".join(blocks)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _clean_field(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value or None


# --- 2. publication date ------------------------------------------------------------------------


def find_published(
    tree: HtmlElement, *, html: str, url: str | None = None
) -> tuple[dt.date | None, str | None]:
    """The page's publication date and where it was found, or ``(None, None)``.

    Steps a-c of the module docstring, in order; the first that answers wins.
    """
    found = _htmldate(tree, extensive=False)
    if found is not None and (found.day != 1 or states_day(html, found)):
        return found, "html-meta"
    from_url = date_in_url(url)
    if from_url is not None:
        return from_url, "url"
    found = _htmldate(tree, extensive=True)
    if found is not None and states_day(html, found):
        return found, "html-text"
    return None, None


def _htmldate(tree: HtmlElement, *, extensive: bool) -> dt.date | None:
    from htmldate import find_date

    try:
        # url="" keeps htmldate from reading the URL or the canonical link: that is step b.
        found = find_date(tree, extensive_search=extensive, original_date=True, url="")
    except Exception:  # a date is optional: a failing search means "no date", not a bad page
        return None
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        return None


def date_in_url(url: str | None) -> dt.date | None:
    """A full date (year, month and day) written in the path of ``url``, if there is one."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path.split("://", 1)[-1].partition("/")[2]  # the host name can hold digits too
    latest = dt.date.today() + dt.timedelta(days=1)
    for match in _URL_DATE.finditer(path):
        try:
            found = dt.date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            continue
        if _EARLIEST_URL_YEAR <= found.year and found <= latest:
            return found
    return None


def states_day(markup: str, day: dt.date) -> bool:
    """Whether ``markup`` writes out ``day`` in full (with its day of the month).

    htmldate turns a bare year ("© 2019") into January 1st and a bare month into the 1st of that
    month. Such a date is kept only when the page itself writes that 1st out; other days cannot
    come from a partial date, so only the 1st of a month needs checking.
    """
    if day.day != 1:
        return True
    return _full_day_pattern(day).search(markup) is not None


def _full_day_pattern(day: dt.date) -> re.Pattern[str]:
    y, m = day.year, day.month
    month = _MONTHS[m - 1]
    name = rf"(?:{month}|{month[:3]}\.?)"
    first = r"0?1(?:st)?"
    forms = (
        rf"{y}[-/.]0?{m}[-/.]01?(?![0-9])",  # 2019-03-01, 2019/3/1
        rf"(?<![0-9])0?1[-/.]0?{m}[-/.]{y}",  # 01.03.2019 (day first)
        rf"(?<![0-9])0?{m}[-/.]0?1[-/.]{y}",  # 03/01/2019 (month first)
        rf"(?<![0-9]){first}\s+(?:of\s+)?{name},?\s+{y}",  # 1 March 2019, 1st of Mar. 2019
        rf"{name}\s+{first},?\s+{y}",  # March 1, 2019
    )
    return re.compile("|".join(forms), re.IGNORECASE)


# --- 3. language --------------------------------------------------------------------------------


def declared_language(tree: HtmlElement) -> str | None:
    """The ISO 639-1 code the page declares (``<html lang="en-US">`` → ``"en"``), or None."""
    root = tree.getroottree().getroot()
    candidates = [
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        root.get("xml:lang"),
    ]
    for meta in root.iterfind(".//meta[@http-equiv]"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            candidates.append(meta.get("content"))
    for value in candidates:
        code = _language_code(value)
        if code:
            return code
    return None


def _language_code(value: str | None) -> str | None:
    if not value:
        return None
    # "en-US, fr" in a Content-Language header: the first one is the page's main language
    match = _LANG_CODE.match(value.split(",")[0].strip())
    return match[1].lower() if match else None
