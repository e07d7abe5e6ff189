"""Build newsevents/data/contexts.tsv from the Phoenix issue dictionary (run from the project root).

    .venv/bin/python scripts/convert_issues.py [--source FILE] [--out FILE]

Reads ``events/petrarch-dictionaries/Phoenix.IssueCoding.txt`` in the shared data (MIT, Open
Event Data; the format is in ``FORMAT-dictionaries.rst`` beside it) and writes one row per
matchable phrase form: the PLOVER context that an article mentioning the phrase is about.
Then prints what it kept and skipped, and why. The output depends only on the source file and
this script, so two runs write the same bytes.

How the Phoenix file is read:

    1. blocks    ``<ISSUE CATEGORY="X" ...>`` ... ``</ISSUE>``; ``#`` starts a comment.
    2. lines     ``phrase [CODE]``; a line without ``[CODE]`` (PETRARCH ignores those) takes the
                 code of the block it sits in, so KIDNAP's three code-less lines are kept.
                 ``~phrase`` is an exclusion (``exclude`` 1), ``~~phrase`` a sentence-wide
                 exclusion (``exclude`` 2; see newsevents/events/contexts.py for both).
    3. context   CODE_CONTEXTS for the code, else CATEGORY_CONTEXTS for the category (below, one
                 comment per choice); None skips the line. SKIPPED_PHRASES drops single phrases.
    4. forms     each word may be ``n:noun`` (singular and plural), ``v:verb`` (-s, -ed, -ing)
                 or ``a+b`` (joined by a space or hyphen, or closed up: "ab"). The rules write a
                 superset of the real forms ("tamperred" beside "tampered"): a form no text
                 contains costs nothing, a missing one loses matches.
    5. key       newsevents.actors.normalise.key of each form, the key the matcher looks up.
                 Rows with the same key, context and exclude are written once (the first).
    6. extras    EXTRA_ROWS, written by hand for current news topics Phoenix (2014-2016) lacks,
                 with source "newsevents".
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsevents.actors.normalise import key  # noqa: E402
from newsevents.config import shared_data_dir  # noqa: E402
from newsevents.events.contexts import ALLOWED_CONTEXTS, COLUMNS  # noqa: E402
from newsevents.events.tables import format_table  # noqa: E402

SOURCE = shared_data_dir() / "events" / "petrarch-dictionaries" / "Phoenix.IssueCoding.txt"
OUT = ROOT / "newsevents" / "data" / "contexts.tsv"

#: Phoenix issue category -> PLOVER context (None: no PLOVER context fits; the lines are skipped
#: and counted). Context names: newsevents.events.contexts.ALLOWED_CONTEXTS.
CATEGORY_CONTEXTS: dict[str, str | None] = {
    # Schools and literacy: PLOVER's "culture" is cultural and educational *exchange*.
    "EDUCATION": None,
    # "tourist" shows up in crime and disaster stories as the victim, not the topic.
    "TOURISM": None,
    # Oil, coal, gas, nuclear and renewable energy: the manual's "resource" (territory and
    # natural resources).
    "ENERGY": "resource",
    # "knowledge exchange": development jargon with no PLOVER context.
    "SOUTH-TO-SOUTH": None,
    # An actor (the EU, the ECB), not a topic.
    "EUROPEAN_UNION": None,
    # Development assistance: PLOVER "economic" covers trade, finance and economic development.
    "FOREIGN_AID": "economic",
    # World Bank, IMF, WTO, development banks.
    "INT_FINANCIAL_INST": "economic",
    # NGOs and civil society are actors (sector SOC), not a topic.
    "CIVIL_SOCIETY": None,
    # Reprisal and revenge describe an action, not what the article is about.
    "RETALIATION": None,
    # Genocide, ethnic cleansing, war crimes, massacres: the gravest human-rights violations.
    "ID_ATROCITY": "human_rights",
    # Cartels, drugs, organised crime, robbery.
    "CRIME": "crime",
    # Extremists, radicalisation, neo-Nazis: the manual has no "extremism"; terrorism is the
    # nearest. The words for the political spectrum are in SKIPPED_PHRASES.
    "ID_EXTREMISM": "terrorism",
    # Shortages of power, food and water: the manual's "human_security" (access to water, food,
    # housing, energy), which the crosswalk also uses.
    "SHORTAGE": "human_security",
    "AGRICULTURE": "agriculture",
    # Nuclear and missile proliferation: chemical, biological, radiological, nuclear weapons.
    "ID_PROLIFERATION": "cbrn",
    # Arms sales and shipments.
    "ID_ARMS_DEAL": "military",
    # Tear gas, riot police, clashes with protesters: a protest's manner, which PLOVER codes as
    # the event (PROTEST, ASSAULT), not as a context.
    "VIOLENT_UNREST": None,
    "LANDMINE": "military",
    # Roadside, car and truck bombs: insurgent and terrorist means (the TERROR block lists car
    # and truck bombs too).
    "IED": "terrorism",
    "PEACEKEEPERS": "peacekeeping",
    # Police and security forces are actors (sector COP), present in every kind of story.
    "SECURITY_SERVICES": None,
    # New roads, bridges, housing: no PLOVER context.
    "NEW_CONSTRUCTION": None,
    # Drones and airstrikes: military means.
    "DRONE": "military",
    "AIRSTRIKE": "military",
    # Democracy and democratisation: the manual's "political_institutions" (norms, political
    # institutions, democratic backsliding). The adjective "democratic" is in SKIPPED_PHRASES.
    "ID_DEMOCRACY": "political_institutions",
    # Immigrants and immigration.
    "ID_IMMIGRATION": "migration",
    # Smugglers and arms trafficking.
    "ID_SMUGGLING": "crime",
    # Slums and shanty towns: housing, in the manual's "human_security".
    "SLUMS": "human_security",
    # Social movements in general have no context; CODE_CONTEXTS keeps the women's,
    # environmental, religious and labour movements.
    "SOCIAL_MOVEMENT": None,
    # "activist" alone: an actor, not a topic.
    "ID_ACTIVISM": None,
    # Violence against women, sexual violence, rape: the manual's "gender" (women's issues).
    "GENDER_VIOLENCE": "gender",
    # The manual's "lgbt" (LGBTQ).
    "LGBT": "lgbt",
    # Rights, torture, political prisoners, discrimination (CODE_CONTEXTS: trafficking is crime).
    "HUMAN_RIGHTS": "human_rights",
    # Sanctions and embargoes: economic pressure (the crosswalk's context for easing them).
    "SANCTIONS": "economic",
    # Weapons of mass destruction, nuclear, radiological, biological, chemical.
    "WMD": "cbrn",
    # Refugees, displaced and stateless people, asylum seekers. PLOVER's manual (draft 0.7b1,
    # general contexts) struck "refugee" and merged it into "migration" ("migration, refugees,
    # and displaced people"); the crosswalk keeps "asylum" for the act of granting asylum
    # (CAMEO 0234), which is an event, not a topic.
    "REFUGEES": "migration",
    # Internet and press censorship: the crosswalk's "rights_freedoms" (restrictions on
    # freedoms of speech and expression).
    "CENSORSHIP": "rights_freedoms",
    # Kidnapping and abduction.
    "KIDNAP": "crime",
    # Assassinations are political violence: PLOVER codes them as the event (ASSAULT, mode
    # assassinate), and no context fits better than the event.
    "ASSASSINATION": None,
    # Coups and coup plots: the manual's "political_institutions".
    "COUPS": "political_institutions",
    "ELECTION": "election",
    "ELECTIONS": "election",  # an empty block in the source
    "CYBER_ATTACK": "cyber",
    # Roadblocks and checkpoints: set up by armies, police and rebels alike.
    "CHECKPOINT": None,
    "HUMANITARIAN_CRISIS": "humanitarian",
    "CORRUPTION": "corruption",
    # Climate change and environmental disasters.
    "ENVIRONMENT": "environment",
    # Floods, storms, earthquakes, fires.
    "NATURAL_DISASTER": "disaster",
    # Buses and trains: no PLOVER context.
    "PUBLIC_TRANSIT": None,
    # Subsidies, currencies, trade disputes, rates, housing, poverty, strikes, unions,
    # bankruptcy (CODE_CONTEXTS: property rights are human security).
    "ECONOMIC": "economic",
    # Diseases, vaccination, pandemics.
    "HEALTH": "health",
    # Jihad, terrorist attacks and plots, suicide attacks, named terrorist groups.
    "TERROR": "terrorism",
}

#: Phoenix code -> PLOVER context, where a category mixes topics (overrides CATEGORY_CONTEXTS).
CODE_CONTEXTS: dict[str, str | None] = {
    "WOMENS_MOVEMENT": "gender",
    "ENVIRONMENTAL_MOVEMENT": "environment",
    "RELIGIOUS_MOVEMENT": "religion_ethnicity",
    # The labour movement, Occupy, anti-globalisation: about the economy.
    "ECONOMIC_MOVEMENT": "economic",
    # Human trafficking and smuggling are crimes; the HUMAN_RIGHTS block holds them.
    "HUMAN_TRAFFICKING": "crime",
    # Land tenure, eminent domain, land grabs: the manual's "human_security" names land tenure.
    "PROPERTY_RIGHTS": "human_security",
}

#: Phoenix phrases left out (as written in the source), with the reason.
SKIPPED_PHRASES: dict[str, str] = {
    "radical": "also 'radical reform', 'radical change'",
    "extreme left": "the political spectrum, not terrorism",
    "extreme right": "the political spectrum, not terrorism",
    "far+left": "the political spectrum, not terrorism",
    "far+right": "the political spectrum, not terrorism",
    "farleft": "the political spectrum, not terrorism",
    "farright": "the political spectrum, not terrorism",
    "democratic": "the US party ('Democratic senator') and country names (Democratic Republic)",
    "striking": "also 'a striking contrast' and 'striking targets' (air strikes)",
    "plague": "more often the verb ('violence plagues the region') than the disease",
}

#: Rows written by hand (Phoenix syntax: n:, v:, + and ~ as in the source): current news
#: topics the 2014-2016 dictionary lacks, and exclusions for the senses that mislead.
EXTRA_ROWS: tuple[tuple[str, str], ...] = (
    # Migration: enforcement and movement of people.
    ("n:migrant", "migration"),
    ("migration", "migration"),
    ("n:emigrant", "migration"),
    ("emigration", "migration"),
    ("n:deportation", "migration"),
    ("v:deport", "migration"),
    ("n:deportee", "migration"),
    ("immigration enforcement", "migration"),
    ("n:asylum n:claim", "migration"),
    ("n:asylum n:application", "migration"),
    ("undocumented", "migration"),
    # Bare "border" is as often a front line or a territorial dispute: only its migration uses.
    ("border n:crossing", "migration"),
    ("border n:crosser", "migration"),
    ("v:cross the border illegally", "migration"),
    ("border n:patrol", "migration"),
    ("border n:agent", "migration"),
    ("border security", "migration"),
    ("border n:wall", "migration"),
    ("southern border", "migration"),
    ("border enforcement", "migration"),
    ("~bird migration", "migration"),
    ("~data migration", "migration"),
    # Crime: Phoenix has gangs, cartels and organised crime, but not crime itself.
    ("n:crime", "crime"),
    ("n:criminal", "crime"),
    ("anti+crime", "crime"),
    ("n:gangster", "crime"),
    ("n:homicide", "crime"),
    ("extortion", "crime"),
    ("money laundering", "crime"),
    ("n:trafficker", "crime"),
    ("~war n:crime", "crime"),
    ("~n:crime against humanity", "crime"),
    ("~international criminal court", "crime"),
    ("~international criminal n:tribunal", "crime"),
    # Trade and the economy.
    ("n:tariff", "economic"),
    ("n:trade war", "economic"),
    ("trade n:deficit", "economic"),
    ("trade n:surplus", "economic"),
    ("n:trade deal", "economic"),
    ("free trade", "economic"),
    ("inflation", "economic"),
    ("n:recession", "economic"),
    # Environment: Phoenix has climate change but not pollution.
    ("pollution", "environment"),
    ("n:pollutant", "environment"),
    ("smog", "environment"),
    ("deforestation", "environment"),
    ("carbon n:emission", "environment"),
    # Health: Phoenix's disease list has words with common figurative senses.
    ("~n:outbreak of violence", "health"),
    ("~n:outbreak of fighting", "health"),
    ("~n:outbreak of war", "health"),
    ("~n:outbreak of hostilities", "health"),
    ("~a rash of", "health"),
    ("~election fever", "health"),
)

ISSUE = re.compile(r'<ISSUE\s+CATEGORY="([^"]+)"')
CODE = re.compile(r"\[([^\]]*)\]")
#: The few irregular forms the Phoenix phrases need (n: plurals, v: past forms).
IRREGULAR = {
    "person": ("people",),
    "child": ("children",),
    "crisis": ("crises",),
    "thief": ("thieves",),
    "break": ("broke", "broken"),
    "begin": ("began", "begun"),
    "beat": ("beaten",),
    "build": ("built",),
}
MAN_PLURAL_EXCEPTIONS = frozenset("human german roman shaman talisman ottoman caiman".split())
VOWELS = frozenset("aeiou")


@dataclass(frozen=True, slots=True)
class Entry:
    """One phrase line of the source, read: the phrase as written and its context."""

    phrase: str
    context: str
    exclude: int
    source: str


@dataclass
class Stats:
    """What the conversion kept and skipped, by reason."""

    kept: Counter[str]
    skipped: Counter[str]

    def report(self) -> str:
        lines = ["contexts.tsv rows by context:"]
        lines += [f"  {n:6,}  {what}" for what, n in sorted(self.kept.items())]
        lines.append("skipped:")
        lines += [f"  {n:6,}  {what}" for what, n in sorted(self.skipped.items())]
        return "\n".join(lines)


# --- reading the source ----------------------------------------------------------------------


def read_entries(text: str, stats: Stats) -> Iterator[Entry]:
    """The phrase lines of the Phoenix file that map to a context, in file order."""
    category, code = "", ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if found := ISSUE.match(line):
            category, code = found.group(1), ""
            continue
        if not line or line.startswith("</ISSUE"):
            continue
        exclude = len(line) - len(line.lstrip("~"))
        codes = CODE.findall(line)
        code = codes[0].strip() if codes and not exclude else code
        phrase = line[exclude:].split("[", 1)[0].strip()
        context = _context(category, code)
        if context is None:
            stats.skipped[f"category {category}" + (f"/{code}" if code else "")] += 1
        elif phrase in SKIPPED_PHRASES:
            stats.skipped[f"phrase {phrase!r}: {SKIPPED_PHRASES[phrase]}"] += 1
        else:
            source = f"Phoenix {category}/{code or '-'} line {number}"
            yield Entry(phrase, context, min(exclude, 2), source)


def _context(category: str, code: str) -> str | None:
    if code in CODE_CONTEXTS:
        return CODE_CONTEXTS[code]
    if category not in CATEGORY_CONTEXTS:
        raise SystemExit(f"unknown Phoenix category {category!r}: add it to CATEGORY_CONTEXTS")
    return CATEGORY_CONTEXTS[category]


def extra_entries() -> Iterator[Entry]:
    """EXTRA_ROWS as entries."""
    for phrase, context in EXTRA_ROWS:
        exclude = len(phrase) - len(phrase.lstrip("~"))
        yield Entry(phrase[exclude:], context, exclude, "newsevents")


# --- forms -----------------------------------------------------------------------------------


def forms(phrase: str) -> list[str]:
    """Every surface form of a Phoenix phrase ("n:gang war" → "gang war", "gangs war")."""
    words = [word_forms(word) for word in phrase.split()]
    return [" ".join(choice) for choice in itertools.product(*words)]


def word_forms(word: str) -> list[str]:
    """The forms of one word; "a+b" gives "a b" and "ab" (tokens read "a-b" as "a b").

    A mark in front of a compound inflects its last part, the head: "n:pick+pocket" gives
    "pick pockets", as PETRARCH's "up to the next blank" reads it.
    """
    parts = [part for part in word.split("+") if part]
    if len(parts) > 1 and parts[0][:2] in ("n:", "v:", "m:"):
        parts = [parts[0][2:], *parts[1:-1], parts[0][:2] + parts[-1]]
    parts = [part_forms(part) for part in parts]
    combos = list(itertools.product(*parts))
    spaced = [" ".join(c) for c in combos]
    closed = ["".join(c) for c in combos] if len(parts) > 1 else []
    return list(dict.fromkeys(spaced + closed))


def part_forms(part: str) -> list[str]:
    if part.startswith(("n:", "m:")):  # "m:" occurs once ("v:block m:site"): read as "n:"
        return [part[2:], *plurals(part[2:])]
    if part.startswith("v:"):
        return [part[2:], *verb_forms(part[2:])]
    return [part]


def plurals(noun: str) -> list[str]:
    """Regular plurals (PETRARCH's rules plus -es, -men) and the irregular ones needed."""
    found = [noun + "s"]
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in VOWELS:
        found.append(noun[:-1] + "ies")
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        found.append(noun + "es")
    if noun.endswith("man") and noun not in MAN_PLURAL_EXCEPTIONS:
        found.append(noun[:-3] + "men")
    return found + list(IRREGULAR.get(noun, ()))


def verb_forms(verb: str) -> list[str]:
    """-s, -ed and -ing forms, with the e-drop, the y-change and (as well) consonant doubling."""
    if verb.endswith("e"):
        found = [verb + "s", verb + "d", verb[:-1] + "ing"]
    elif len(verb) > 1 and verb.endswith("y") and verb[-2] not in VOWELS:
        found = [verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"]
    else:
        found = [verb + ("es" if verb.endswith(("s", "x", "z", "ch", "sh")) else "s")]
        found += [verb + "ed", verb + "ing"]
    if re.search(r"[^aeiou][aeiou][^aeiouwxy]$", verb):  # "rig" → "rigged", "kidnap" → …
        found += [verb + verb[-1] + "ed", verb + verb[-1] + "ing"]
    return found + list(IRREGULAR.get(verb, ()))


# --- writing -----------------------------------------------------------------------------------


def rows(entries: Iterable[Entry], stats: Stats) -> list[tuple[str, str, str, str, str]]:
    """One row per distinct (key, context, exclude), first source wins."""
    seen: set[tuple[str, str, int]] = set()
    out = []
    for entry in entries:
        if entry.context not in ALLOWED_CONTEXTS:
            raise SystemExit(f"{entry.source}: {entry.context!r} is not in ALLOWED_CONTEXTS")
        for form in forms(entry.phrase):
            form_key = key(form)
            if not form_key:
                stats.skipped[f"forms without a token: {entry.source}"] += 1
                continue
            if (form_key, entry.context, entry.exclude) in seen:
                stats.skipped["forms repeated (same key, context and exclude)"] += 1
                continue
            seen.add((form_key, entry.context, entry.exclude))
            stats.kept[entry.context] += 1
            out.append((form_key, entry.phrase, entry.context, str(entry.exclude), entry.source))
    return out


def header(source: Path) -> list[str]:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    licence = (source.parent / "LICENSE").read_text(encoding="utf-8").strip().splitlines()
    return [
        "PLOVER contexts from an article's topic: keyword phrases and the context they signal.",
        "Source (PETRARCH2 / Phoenix dictionaries, Open Event Data Alliance):",
        f"  {source.name}  sha256 {digest}…",
        "Licence: MIT, Copyright (c) 2014 Open Event Data (the source's notice follows);",
        "  rows with source 'newsevents' were written for this project.",
        "Generated by scripts/convert_issues.py (category -> context choices are documented",
        "  there); edit that script, not this file.",
        "Columns:",
        "  key      newsevents.actors.normalise.key of one surface form (plurals, verb forms,",
        "           hyphen/space/closed variants expanded from the Phoenix n:, v:, + marks)",
        "  phrase   the phrase as written in the source (Phoenix syntax)",
        "  context  the PLOVER context (newsevents.events.contexts.ALLOWED_CONTEXTS)",
        "  exclude  0 counts a match; 1 (Phoenix '~') cancels the matches of its context it",
        "           overlaps; 2 (Phoenix '~~') cancels its context in the whole sentence",
        "  source   Phoenix CATEGORY/CODE and line number, or 'newsevents'",
        "",
        *licence,
    ]


def build(source: Path) -> tuple[str, Stats]:
    """The text of contexts.tsv, and what was kept and skipped."""
    stats = Stats(Counter(), Counter())
    entries = itertools.chain(
        read_entries(source.read_text(encoding="utf-8"), stats), extra_entries()
    )
    table = rows(entries, stats)
    return format_table(comments=header(source), columns=COLUMNS, rows=table), stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="Phoenix.IssueCoding.txt")
    parser.add_argument("--out", type=Path, default=OUT, help="the table to write")
    args = parser.parse_args(argv)
    text, stats = build(args.source)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    print(stats.report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
