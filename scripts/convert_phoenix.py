"""Convert the Phoenix (PETRARCH) dictionaries into newsevents' actor, agent and discard tables.

Run from the repository root::

    .venv/bin/python scripts/convert_phoenix.py [--source DIR] [--out DIR] [--date YYYY-MM-DD]

Reads ``../shared/data/events/petrarch-dictionaries/`` (MIT, Open Event Data Alliance; the format
is described in its ``FORMAT-dictionaries.rst``) and writes to ``newsevents/data/actors/``:

    actors.tsv    actor_id, name, key, kind       one row per (actor, surface name)
    roles.tsv     actor_id, code, country, sectors, start, end, source
    agents.tsv    key, name, code, sectors, placement, source
    discards.txt  key, scope, match, source

then prints what it kept and what it dropped, and why. The output depends only on the source
files and the date written in the headers (``--date``, else ``SOURCE_DATE_EPOCH``, else today),
so two runs on the same day write the same bytes.

How PETRARCH's format is read:

    1. actors   a primary phrase, "+" synonyms, then tab-indented "[CODE DATE]" role lines (or
                codes on the primary line). A primary with no code and no role lines is grouped
                with the entry that follows it, as PETRARCH does when it collects phrases until a
                code arrives (the dictionaries rely on it: "LEONID_BREZHNEV_" and four more
                spellings are consecutive primaries sharing the roles that follow them).
    2. dates    "<D" ends, ">D" starts, "D-D" spans, both ends inclusive; no date is the default.
                YYMMDD years 00-29 are 20YY, others 19YY (PETRARCH's reading).
    3. codes    split into country (first 3 letters) and sector groups; CAMEO-only country codes
                are mapped to the ISO alpha-3 code of newsevents/data/countries.tsv (TMP → TLS,
                KSV → XKX); "---" (the null code) and unknown roots are dropped.
    4. names    underscores become spaces, "(ACRONYM)" asides are removed, words are title-cased
                for display; the key is newsevents.actors.normalise.key of the name.
    5. agents   "!SET!" substitutions expand without plurals; otherwise the last word gets its
                plural ("{}" none, "{X}" an irregular one, else PETRARCH's regular rules plus
                -man → -men and -ch/-sh/-x/-z → -es). A blank in a phrase (PETRARCH: "words may
                come between") is read as consecutive words.
    6. discards "+" marks a story-level discard; a trailing "_" a whole-word match, else a stem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsevents.actors.normalise import key, split_code  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data" / "events" / "petrarch-dictionaries"
OUT = ROOT / "newsevents" / "data" / "actors"
COUNTRIES = ROOT / "newsevents" / "data" / "countries.tsv"
ACTOR_FILES = {
    "Countries": "Phoenix.Countries.actors.txt",
    "International": "Phoenix.International.actors.txt",
    "MilNonState": "Phoenix.MilNonState.actors.txt",
}
AGENT_FILE = "Phoenix.agents.txt"
DISCARD_FILE = "Phoenix.discards.txt"

#: Country roots that are not codes at all: KNT is Kinakuta, the fictional country of the
#: PETRARCH validation suite; KKL is the MilNonState coder's initials left in the code slot.
REJECTED_ROOTS = {"KNT": "fictional test country", "KKL": "coder initials, not a country"}
#: A typo: UNITA is Angolan, and ANG is no code in CAMEO or ISO.
ROOT_TYPOS = {"ANG": "AGO"}
#: Mis-encodings that make a name unmatchable: U+FFFD, and UTF-8 read as Latin-1 ("Ã").
MOJIBAKE = re.compile("[\ufffdÃ]")
BRACKET = re.compile(r"\[([^\]}]*)[\]}]")
DATE = re.compile(r"\d{6}|\d{8}")
#: Words kept lower case inside a name ("Popular Front for the Liberation of Palestine").
LOWER_WORDS = frozenset(
    "of the and for in on at to by with de del della di da do dos das du des la le les el al "
    "van von der den y e et und bin ibn".split()
)
#: Abbreviations without a vowel that are not acronyms ("Mr. Obama", not "MR. Obama").
ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr mt ft lt sgt".split())
#: Words ending in -man whose plural is not -men.
MAN_PLURAL_EXCEPTIONS = frozenset("human german roman shaman talisman ottoman caiman".split())

LICENCE = """\
The MIT License (MIT)

