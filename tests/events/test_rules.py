"""rules.v1 on sentences written for these tests: what each must yield, and what it must not.

Each case lists events as (source code, CAMEO code or root prefix, target code or None,
modality); "with" must all be found, "without" must not. A code ending in "*" is a prefix.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.config import Settings
from newsevents.pipeline import code_texts
from newsevents.records import Event

DAY = dt.date(2025, 3, 27)
Spec = tuple[str, str, str | None, str]

CASES: list[tuple[str, list[Spec], list[Spec]]] = [
    (
        "French President Emmanuel Macron visited Nigeria on Tuesday.",
        [("FRAGOV", "042", "NGA", "asserted"), ("NGA", "043", "FRAGOV", "asserted")],
        [],
    ),
    (
        "Nigeria was visited by French President Emmanuel Macron.",
        [("FRAGOV", "042", "NGA", "asserted")],
        [("NGA", "042", "FRAGOV", "asserted")],
    ),
    (
        "The Brazilian government accused Argentina of spying.",
        [("BRAGOV", "11*", "ARG", "asserted")],
        [],
    ),
    (
        "The German chancellor did not meet the Polish prime minister.",
        [("DEUGOV", "04*", "POLGOV", "negated")],
        [("DEUGOV", "04*", "POLGOV", "asserted")],
    ),
    (
        "Japan could impose sanctions on North Korea.",
        [("JPN", "163", "PRK", "hypothetical")],
        [("JPN", "163", "PRK", "asserted")],
    ),
    (
        "Egypt agreed to provide aid to Sudan.",
        [("EGY", "07*", "SDN", "intended"), ("EGY", "033*", "SDN", "asserted")],
        [("EGY", "07*", "SDN", "asserted")],
    ),
    (
        "Iran threatened to attack Israel.",
        [("IRN", "138", "ISR", "asserted")],
        [("IRN", "19*", "ISR", "asserted")],
    ),
    (
        "Chinese and Russian leaders held talks in Beijing.",
        [("CHNGOV", "046", "RUSGOV", "asserted"), ("RUSGOV", "046", "CHNGOV", "asserted")],
        [("CHNGOV", "04*", "CHNGOV", "asserted")],
    ),
    (
        "Pakistan expelled Indian diplomats.",
        [("PAK", "161", "INDGOV", "asserted")],
        [],
    ),
    (
        "The United States imposed sanctions on Venezuela.",
        [("USA", "163", "VEN", "asserted")],
        [],
    ),
    (
        "Ukrainian officials said Russian troops shelled the city.",
        [("RUSMIL", "19*", None, "reported")],
        [("UKRGOV", "19*", None, "asserted")],
    ),
    (
        "The Ghanaian minister said Togo must release the detained journalists.",
        [("GHAGOV", "100", "TGO", "asserted")],
        [],
    ),
    (
        "Kenyan police arrested protesters in Nairobi.",
        [("KENCOP", "17*", "KENOPP", "asserted")],
        [("KENCOP", "17*", "KENGOV", "asserted")],
    ),
    (
        "Kenya will not negotiate with Uganda.",
        [("KEN", "125", "UGA", "asserted"), ("KEN", "046", "UGA", "negated")],
        [("KEN", "046", "UGA", "asserted")],
    ),
    (
        "Thousands of Kenyan students staged a demonstration in Nairobi.",
        [("KENEDU", "141", None, "asserted")],
        [],
    ),
    (
        "Uganda may cut aid to Kenya if the fighting continues.",
        [("UGA", "162", "KEN", "hypothetical"), ("UGA", "1311", "KEN", "asserted")],
        [("UGA", "162", "KEN", "asserted")],
    ),
    (
        "The United Nations will provide food aid to Sudan.",
        [("IGOUNO", "07*", "SDN", "planned"), ("IGOUNO", "033", "SDN", "asserted")],
        [],
    ),
    (
        "Israel and Lebanon renewed negotiations on Monday.",
        [("ISR", "046", "LBN", "asserted"), ("LBN", "046", "ISR", "asserted")],
        [],
    ),
    (
        "The spokesman declined to comment on the report.",
        [],
        [("", "12*", None, "asserted")],
    ),
]


def _matches(event: Event, spec: Spec) -> bool:
    source, code, target, modality = spec
    code_ok = event.cameo.startswith(code[:-1]) if code.endswith("*") else event.cameo == code
    target_code = event.target.code if event.target else None
    return (
        event.source.code == source
        and code_ok
        and target_code == target
        and event.modality == modality
    )


@pytest.fixture(scope="module")
def coded() -> dict[str, tuple[Event, ...]]:
    sentences = [case[0] for case in CASES]
    events = code_texts(sentences, settings=Settings(), published=DAY)
    return dict(zip(sentences, events, strict=True))


@pytest.mark.parametrize(("sentence", "with_", "without"), CASES, ids=[c[0][:40] for c in CASES])
def test_sentence(
    coded: dict[str, tuple[Event, ...]], sentence: str, with_: list[Spec], without: list[Spec]
) -> None:
    events = coded[sentence]
    found = [
        (e.source.code, e.cameo, e.target.code if e.target else None, e.modality) for e in events
    ]
    for spec in with_:
        assert any(_matches(e, spec) for e in events), f"{spec} not in {found}"
    for spec in without:
        assert not any(_matches(e, spec) for e in events), f"{spec} unexpectedly in {found}"


def test_every_event_carries_its_evidence(coded: dict[str, tuple[Event, ...]]) -> None:
    for sentence, events in coded.items():
        for event in events:
            assert event.sentence == sentence
            assert sentence[event.action_start - event.sentence_start :].strip()
            assert event.coder == "rules.v1" and 0.0 < event.confidence < 1.0
            assert event.root == event.cameo[:2] and event.quad_class in (1, 2, 3, 4)
            source = event.source
            assert sentence[source.start : source.end] == source.text


def test_a_repeat_is_a_mention_not_a_second_event() -> None:
    text = (
        "The Kenyan president visited Uganda on Monday.\n\n"
        "Officials discussed trade.\n\n"
        "The Kenyan president's visit to Uganda was the first in a decade."
    )
    [events] = code_texts([text], settings=Settings(), published=DAY)
    visits = [e for e in events if e.cameo == "042"]
    assert len(visits) == 1 and visits[0].mentions == 2 and len(visits[0].repeats) == 1
    assert visits[0].date == dt.date(2025, 3, 24)


def test_event_ids_are_stable() -> None:
    text = ["The Kenyan president visited Uganda on Monday."]
    first = [e.id for e in next(code_texts(text, settings=Settings(), published=DAY))]
    again = [e.id for e in next(code_texts(text, settings=Settings(), published=DAY))]
    assert first == again and len(set(first)) == len(first)
