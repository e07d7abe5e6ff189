"""Scraped plain text → article body: drop page chrome, lift the title and the attribution line.

Text copied or scraped from a web page carries the page around the article: "Loading Now",
"Share this", "Post Comment", cookie banners. Those lines are not news, and an event coder reads
"Follow us on Twitter" as a sentence like any other. :func:`clean_text` removes them, takes the
headline and an "Original Source: …" line out of the body as metadata, and normalises whitespace.
Everything else is kept verbatim (quotes, dashes and spelling included).

The steps, in order:

    1. normalise  Unicode NFC; each line stripped, runs of whitespace made one space
    2. chrome     short lines matching :data:`CHROME` are dropped (kept in ``removed``)
    3. source     attribution lines ("Original Source: X") become ``original_source``
    4. title      the first line, when it reads as a headline, becomes ``title``
    5. layout     paragraphs separated by exactly one blank line, none at either end
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cleaned text. ``removed`` lists the lines taken out of the body other than the title
    (chrome and attribution lines, normalised), in order, so a reader can see what went."""

    text: str
    title: str | None = None
    original_source: str | None = None
    removed: tuple[str, ...] = ()


#: Chrome is matched only on lines up to this many characters: interface labels are a few words,
#: so a sentence of the article that merely contains "share" or "subscribe" is never a match.
SHORT_LINE_CHARS = 80
#: Cookie and consent notices are whole sentences, but they open with phrases no news paragraph
#: opens with; they are allowed to be longer.
CONSENT_LINE_CHARS = 300

_SOCIAL = (
    r"facebook|twitter|x|linkedin|instagram|whatsapp|reddit|pinterest|telegram|youtube|tiktok"
    r"|threads|bluesky|mastodon|flipboard|tumblr|messenger|snapchat|e-?mail|sms|rss"
)

#: Page chrome, one class per entry: (why it is chrome, anchored pattern, longest line matched).
#: Patterns must match the whole (stripped) line, case-insensitively.
CHROME: tuple[tuple[str, str, int], ...] = (
    # Placeholders a page shows while scripts load; the scraper caught them before the content.
    ("loading", r"(?:loading|please wait)(?: now)?\W*", SHORT_LINE_CHARS),
    # Comment widgets and counts belong to the comment section, not the article.
    (
        "comments",
        r"(?:post|add|leave|write|view|show|hide|load|read|see|sort)(?: (?:a|your|the|all|more))?"
        r" comments?\W*|\d+\s+comments?|comments?(?:\s*\(\d+\)|\s*:\s*\d+)?|\(\d+\)"
        r"|no comments(?: yet)?\W*|be the first to comment\W*"
        r"|join the (?:conversation|discussion)\W*",
        SHORT_LINE_CHARS,
    ),
    # Share and social buttons: a button label, or a row of network names.
    (
        "share",
        r"share(?: this| the| it)?(?: article| story| post| page| video| link)?"
        r"(?: (?:on|via|with) [\w .-]{1,30})?\W*"
        r"|(?:tweet|pin|email|e-mail)(?: (?:this|it|article|story))?\W*"
        r"|copy(?: the)? link|link copied\W*",
        SHORT_LINE_CHARS,
    ),
    ("social", rf"(?:(?:{_SOCIAL})[\s|,/·•]*)+", SHORT_LINE_CHARS),
    # Calls to subscribe, follow or sign up: marketing for the site, not reporting.
    (
        "subscribe",
        r"(?:subscribe|sign up|register)(?: now| today| here| for free)?\W*"
        r"|(?:subscribe|sign up) (?:to|for) (?:our|the|a|an|free|unlimited|daily|weekly) .*"
        r"|follow (?:us|@?\w+)(?: on .*)?"
        r"|(?:get|receive|sign up for|subscribe to) (?:our|the|a) .*newsletters?\b.*"
        r"|(?:free |daily |weekly )?newsletters?(?: sign-?up)?\W*",
        SHORT_LINE_CHARS,
    ),
    # Cookie and consent banners and their buttons.
    (
        "consent",
        r"(?:we use cookies|this (?:web)?site uses cookies|by (?:continuing|using) (?:to use )?"
        r"(?:this|our) (?:web)?site).*",
        CONSENT_LINE_CHARS,
    ),
    (
        "consent",
        r"(?:accept|reject|decline|allow)(?: all)?(?: cookies)?"
        r"|cookie (?:settings|preferences|policy)|manage (?:cookies|preferences|consent)"
        r"|got it\W*|i agree\W*",
        SHORT_LINE_CHARS,
    ),
    # Advertising slots and their labels.
    (
        "advertising",
        r"advertisements?|sponsored(?: content)?|ad|paid content|promoted"
        r"|(?:story|article) continues (?:below|after)(?: this)?(?: advertisement| ad)?\W*"
        r"|continue reading(?: below| the main story)?\W*",
        SHORT_LINE_CHARS,
    ),
    # Navigation and "more" links; "Click here to …" is always a link label.
    (
        "navigation",
        r"skip to (?:main )?(?:content|navigation)|back to top|to top|(?:main )?menu|home|search"
        r"|close|next(?: article| story| page)?|previous(?: article| story| page)?"
        r"|related(?: articles| stories| content| coverage)?\W*"
        r"|read (?:more|next|full story|the full (?:article|story))\W*"
        r"|(?:see|show|load|view) (?:more|all|also)\W*|click here\b.*",
        SHORT_LINE_CHARS,
    ),
    # Account links.
    (
        "account",
        r"sign (?:in|out)|log ?(?:in|out)|my account|create (?:an |your )?account",
        SHORT_LINE_CHARS,
    ),
    # Article tools: printing, text size, listening, saving, reading time.
    (
        "tools",
        r"print(?: this)?(?: article| page| story)?|text size|font size|a\+\s*a-|a-\s*a\+"
        r"|listen(?: to (?:this )?(?:article|story))?(?: \d+ min\w*)?|save(?: article| for later)?"
        r"|bookmark|\d+ min(?:ute)?s? read\W*",
        SHORT_LINE_CHARS,
    ),
    # Separators: a line without a single letter or digit carries no text.
    ("separator", r"[\W_]+", SHORT_LINE_CHARS),
)