Copyright (c) 2014 Open Event Data

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""


@dataclass
class Stats:
    """What a conversion kept and dropped, by reason."""

    kept: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    def report(self, title: str) -> str:
        lines = [title]
        for label, counter in (("kept", self.kept), ("dropped", self.dropped)):
            lines += [f"  {label:8} {n:7,}  {what}" for what, n in sorted(counter.items())]
        lines += [f"  {'note':8} {n:7,}  {what}" for what, n in sorted(self.notes.items())]
        return "\n".join(lines)


# --- names -------------------------------------------------------------------------------------


def clean_phrase(phrase: str) -> str | None:
    """A PETRARCH phrase as plain words, or None when it cannot be matched."""
    if MOJIBAKE.search(phrase) or ":" in phrase:
        return None
    text = re.sub(r"\([^)]*\)", " ", phrase).replace("_", " ")
    text = " ".join(text.split()).strip(" ,;-")
    return text if key(text) else None


def display_name(phrase: str) -> str:
    """ "BARACK_OBAMA" → "Barack Obama"; acronyms with periods or without vowels stay upper."""
    return " ".join(display_word(w, first=i == 0) for i, w in enumerate(phrase.split()))


def display_word(word: str, *, first: bool) -> str:
    bare = word.strip(".,").lower()
    if "." in word.strip(".") or (not re.search("[aeiouy]", bare) and bare not in ABBREVIATIONS):
        return word.upper()
    if not first and bare in LOWER_WORDS:
        return word.lower()
    parts = word.lower().split("-")
    # "al-" and "el-" stay lower case inside a name ("Abu Bakr al-Baghdadi", but "Al-Qaeda")
    return "-".join(
        p if not (first or j) and p in ("al", "el") else capitalise(p) for j, p in enumerate(parts)
    )


def capitalise(part: str) -> str:
    """Upper-case the first letter, and the letter after "o'"/"d'" ("O'Brien", "D'Ivoire")."""
    if re.match(r"[od]'\w\w", part):
        return part[0].upper() + "'" + part[2].upper() + part[3:]
    return part[:1].upper() + part[1:]


# --- actor dictionaries ------------------------------------------------------------------------


@dataclass
class Block:
    """One actor entry as written: its phrases and its code brackets, with line numbers."""

    phrases: list[tuple[str, int]] = field(default_factory=list)
    codes: list[tuple[str, int]] = field(default_factory=list)


def read_blocks(path: Path, stats: Stats) -> Iterator[Block]:
    """The entries of one actor file, codeless primaries grouped with the entry after them."""
    block: Block | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = raw.split("#", 1)[0].rstrip()
        if not body.strip():
            continue
        codes = [(c, lineno) for c in BRACKET.findall(body)]
        text = BRACKET.sub(" ", body).strip()
        if raw.startswith("+") and block is not None:
            block.phrases.append((text[1:], lineno))
        elif not text:  # an indented role line
            if block is None:
                stats.dropped["role lines before any entry"] += 1
                continue
            block.codes += codes
        else:  # a primary phrase (a few are indented by mistake)
            if block is not None and block.codes:
                yield block
                block = None
            if block is not None:
                stats.notes["codeless primaries grouped with the next entry"] += 1
            block = block or Block()
            block.phrases.append((text.lstrip("+"), lineno))
            block.codes += codes
    if block is not None:
        if block.codes:
            yield block
        else:
            stats.dropped["entries with no code at the end of a file"] += 1


