"""Match keys for names, and CAMEO actor codes split into country and sectors.

Every table is matched on the same key, so that "U.S." and "US", "Bogotá" and "Bogota",
"Colombia's" and "Colombia", "Ban Ki-moon" and "BAN_KI-MOON" meet:

    1. accents    Unicode NFKD, combining marks dropped, a few letters folded (ı ø ß æ ł …)
    2. case       casefolded
    3. possessive "'s" (and the bare "'" after a plural s) dropped: "Colombia's" → "colombia"
    4. joiners    periods and other apostrophes dropped without a break: "U.S." → "us",
                  "O'Brien" → "obrien"
    5. ampersand  "&" read as "and"
    6. tokens     split on anything that is not a letter or digit (spaces, "_", "-", "/", commas …)

A key is the tokens joined by single spaces.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters NFKD leaves alone but a reader treats as their plain Latin look-alikes.
_FOLD = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
    }
)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_POSSESSIVE = re.compile(r"(?<=[^\W_])'s\b|(?<=s)'(?![^\W_])")
_JOINERS = re.compile(r"['.]")
_SEPARATORS = re.compile(r"[\W_]+")

#: CAMEO role codes. When one of these opens a code ("ELI", "MED") the code names no country.
#: Domestic roles, then the primary roles of CAMEO's actor codebook (Gerner et al. 2008, ch. 3).
ROLE_CODES = frozenset(
    {
        *("COP", "GOV", "INS", "JUD", "MIL", "OPP", "PTY", "REB", "SEP", "SPY", "UAF"),
        *("AGR", "BUS", "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG"),
        *("MED", "MOD", "RAD", "REF"),
    }
)
_CODE = re.compile(r"(?:[A-Z]{3})+")


def tokens(text: str) -> tuple[str, ...]:
    """The match tokens of ``text`` (see the module docstring for the steps)."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = text.translate(_FOLD).casefold()
    text = _JOINERS.sub("", _POSSESSIVE.sub("", text))
    return tuple(t for t in _SEPARATORS.split(text.replace("&", " and ")) if t)


def key(text: str) -> str:
    """The match key of ``text``: its tokens joined by single spaces ("" for no tokens)."""
    return " ".join(tokens(text))


def split_code(code: str) -> tuple[str, tuple[str, ...]]:
    """Split a CAMEO code into its country (or other root) and its 3-letter sector groups.

    The first group is the country: an ISO alpha-3 code, or the non-state root CAMEO puts in its
    place (IGO, NGO, MNC, IMG, a region such as MEA, a religion such as HIN). A code that opens
    with a role code names no country: ``"ELI"`` → ``("", ("ELI",))``.

    >>> split_code("USAGOVMIL")
    ('USA', ('GOV', 'MIL'))
    >>> split_code("IGOUNOREF")
    ('IGO', ('UNO', 'REF'))
    """
    if not _CODE.fullmatch(code):
        raise ValueError(f"not a CAMEO actor code (3-letter groups of A-Z): {code!r}")
    groups = tuple(code[i : i + 3] for i in range(0, len(code), 3))
    if groups[0] in ROLE_CODES:
        return "", groups
    return groups[0], groups[1:]
