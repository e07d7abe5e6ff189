"""PLOVER contexts from an article's topic: which contexts a text gets, how events carry them,
and the table (newsevents/data/contexts.tsv) and the script that builds it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from newsevents import api
from newsevents.actors.normalise import tokens
from newsevents.errors import DataFileError
from newsevents.events import contexts
from newsevents.events.contexts import (
    ALLOWED_CONTEXTS,
    COLUMNS,
    article_contexts,
    load_phrases,
    merge_contexts,
    with_contexts,
)
from newsevents.events.tables import data_file, read_table
from newsevents.records import Actor, Event

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "convert_issues.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("convert_issues", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("convert_issues", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- which contexts a text is about ------------------------------------------------------------

TOPICS = [
    (
        "migration",
        "Officials said more migrants crossed the southern border this month. "
        "Deportation flights to three countries resumed on Monday.",
        ("migration",),
    ),
    (
        "verb forms",
        "The city deported forty people.\n\nIt deports more every week.",
        ("migration",),
    ),
    (
        "gangs",
        "Two rival gangs fought over the market. Police said the gang leaders were arrested.",
        ("crime",),
    ),
    ("cartel and drugs", "The cartel moved cocaine through the port.", ("crime",)),
    (
        "tariffs",
        "The government raised tariffs on steel imports. "
        "Exporters said the new tariff would hurt sales.",
        ("economic",),
    ),
    ("sport", "The striker scored twice as the home side won the cup final on Saturday.", ()),
    ("unrelated", "The museum opened a new wing for impressionist paintings.", ()),
    ("whole tokens", "Passengers waited on the gangway. The gangway was raised at noon.", ()),
    ("exclusion: '~flood of'", "A flood of complaints reached the council. A flood of mail.", ()),
    ("no exclusion", "The flood destroyed homes. Flooding closed the roads.", ("disaster",)),
    (
        "exclusion: '~gang+rape' is not gang crime",
        "The gang rape of a student led to protests. The gang rape trial opens today.",
        ("gender",),
    ),
    (
        "sentence exclusion: '~~oil' cancels crime in its sentence",
        "Markets were calm on Monday.\n\nOPEC, the oil cartel, cut output again.\n\n"
        "Analysts expect the oil cartel to meet in June.",
        ("resource",),
    ),
    (
        "the same cartel without oil",
        "Markets were calm on Monday.\n\nThe cartel cut its prices again.\n\n"
        "Analysts expect the cartel to meet in June.",
        ("crime",),
    ),
    (
        "a phrase counts once, not again for the word inside it",
        "Markets were calm.\n\nA drug cartel was named.",
        (),
    ),
    (
        "one mention outside the lead is an aside",
        "The council met on Monday.\n\nMembers discussed the budget. One mentioned immigration.",
        (),
    ),
    (
        "one mention in the lead is enough",
        "Members discussed immigration.\n\nThe council met.",
        ("migration",),
    ),
    (
        "the lead is at most three sentences",
        "The council met. It sat for long. It ended late. Members went home. One said immigration.",
        (),
    ),
    (
        "abbreviations do not end the lead's sentences",
        "U.S. officials met Mr. Smith in Washington. They discussed tariffs.",
        ("economic",),
    ),
    (
        "most mentioned first, ties by name, at most three",
        "The report came out on Monday.\n\nGangs and cartels grew. Crime rose.\n\n"
        "Migrants and refugees arrived.\n\nTariffs and inflation rose.\n\n"
        "Cholera and measles spread.",
        ("crime", "economic", "health"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in TOPICS], ids=[c[0] for c in TOPICS])
def test_article_contexts(text: str, expected: tuple[str, ...]) -> None:
    assert article_contexts(text) == expected


TITLES = [
    ("a title mention is enough", "Asylum applications double", ("migration",)),
    ("a title with nothing", "Ministry publishes figures", ()),
]


@pytest.mark.parametrize(("title", "expected"), [c[1:] for c in TITLES], ids=[c[0] for c in TITLES])
def test_article_contexts_counts_the_title(title: str, expected: tuple[str, ...]) -> None:
    assert article_contexts("The ministry published its yearly figures.", title=title) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Colombia’s ‘gang’ crisis",
        "“Deportations” — said the minister – rose",
        "The migrants’ camp, the children’s ward",
        "Bogotá’s mayor met O’Brien",
    ],
)
def test_fast_tokens_equal_the_normalise_convention(text: str) -> None:
    assert contexts._tokens(text) == tokens(text)


@pytest.mark.shared_data
def test_seed_article_is_about_crime_migration_and_tariffs(shared_data: Path) -> None:
    [article] = list(api.read([str(shared_data / "seed" / "noem-colombia.txt")]))
    assert article_contexts(article.text, title=article.title) == ("crime", "migration", "economic")


# --- events carry the contexts ------------------------------------------------------------------


def _event(plover_context: str | None) -> Event:
    actor = Actor("Colombia", "Colombia", "COL", "COL", None, "country", 0, 8)
    return Event(
        id="e1",
        article_id="a1",
        source=actor,
        target=None,
        cameo="173",
        root="17",
        quad_class=4,
        goldstein=-5.0,
        plover_type="COERCE",
        plover_mode="arrest",
        plover_context=plover_context,
        modality="asserted",
        sentence="",
        sentence_start=0,
        action_start=0,
        action_end=1,
        confidence=0.5,
        coder="fake.v1",
    )


MERGES = [
    ("crosswalk first, no repeat", "legal", ("crime", "legal"), "legal;crime"),
    ("article only", None, ("migration",), "migration"),
    ("nothing", None, (), None),
    ("empty string is nothing", "", (), None),
    ("crosswalk only", "economic;diplomatic", (), "economic;diplomatic"),
    ("all repeated", "economic;diplomatic", ("economic",), "economic;diplomatic"),
]


@pytest.mark.parametrize(
    ("existing", "article", "expected"), [m[1:] for m in MERGES], ids=[m[0] for m in MERGES]
)
def test_with_contexts(
    existing: str | None, article: tuple[str, ...], expected: str | None
) -> None:
    event = _event(existing)
    [merged] = with_contexts([event], article)
    assert merged.plover_context == expected
    assert merged.id == event.id and merged.plover_mode == event.plover_mode
    assert merge_contexts(existing, article) == expected


def test_with_contexts_keeps_every_event_in_order() -> None:
    events = [_event("legal"), _event(None)]
    assert [e.plover_context for e in with_contexts(events, ("crime",))] == ["legal;crime", "crime"]


# --- the table ------------------------------------------------------------------------------------


def test_every_context_in_the_table_is_allowed() -> None:
    _, rows = read_table(data_file("contexts.tsv"), columns=COLUMNS)
    assert {row["context"] for row in rows} <= ALLOWED_CONTEXTS
    assert {row["exclude"] for row in rows} == {"0", "1", "2"}


def test_every_crosswalk_context_is_allowed() -> None:
    columns = ("code", "plover_type", "plover_mode", "plover_context", "note")
    _, rows = read_table(data_file("cameo", "cameo-plover.tsv"), columns=columns)
    crosswalk = {c for row in rows for c in row["plover_context"].split(";") if c}
    assert crosswalk and crosswalk <= ALLOWED_CONTEXTS


def test_table_keys_follow_the_normalise_convention() -> None:
    phrases = load_phrases()
    assert len(phrases) > 3000
    assert all(p.tokens == tokens(" ".join(p.tokens)) for p in phrases)


def test_an_unknown_context_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "contexts.tsv"
    table.write_text("# test\n" + "\t".join(COLUMNS) + "\nriot\triot\tunrest\t0\ttest\n")
    monkeypatch.setattr(contexts, "data_file", lambda *parts: table)
    with pytest.raises(DataFileError, match=r"line 3: unknown context 'unrest'"):
        load_phrases()


# --- the script that builds the table -------------------------------------------------------------

FORMS = [
    ("n:gang", {"gang", "gangs"}),
    ("n:atrocity", {"atrocity", "atrocities"}),
    ("v:deport", {"deport", "deports", "deported", "deporting"}),
    ("v:rig the vote", {"rig the vote", "rigged the vote", "rigging the vote"}),
    ("n:pick+pocket", {"pick pocket", "pick pockets", "pickpocket", "pickpockets"}),
    ("asylum+n:seeker", {"asylum seeker", "asylum seekers", "asylumseeker", "asylumseekers"}),
]


@pytest.mark.parametrize(("phrase", "expected"), FORMS, ids=[f[0] for f in FORMS])
def test_script_forms_include_the_real_ones(phrase: str, expected: set[str]) -> None:
    assert expected <= set(_script().forms(phrase))


@pytest.mark.shared_data
def test_shipped_table_is_what_the_script_writes(shared_data: Path) -> None:
    source = shared_data / "events" / "petrarch-dictionaries" / "Phoenix.IssueCoding.txt"
    text, _ = _script().build(source)
    assert text == data_file("contexts.tsv").read_text(encoding="utf-8")