def parse_date(text: str) -> dt.date:
    if not DATE.fullmatch(text):
        raise ValueError(text)
    if len(text) == 6:
        year = int(text[:2])
        text = f"{2000 + year if year < 30 else 1900 + year}{text[2:]}"
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def parse_restriction(text: str) -> tuple[dt.date | None, dt.date | None]:
    """ "" → (None, None); "<D" → (None, D); ">D" → (D, None); "D-D" → (D, D)."""
    if not text:
        return None, None
    if text[0] == "<":
        return None, parse_date(text[1:])
    if text[0] == ">":
        return parse_date(text[1:]), None
    first, dash, last = text.partition("-")
    if not dash:
        raise ValueError(text)
    start, end = parse_date(first), parse_date(last)
    if start > end:
        raise ValueError(text)
    return start, end


@dataclass(frozen=True)
class RoleRow:
    code: str
    country: str
    sectors: tuple[str, ...]
    start: dt.date | None
    end: dt.date | None
    source: str

    @property
    def what(self) -> tuple[str, dt.date | None, dt.date | None]:
        """The role without where it was written: two lines saying the same are one role."""
        return self.code, self.start, self.end


def parse_role(
    bracket: str, *, source: str, cameo_to_iso: dict[str, str], stats: Stats
) -> RoleRow | None:
    code, _, restriction = bracket.strip().partition(" ")
    if code == "---":
        stats.dropped["roles with the null code ---"] += 1
        return None
    try:
        country, sectors = split_code(code)
        start, end = parse_restriction(restriction.replace(" ", ""))
    except ValueError:
        stats.dropped[f"roles with a malformed code or date ({bracket.strip()})"] += 1
        return None
    if country in REJECTED_ROOTS:
        stats.dropped[f"roles with root {country} ({REJECTED_ROOTS[country]})"] += 1
        return None
    if country in ROOT_TYPOS or country in cameo_to_iso:
        fixed = ROOT_TYPOS.get(country) or cameo_to_iso[country]
        stats.notes[f"roles with root {country} recoded {fixed}"] += 1
        country = fixed
        code = fixed + code[3:]
    return RoleRow(code, country, sectors, start, end, source)


@dataclass
class Actor:
    id: str
    names: list[tuple[str, str]]  # (display name, key), canonical first
    roles: list[RoleRow]


def convert_block(
    block: Block, *, tag: str, cameo_to_iso: dict[str, str], stats: Stats
) -> Actor | None:
    roles = []
    for bracket, lineno in block.codes:
        role = parse_role(bracket, source=f"{tag}:{lineno}", cameo_to_iso=cameo_to_iso, stats=stats)
        if role is not None and role.what not in {r.what for r in roles}:
            roles.append(role)
    names: dict[str, str] = {}
    for phrase, _ in block.phrases:
        text = clean_phrase(phrase)
        if text is None:
            stats.dropped["names unusable (mis-encoded, a stray label, or no letters)"] += 1
            continue
        name = display_name(text)
        if key(name) in names:
            stats.notes["names repeated within an entry (kept once)"] += 1
        names.setdefault(key(name), name)
    if not roles or not names:
        stats.dropped["entries with no usable role or no usable name"] += 1
        stats.dropped["  names in those entries"] += len(names)
        return None
    return Actor("", [(n, k) for k, n in names.items()], roles)


