"""Match keys and CAMEO code splitting."""

from __future__ import annotations

import pytest

from newsevents.actors.normalise import key, split_code, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S.", "us"),
        ("US", "us"),
        ("u.s.", "us"),
        ("the United States", "the united states"),
        ("Colombia's Foreign Minister", "colombia foreign minister"),
        ("Colombia’s Foreign Minister", "colombia foreign minister"),
        ("farmers' union", "farmers union"),
        ("Bogotá", "bogota"),
        ("BAN_KI-MOON", "ban ki moon"),
        ("Ban Ki-moon", "ban ki moon"),
        ("O'Brien", "obrien"),
        ("ERDOĞAN", "erdogan"),
        ("İHSANOĞLU", "ihsanoglu"),
        ("Trinidad & Tobago", "trinidad and tobago"),
        ("U.S.-Colombian relations", "us colombian relations"),
        ("  Mr.   Obama ", "mr obama"),
        ("Łódź", "lodz"),
        ("...", ""),
    ],
)
def test_key(text: str, expected: str) -> None:
    assert key(text) == expected
    assert tokens(text) == tuple(expected.split())


@pytest.mark.parametrize(
    ("code", "country", "sectors"),
    [
        ("USA", "USA", ()),
        ("USAGOV", "USA", ("GOV",)),
        ("COLGOVMIL", "COL", ("GOV", "MIL")),
        ("IGOUNOREFHCR", "IGO", ("UNO", "REF", "HCR")),
        ("MNCUSA", "MNC", ("USA",)),
        ("ELI", "", ("ELI",)),
        ("MED", "", ("MED",)),
    ],
)
def test_split_code(code: str, country: str, sectors: tuple[str, ...]) -> None:
    assert split_code(code) == (country, sectors)


@pytest.mark.parametrize("code", ["", "US", "USAGO", "usagov", "NGOCHRPRO214", "USA GOV"])
def test_split_code_refuses_what_is_not_a_code(code: str) -> None:
    with pytest.raises(ValueError, match="not a CAMEO actor code"):
        split_code(code)
