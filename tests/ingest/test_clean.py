"""Scraped-text cleaning: chrome removed, title and attribution lifted, text otherwise verbatim."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsevents.ingest.clean import Cleaned, chrome_kind, clean_text, looks_like_title

PARAGRAPH = (
    "Homeland Security Secretary Kristi Noem arrived in Colombia on Thursday as part of a "
    "Latin American tour focused on immigration, crime, and deportation issues."
)
SECOND = "She is expected in Mexico on Friday to meet President Claudia Sheinbaum."


@pytest.mark.shared_data
def test_seed_article(shared_data: Path) -> None:
    path = shared_data / "seed" / "noem-colombia.txt"
    if not path.exists():
        pytest.skip(f"seed article not found at {path} (set NEWSEVENTS_SHARED_DATA)")
    cleaned = clean_text(path.read_text(encoding="utf-8"))
    assert cleaned.title == (
        "U.S. Homeland Security Secretary Noem Visits Colombia for Immigration Talks"
    )
    assert cleaned.original_source == "www.winnipegfreepress.com"
    assert cleaned.text.startswith("U.S. Homeland Security Secretary Kristi Noem visited Colombia")
    for chrome in ("Loading Now", "Post Comment", "Original Source"):
        assert chrome not in cleaned.text
    assert "Colombia’s Foreign Minister" in cleaned.text  # curly quotes kept
    assert cleaned.removed == (
        "Loading Now",
        "Original Source: www.winnipegfreepress.com",
        "Post Comment",
    )


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Loading Now", "loading"),
        ("Loading...", "loading"),
        ("Post Comment", "comments"),
        ("12 Comments", "comments"),
        ("Comments (3)", "comments"),
        ("Share", "share"),
        ("Share this article", "share"),
        ("Share on Facebook", "share"),
        ("Facebook Twitter LinkedIn Email", "social"),
        ("WhatsApp", "social"),
        ("Subscribe", "subscribe"),
        ("Sign up for our daily newsletter", "subscribe"),
        ("Follow us on Twitter", "subscribe"),
        ("Newsletter", "subscribe"),
        ("We use cookies to give you the best experience on our website.", "consent"),
        ("Accept all cookies", "consent"),
        ("ADVERTISEMENT", "advertising"),
        ("Story continues below advertisement", "advertising"),
        ("Skip to content", "navigation"),
        ("Read more", "navigation"),
        ("Read More »", "navigation"),
        ("Click here to read the full report", "navigation"),
        ("Back to top", "navigation"),
        ("Sign in", "account"),
        ("Print", "tools"),
        ("Print this article", "tools"),
        ("5 min read", "tools"),
        ("* * *", "separator"),
    ],
)
def test_chrome_lines(line: str, kind: str) -> None:
    assert chrome_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Shares in the company fell 5% after the announcement.",
        "Share the wealth, the president told the crowd.",
        "Subscribers will be notified, the ministry said.",
        "Follow the money, investigators said.",
        "Register to vote by October 5.",
        "She said she would print more ballots if needed.",
        "Read the statement in full on the ministry's website before the vote on Friday.",
        "The foreign minister will share details of the agreement with parliament next week, "
        "according to officials who asked not to be named.",
        PARAGRAPH,
    ],
)
def test_body_sentences_are_not_chrome(line: str) -> None:
    assert chrome_kind(line) is None
    cleaned = clean_text(f"{PARAGRAPH}\n\n{line}\n\n{SECOND}")
    assert line in cleaned.text
    assert cleaned.removed == ()


def test_chrome_removed_from_body_and_recorded() -> None:
    text = (
        f"Skip to content\n\n{PARAGRAPH}\nShare this article\n\n"
        "Advertisement\n\nWhen asked whether she would share the findings, Noem declined.\n\n"
        "Facebook | Twitter | Email\n12 Comments\nPost Comment"
    )
    cleaned = clean_text(text)
    assert cleaned.text == (
        f"{PARAGRAPH}\n\nWhen asked whether she would share the findings, Noem declined."
    )
    assert cleaned.removed == (
        "Skip to content",
        "Share this article",
        "Advertisement",
        "Facebook | Twitter | Email",
        "12 Comments",
        "Post Comment",
    )


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Original Source: www.winnipegfreepress.com", "www.winnipegfreepress.com"),
        ("Source: Reuters", "Reuters"),
        ("SOURCE: Associated Press.", "Associated Press"),
        ("Originally published at The Conversation.", "The Conversation"),
        ("Originally published by El Tiempo", "El Tiempo"),
        ("Originally appeared on Semana", "Semana"),
        ("This article was originally published on Al Jazeera.", "Al Jazeera"),
    ],
)
def test_original_source_taken_and_removed(line: str, source: str) -> None:
    cleaned = clean_text(f"{PARAGRAPH}\n\n{line}\n\n{SECOND}")
    assert cleaned.original_source == source
    assert cleaned.text == f"{PARAGRAPH}\n\n{SECOND}"
    assert line in cleaned.removed


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            f"Noem Visits Colombia for Immigration Talks\n\n{PARAGRAPH}",
            "Noem Visits Colombia for Immigration Talks",
        ),
        (f"Noem visits Colombia\n{PARAGRAPH}", "Noem visits Colombia"),  # a longer line follows
        (f"Is Colombia next? Noem asks\n\n{PARAGRAPH}", "Is Colombia next? Noem asks"),
        (f"“We will not bow,” Petro says\n\n{PARAGRAPH}", "“We will not bow,” Petro says"),
        (f"25% tariff hits car imports\n\n{PARAGRAPH}", "25% tariff hits car imports"),
        (f"Loading Now\n\nNoem in Bogotá\n\n{PARAGRAPH}", "Noem in Bogotá"),  # after chrome
    ],
)
def test_title_taken(text: str, title: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.title == title
    assert cleaned.text == PARAGRAPH


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"{PARAGRAPH}\n\n{SECOND}", id="first-line-is-a-sentence"),
        pytest.param(f"Noem arrived in Bogotá.\n\n{PARAGRAPH}", id="final-period"),
        pytest.param(f"noem visits colombia\n\n{PARAGRAPH}", id="lowercase-start"),
        pytest.param(f"She said:\n\n{PARAGRAPH}", id="final-colon"),
        pytest.param(" ".join(["Word"] * 30) + f"\n\n{PARAGRAPH}", id="too-many-words"),
        pytest.param(f"By Jane Doe\n\n{PARAGRAPH}", id="byline"),
        pytest.param(f"Noem visits Colombia and Mexico\nIn brief\n{PARAGRAPH}", id="shorter-next"),
        pytest.param("Noem visits Colombia", id="only-line"),
    ],
)
def test_first_line_kept_when_not_a_title(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.title is None
    assert cleaned.text == text.strip()


def test_long_first_line_is_not_a_title() -> None:
    line = "A" + "b" * 250
    assert not looks_like_title(line, next_line="")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  one  \t two  \n\n\n\nthree\n", "one two\n\nthree"),
        ("\n\n\nfirst.\r\nsecond.\r\n\r\n\r\nthird.\n\n", "first.\nsecond.\n\nthird."),
        ("cafe\u0301 opened.\u00a0Then closed.", "café opened. Then closed."),
        ("", ""),
        ("   \n\t\n", ""),
    ],
)
def test_whitespace_normalised(text: str, expected: str) -> None:
    assert clean_text(text).text == expected


def test_text_is_otherwise_verbatim() -> None:
    text = f"{PARAGRAPH}\n\n“Quoted” — ‘dashes’ … and 25% stay.\n\n{SECOND}"
    assert clean_text(text).text == text


def test_cleaned_is_frozen() -> None:
    cleaned = clean_text(PARAGRAPH)
    assert isinstance(cleaned, Cleaned)
    with pytest.raises(AttributeError):
        cleaned.text = "changed"  # type: ignore[misc]


_LINES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "",
            "Loading Now",
            "Post Comment",
            "Share",
            "Original Source: example.com",
            "Noem Visits Colombia",
            PARAGRAPH,
            SECOND,
            "  spaced   out  ",
        ]
    ),
)
_TEXTS = st.one_of(st.text(), st.lists(_LINES, max_size=12).map("\n".join))


@given(_TEXTS)
def test_cleaning_never_raises_and_output_is_normal(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.text == cleaned.text.strip()
    assert "\n\n\n" not in cleaned.text
    assert unicodedata.is_normalized("NFC", cleaned.text)
    for line in cleaned.text.split("\n"):
        assert line == " ".join(line.split())


@given(_TEXTS)
def test_recleaning_removes_nothing_but_a_title(text: str) -> None:
    """Cleaning is idempotent on the body, up to the title rule.

    Chrome, attribution lines and whitespace are gone after one pass, so a second pass removes
    nothing. Only the title rule can fire again: the body's new first line may itself read as a
    headline (a short lead paragraph), and is then lifted like the first one was.
    """
    first = clean_text(text)
    second = clean_text(first.text)
    assert second.removed == ()
    assert second.original_source is None
    if second.title is None:
        assert second.text == first.text
    else:
        assert first.text in (f"{second.title}\n{second.text}", f"{second.title}\n\n{second.text}")