def convert_actors(source: Path, stats: Stats) -> list[Actor]:
    cameo_to_iso = load_cameo_to_iso()
    by_id: dict[str, Actor] = {}
    for tag, filename in ACTOR_FILES.items():
        for block in read_blocks(source / filename, stats):
            actor = convert_block(block, tag=tag, cameo_to_iso=cameo_to_iso, stats=stats)
            if actor is not None:
                merge(by_id, actor, stats)
    actors = list(by_id.values())
    stats.kept["actors"] = len(actors)
    stats.kept["names"] = sum(len(a.names) for a in actors)
    stats.kept["roles"] = sum(len(a.roles) for a in actors)
    stats.kept["roles without dates (defaults)"] = sum(
        r.start is None and r.end is None for a in actors for r in a.roles
    )
    keys = Counter(k for a in actors for _, k in a.names)
    stats.notes["keys naming more than one actor"] = sum(n > 1 for n in keys.values())
    iso = set(load_countries())
    for root, n in Counter(r.country for a in actors for r in a.roles).items():
        if root not in iso:
            stats.notes[f"roles with non-ISO root {root or '(none)'}"] = n
    return actors


def merge(by_id: dict[str, Actor], actor: Actor, stats: Stats) -> None:
    """Entries with the same canonical name are one actor (the International file repeats many
    organisations): names and roles are pooled, in file order, so a later default comes last
    and wins, as a later entry overwrites an earlier one in PETRARCH."""
    actor.id = actor.names[0][1].replace(" ", "_")
    earlier = by_id.get(actor.id)
    if earlier is None:
        by_id[actor.id] = actor
        return
    stats.notes["entries merged into an earlier entry with the same name"] += 1
    known = {k for _, k in earlier.names}
    earlier.names += [(n, k) for n, k in actor.names if k not in known]
    held = {r.what for r in earlier.roles}
    earlier.roles += [r for r in actor.roles if r.what not in held]


def load_countries() -> dict[str, str]:
    """alpha3 → cameo code, from the hand-written country table."""
    rows = {}
    lines = [ln for ln in COUNTRIES.read_text(encoding="utf-8").splitlines() if ln[:1] != "#"]
    header = lines[0].split("\t")
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        rows[row["alpha3"]] = row["cameo"]
    return rows


def load_cameo_to_iso() -> dict[str, str]:
    """CAMEO country codes that are not ISO codes → the ISO code (TMP → TLS, KSV → XKX)."""
    countries = load_countries()
    return {
        cameo: alpha3
        for alpha3, cameo in countries.items()
        if len(cameo) == 3 and cameo != alpha3 and cameo not in countries
    }


# --- agents ------------------------------------------------------------------------------------

AGENT = re.compile(r"^(?P<phrase>[^\[{]+?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]}]*)[\]}]")
SUBSTITUTION = re.compile(r"^!(?P<name>\w+)!\s*=\s*(?P<items>.+)$")
AGENT_CODE = re.compile(r"(?P<before>(?:[A-Z]{3})+)~|~(?P<after>(?:[A-Z]{3})+)")


def plural(phrase: str) -> str:
    """The regular plural of a phrase's last word."""
    head, _, last = phrase.rpartition(" ")
    lower = last.lower()
    if lower.endswith("man") and lower not in MAN_PLURAL_EXCEPTIONS:
        last = last[:-3] + "men"
    elif re.search("[^aeiou]y$", lower):
        last = last[:-1] + "ies"
    elif re.search("(s|x|z|ch|sh)$", lower):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


@dataclass(frozen=True)
class AgentRow:
    key: str
    name: str
    code: str
    placement: str
    source: str


def agent_forms(phrase: str, plural_group: str | None, subs: dict[str, list[str]]) -> list[str]:
    """Every surface form an agent line stands for, as lower-case words."""
    text = " ".join(phrase.replace("_", " ").split()).lower()
    marker = re.search(r"!(\w+)!", text)
    if marker:
        return [text.replace(marker.group(0), item.lower()) for item in subs[marker.group(1)]]
    if plural_group is None:
        return [text, plural(text)]
    extra = " ".join(plural_group.replace("_", " ").split()).lower()
    return [text, extra] if extra else [text]