#: Attribution lines: the outlet a syndicated or scraped article first appeared in.
_ATTRIBUTION = re.compile(
    r"(?:original(?:ly)? source|source)\s*:\s*(?P<a>.+)"
    r"|(?:this (?:article|story|post) (?:was|is) )?originally (?:published|appeared|posted)"
    r"(?: (?:at|by|on|in))?\s*:?\s*(?P<b>.+)",
    re.IGNORECASE,
)
_ATTRIBUTION_LINE_CHARS = 200

#: A headline is short: a long first line is a paragraph, even without a final period.
TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS = 25
_TITLE_OPENERS = "\"'“‘«„¿¡"
#: Endings that mean a sentence or a clause rather than a headline ("…" and "?" / "!" may end one).
_NOT_TITLE_ENDINGS = (".", ",", ";", ":")
_BYLINE = re.compile(r"by\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    kind: str  # "blank", "chrome", "source" or "text"


def clean_text(text: str) -> Cleaned:
    """Clean ``text`` scraped from a web page (steps 1-5 of the module docstring)."""
    # 1. normalise
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines()]
    # 2. chrome and 3. source: classify every line, keep what is text
    classified = [_classify(line) for line in lines]
    removed = tuple(line.text for line in classified if line.kind in ("chrome", "source"))
    sources = [_attribution(line.text) for line in classified if line.kind == "source"]
    body = [line.text for line in classified if line.kind in ("text", "blank")]
    # 4. title
    title, body = _take_title(body)
    # 5. layout
    return Cleaned(
        text=_layout(body),
        title=title,
        original_source=sources[0] if sources else None,
        removed=removed,
    )


def chrome_kind(line: str) -> str | None:
    """The :data:`CHROME` class ``line`` belongs to, or None when it is not chrome."""
    for kind, pattern, max_chars in _compiled_chrome():
        if len(line) <= max_chars and pattern.fullmatch(line):
            return kind
    return None


def looks_like_title(line: str, *, next_line: str) -> bool:
    """Whether ``line``, followed by ``next_line`` ("" for a blank line), reads as a headline."""
    if not line or len(line) > TITLE_MAX_CHARS or len(line.split()) > TITLE_MAX_WORDS:
        return False
    if line.endswith(_NOT_TITLE_ENDINGS) and not line.endswith(("...", "…")):
        return False
    first = line[0]
    if not (first.isupper() or first.isdigit() or first in _TITLE_OPENERS):
        return False
    if not any(ch.isalpha() for ch in line) or _BYLINE.match(line):
        return False
    # A headline stands alone or heads a longer paragraph; a short line followed by a shorter one
    # is more likely part of a list or an address block.
    return not next_line or len(next_line) > len(line)


def _classify(line: str) -> _Line:
    if not line:
        return _Line(line, "blank")
    if chrome_kind(line):
        return _Line(line, "chrome")
    if len(line) <= _ATTRIBUTION_LINE_CHARS and _ATTRIBUTION.fullmatch(line):
        return _Line(line, "source")
    return _Line(line, "text")


def _attribution(line: str) -> str | None:
    match = _ATTRIBUTION.fullmatch(line)
    if not match:
        return None
    value = (match["a"] or match["b"] or "").strip().rstrip(".").strip()
    return value or None


def _take_title(body: list[str]) -> tuple[str | None, list[str]]:
    start = next((i for i, line in enumerate(body) if line), None)
    if start is None:
        return None, body
    rest = body[start + 1 :]
    if not any(rest):
        return None, body  # a text of one line is all body, not a title without an article
    if looks_like_title(body[start], next_line=rest[0]):
        return body[start], rest
    return None, body


def _layout(body: list[str]) -> str:
    paragraphs: list[list[str]] = [[]]
    for line in body:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines)


@lru_cache(maxsize=1)
def _compiled_chrome() -> tuple[tuple[str, re.Pattern[str], int], ...]:
    # Compiled once, on first use rather than at import.
    return tuple(
        (kind, re.compile(pattern, re.IGNORECASE), max_chars) for kind, pattern, max_chars in CHROME
    )