def convert_agents(path: Path, stats: Stats) -> list[AgentRow]:
    subs: dict[str, list[str]] = {}
    rows: dict[str, AgentRow] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        if sub := SUBSTITUTION.match(body):
            subs[sub["name"].lower()] = [i.strip() for i in sub["items"].split(",")]
            continue
        match = AGENT.match(body)
        code = AGENT_CODE.fullmatch(match["code"].strip()) if match else None
        if code is None or MOJIBAKE.search(body):
            stats.dropped["agent lines with no code, a malformed code or mis-encoded"] += 1
            continue
        if " " in match["phrase"].strip():
            stats.notes["agent phrases with a gap (read as consecutive words)"] += 1
        placement = "before" if code["before"] else "after"
        forms = agent_forms(match["phrase"].strip(), match["plural"], subs)
        for form in forms:
            add_agent(rows, form, code["before"] or code["after"], placement, lineno, stats)
    stats.kept["agent lines → forms"] = len(rows)
    return list(rows.values())


def add_agent(
    rows: dict[str, AgentRow], form: str, code: str, placement: str, lineno: int, stats: Stats
) -> None:
    k = key(form)
    previous = rows.get(k)
    if previous is None:
        rows[k] = AgentRow(k, form, code, placement, f"agents:{lineno}")
    elif (previous.code, previous.placement) != (code, placement):
        stats.notes["agent forms given two codes (the first kept)"] += 1


# --- discards ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscardRow:
    key: str
    scope: str
    match: str
    source: str


def convert_discards(path: Path, stats: Stats) -> list[DiscardRow]:
    rows: dict[tuple[str, str], DiscardRow] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        scope = "story" if body.startswith("+") else "sentence"
        phrase = body.lstrip("+").strip()
        match = "word" if phrase.endswith("_") else "stem"
        k = key(phrase)
        if not k:
            stats.dropped["discard lines with no words"] += 1
        elif (k, match) in rows:
            stats.notes["discards repeated (kept once)"] += 1
        else:
            rows[(k, match)] = DiscardRow(k, scope, match, f"discards:{lineno}")
    stats.kept["discards"] = len(rows)
    return list(rows.values())


# --- output ------------------------------------------------------------------------------------


def header(what: str, sources: Iterable[Path], columns: str, *, date: dt.date) -> str:
    lines = [what, "Source (PETRARCH2 / Phoenix dictionaries, Open Event Data Alliance):"]
    for path in sources:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        lines.append(f"  {path.name}  sha256 {digest}…")
    lines += [
        "Licence: MIT, Copyright (c) 2014 Open Event Data (the source's notice follows).",
        f"Converted by scripts/convert_phoenix.py on {date.isoformat()}; edit that script, "
        "not this file.",
        *columns.splitlines(),
        "",
        *LICENCE.splitlines(),
    ]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def write(path: Path, head: str, columns: list[str], rows: Iterable[Iterable[str]]) -> int:
    lines = [head, "\t".join(columns) + "\n"]
    count = 0
    for row in rows:
        lines.append("\t".join(row) + "\n")
        count += 1
    path.write_text("".join(lines), encoding="utf-8", newline="\n")
    return count


ACTOR_COLUMNS = """\
One row per (actor, surface name). Columns:
  actor_id  stable id: the canonical name's key with "_" for spaces
  name      the name as a reader writes it ("Barack Obama"); an actor's first row holds its
            canonical name
  key       newsevents.actors.normalise.key(name): the lower-case token key lookups match on
  kind      canonical | synonym
Roles (country and sector codes, with dates) are in roles.tsv."""

ROLE_COLUMNS = """\
One row per (actor, role). Columns:
  actor_id  as in actors.tsv
  code      the CAMEO code as PETRARCH writes it (CAMEO-only country codes mapped to ISO alpha-3:
            TMP → TLS, KSV → XKX)
  country   the code's first 3 letters: ISO alpha-3, or CAMEO's non-state root (IGO, NGO, MNC,
            IMG, a region such as MEA, a religion such as HIN); empty when the code opens with a
            sector (ELI, MED)
  sectors   the following 3-letter groups, "|"-separated (after IGO, NGO or MNC the first group
            names the organisation or home country: IGOUNO, MNCUSA)
  start     first day the role holds (ISO date), empty = since always
  end       last day the role holds (inclusive), empty = still holds
  source    the source file (Countries, International, MilNonState) and line
A role with neither start nor end is the actor's default, used on days no dated role covers."""

AGENT_COLUMNS = """\
Role nouns and their plurals. Columns:
  key        the normalised lower-case token key of the form
  name       the form as words ("foreign minister", "foreign ministers")
  code       the CAMEO code the noun contributes (GOV, COP, GOVMED …)
  sectors    code split in 3-letter groups, "|"-separated
  placement  after: appended to the actor's country ("Colombian police" → COL + COP);
             before: put in front of it (PETRARCH's "NGO~": "human rights body" → NGO + …)
  source     line in Phoenix.agents.txt"""

DISCARD_COLUMNS = """\
Phrases that mark a sentence (or a whole story) as not to be coded: sports, entertainment, history.
Columns:
  key    the normalised lower-case token key of the phrase
  scope  sentence | story (PETRARCH's "+" prefix: discard the whole story)
  match  word (the last token must match whole; PETRARCH's trailing "_") |
         stem (the last token may continue)
  source line in Phoenix.discards.txt"""


def write_all(source: Path, out: Path, *, date: dt.date) -> str:
    out.mkdir(parents=True, exist_ok=True)
    actor_stats, agent_stats, discard_stats = Stats(), Stats(), Stats()
    actors = convert_actors(source, actor_stats)
    actor_sources = [source / name for name in ACTOR_FILES.values()]
    write(
        out / "actors.tsv",
        header("newsevents actor names", actor_sources, ACTOR_COLUMNS, date=date),
        ["actor_id", "name", "key", "kind"],
        (
            (a.id, name, k, "canonical" if i == 0 else "synonym")
            for a in actors
            for i, (name, k) in enumerate(a.names)
        ),
    )
    write(
        out / "roles.tsv",
        header("newsevents actor roles", actor_sources, ROLE_COLUMNS, date=date),
        ["actor_id", "code", "country", "sectors", "start", "end", "source"],
        (
            (a.id, r.code, r.country, "|".join(r.sectors), iso(r.start), iso(r.end), r.source)
            for a in actors
            for r in a.roles
        ),
    )
    agents = convert_agents(source / AGENT_FILE, agent_stats)
    write(
        out / "agents.tsv",
        header("newsevents agents", [source / AGENT_FILE], AGENT_COLUMNS, date=date),
        ["key", "name", "code", "sectors", "placement", "source"],
        (
            (a.key, a.name, a.code, "|".join(split_groups(a.code)), a.placement, a.source)
            for a in agents
        ),
    )
    discards = convert_discards(source / DISCARD_FILE, discard_stats)
    write(
        out / "discards.txt",
        header("newsevents discards", [source / DISCARD_FILE], DISCARD_COLUMNS, date=date),
        ["key", "scope", "match", "source"],
        ((d.key, d.scope, d.match, d.source) for d in discards),
    )
    return "\n".join(
        [
            actor_stats.report("actors (actors.tsv, roles.tsv)"),
            agent_stats.report("agents (agents.tsv)"),
            discard_stats.report("discards (discards.txt)"),
        ]
    )


def split_groups(code: str) -> list[str]:
    return [code[i : i + 3] for i in range(0, len(code), 3)]


def conversion_date(text: str | None) -> dt.date:
    if text:
        return dt.date.fromisoformat(text)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="the PETRARCH dictionaries")
    parser.add_argument("--out", type=Path, default=OUT, help="where the tables are written")
    parser.add_argument("--date", help="conversion date for the headers (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    print(write_all(args.source, args.out, date=conversion_date(args.date)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
