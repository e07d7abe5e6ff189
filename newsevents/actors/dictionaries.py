"""The actor, agent, country and discard tables, and lookups against them.

Shipped tables (``newsevents/data``), each a tab-separated file with ``#`` header lines that say
what it is, where it comes from and its licence, then a line of column names:

    actors/actors.tsv      names of actors (from Phoenix): actor_id, name, key, kind
    actors/roles.tsv       their roles: actor_id, code, country, sectors, start, end, source
    actors/supplement.tsv  offices held since Phoenix (by hand): the roles columns + names, note
    actors/agents.tsv      role nouns → sectors: key, name, code, sectors, placement, source
    actors/discards.txt    phrases that mark sports, history …: key, scope, match, source
    countries.tsv          codes, names, aliases, demonyms, capitals, metonyms

User dictionaries (``load_dictionaries(extra=[...])``) use the same formats, told apart by their
columns: a file with a ``code`` column adds roles (and, with a ``names`` column of
"|"-separated names, the names that lead to them; the first is the canonical name of a new
actor); a file with ``actor_id`` and ``name`` columns adds names. Only ``actor_id`` and ``code``
(or ``name``) are required; ``country`` and ``sectors`` are derived from the code; ``start`` and
``end`` may be ``YYYY-MM-DD`` or ``YYYY-MM`` (a month: from its first day, to its last).

Which role holds on a day (:meth:`ActorEntry.role_on`):

    1. dated    the roles whose start..end (both inclusive, open when empty) covers the day; of
                several, the one that started last, so a successor wins on a hand-over day and
                a newer table's role wins over an older open-ended one; same start: the one
                loaded last (supplement and user files load after Phoenix)
    2. default  else the undated role (the last one loaded, when there are several)
    3. none     else the actor is known but holds no role on that day
With no day (``on=None``) the answer is the latest known role ("latest"): the open-ended role
that started last; else the default (PETRARCH's "ELI after office"); else the role that ended
last.

When a name leads to several actors, :meth:`Dictionaries.actor` prefers the one resolved by a
dated role, then by a default, then by the latest role, then none; on a tie, names from later
tables (user files, then the supplement) win over Phoenix, then earlier lines over later ones.

All tables are read once per process and set of user files (``functools.cache``); a user file
changed on disk is not re-read by the same process.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from newsevents.actors.normalise import key, split_code, tokens
from newsevents.errors import UsageError

DATA = Path(__file__).resolve().parent.parent / "data"
ACTOR_NAMES = DATA / "actors" / "actors.tsv"
ACTOR_ROLES = DATA / "actors" / "roles.tsv"
SUPPLEMENT = DATA / "actors" / "supplement.tsv"
AGENTS = DATA / "actors" / "agents.tsv"
DISCARDS = DATA / "actors" / "discards.txt"
COUNTRIES = DATA / "countries.tsv"

#: Keys that are also everyday lower-case words: "us" the pronoun, "car" the vehicle. They name a
#: country only when the text has a capital letter or a period ("US", "U.S.", "CAR").
CAPITALS_ONLY = frozenset({"us", "car"})
#: Country-table columns in the order their names win when two columns of one country share a
#: key, with the sector hint each gives ("Washington" read as the government).
COUNTRY_KINDS = (
    ("name", None),
    ("aliases", None),
    ("demonyms", None),
    ("people", None),
    ("capitals", "GOV"),
)
RESOLUTIONS = ("dated", "default", "latest", "none")


@dataclass(frozen=True, slots=True)
class Role:
    """A CAMEO code an actor holds, from ``start`` to ``end`` (inclusive; ``None`` is open).

    ``country`` is the code's first group (ISO alpha-3, or a non-state root such as IGO; ""
    when the code opens with a sector); ``sectors`` the groups after it. A role with neither
    date is the actor's default. ``source`` is the table and line it came from.
    """

    code: str
    country: str
    sectors: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None
    source: str = ""

    @property
    def is_default(self) -> bool:
        return self.start is None and self.end is None

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """A person, organisation or place-as-actor, with every role it holds in the tables."""

    id: str
    name: str
    roles: tuple[Role, ...]

    def role_on(self, day: dt.date | None) -> tuple[Role | None, str]:
        """The role that holds on ``day`` and how it was chosen (see the module docstring)."""
        dated = [(i, r) for i, r in enumerate(self.roles) if not r.is_default]
        defaults = [r for r in self.roles if r.is_default]
        if day is None:
            return _latest(dated, defaults)
        covering = [(r.start or dt.date.min, i, r) for i, r in dated if r.holds_on(day)]
        if covering:
            return max(covering, key=lambda c: c[:2])[2], "dated"
        if defaults:
            return defaults[-1], "default"
        return None, "none"


def _latest(dated: list[tuple[int, Role]], defaults: list[Role]) -> tuple[Role | None, str]:
    open_ended = [(r.start or dt.date.min, i, r) for i, r in dated if r.end is None]
    if open_ended:
        return max(open_ended, key=lambda c: c[:2])[2], "latest"
    if defaults:
        return defaults[-1], "latest"
    if dated:
        return max(dated, key=lambda c: (c[1].end, c[0]))[1], "latest"
    return None, "none"


@dataclass(frozen=True, slots=True)
class ResolvedActor:
    """A name looked up on a day: the actor, the role then held, and how it was chosen.

    ``resolution`` is one of :data:`RESOLUTIONS`; with ``"none"`` the actor is known but holds
    no role on that day, and ``country`` is ``None``.
    """

    text: str
    actor: ActorEntry
    role: Role | None
    resolution: str

    @property
    def code(self) -> str | None:
        return self.role.code if self.role else None

    @property
    def country(self) -> str | None:
        return (self.role.country or None) if self.role else None

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.role.sectors if self.role else ()


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory. ``alpha3`` is the code newsevents uses; ``fips`` is for GDELT
    exports ("" when FIPS has none or several); ``cameo`` is what CAMEO/Phoenix writes."""

    alpha3: str
    alpha2: str
    numeric: str
    fips: str
    cameo: str
    name: str
    capitals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """What ``text`` names: a country, which column matched (name, aliases, demonyms, people,
    capitals, metonyms) and the sector that implies (GOV for a capital, the metonym's own)."""

    text: str
    country: Country
    kind: str
    sector: str | None


@dataclass(frozen=True, slots=True)
class Agent:
    """A role noun: the code it adds to an actor's country, after it (``~GOV``) or, for
    ``before``, in front of it (PETRARCH's ``NGO~``)."""

    name: str
    code: str
    sectors: tuple[str, ...]
    before: bool = False


@dataclass(frozen=True, slots=True)
class AgentMatch:
    """The agent found in a phrase and where: ``start``/``end`` index the phrase's tokens."""

    agent: Agent
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Discard:
    """A phrase that marks a sentence (``story``: the whole story) as not to be coded. With
    ``stem`` its last word may continue ("baseball" matches "baseballs")."""

    key: str
    story: bool
    stem: bool

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.key.split(" "))


@dataclass(frozen=True, slots=True)
class Dictionaries:
    """Every table, indexed by match key. Build it with :func:`load_dictionaries`."""

    actors: Mapping[str, ActorEntry]
    actor_names: Mapping[str, tuple[str, ...]]  # key → actor ids, the preferred first
    countries: Mapping[str, Country]
    country_names: Mapping[str, CountryMatch]
    agents: Mapping[str, Agent]
    discards: Mapping[str, tuple[Discard, ...]]
    stem_discards: Mapping[str, Discard]
    files: tuple[Path, ...] = ()
    longest_agent: int = field(default=1)

    def actor(self, name: str, *, on: dt.date | None) -> ResolvedActor | None:
        """The actor ``name`` refers to on day ``on`` (``None``: date unknown), or ``None``
        when no table knows the name."""
        resolved = [ResolvedActor(name, a, *a.role_on(on)) for a in self.actors_named(name)]
        if not resolved:
            return None
        return min(resolved, key=lambda r: RESOLUTIONS.index(r.resolution))

    def actors_named(self, name: str) -> tuple[ActorEntry, ...]:
        """Every actor ``name`` may refer to, the preferred table first."""
        k = _match_key(name)
        return tuple(self.actors[i] for i in self.actor_names.get(k, ())) if k else ()

    def country(self, text: str) -> CountryMatch | None:
        """The country a name, alias, demonym, capital or metonym refers to ("the" is optional:
        "the United States", "Kremlin")."""
        k = _match_key(text)
        if not k:
            return None
        found = self.country_names.get(k)
        if found is None and k.startswith("the "):
            found = self.country_names.get(k[4:])
        return CountryMatch(text, found.country, found.kind, found.sector) if found else None

    def country_by_code(self, code: str) -> Country | None:
        """The country with this ISO alpha-3 code, or with this CAMEO-only code (TMP, KSV)."""
        code = code.upper()
        found = self.countries.get(code)
        return found or next((c for c in self.countries.values() if c.cameo == code), None)

    def agent(self, phrase: str) -> AgentMatch | None:
        """The longest role noun in ``phrase`` ("Colombia's Foreign Minister" → "foreign
        minister", GOV); of two equally long, the later one, since English heads come last."""
        words = tokens(phrase)
        best: tuple[int, int] | None = None
        for start in range(len(words)):
            for end in range(min(len(words), start + self.longest_agent), start, -1):
                if " ".join(words[start:end]) in self.agents:
                    if best is None or end - start >= best[1] - best[0]:
                        best = (start, end)
                    break
        if best is None:
            return None
        text = " ".join(words[best[0] : best[1]])
        return AgentMatch(self.agents[text], text, *best)

    def discard(self, text: str) -> Discard | None:
        """The discard phrase ``text`` contains, a story-level one first, else ``None``."""
        words = tokens(text)
        found = [d for i in range(len(words)) for d in self._discards_at(words, i)]
        return next((d for d in found if d.story), found[0] if found else None)

    def is_discard(self, text: str) -> bool:
        """Whether ``text`` contains a discard phrase (sports, entertainment, history …)."""
        return self.discard(text) is not None

    def _discards_at(self, words: tuple[str, ...], i: int) -> Iterator[Discard]:
        word = words[i]
        for length in range(1, len(word) + 1):
            if (stem := self.stem_discards.get(word[:length])) is not None:
                yield stem
        for discard in self.discards.get(word, ()):
            want = discard.words
            got = words[i : i + len(want)]
            if len(got) == len(want) and got[:-1] == want[:-1]:
                if got[-1] == want[-1] or (discard.stem and got[-1].startswith(want[-1])):
                    yield discard


def _match_key(text: str) -> str:
    k = key(text)
    if k in CAPITALS_ONLY and text.islower() and "." not in text:
        return ""
    return k


def load_dictionaries(*, extra: Sequence[Path | str] = ()) -> Dictionaries:
    """The shipped tables plus the user tables ``extra`` (later files win ties), loaded once."""
    return _load(tuple(Path(p).resolve() for p in extra))


@cache
def _load(extra: tuple[Path, ...]) -> Dictionaries:
    if extra:
        shipped = _load(())
        entries, names = shipped.actors, shipped.actor_names
        for path in extra:
            entries, names = _ActorLayer.read(path).merge_into(entries, names)
        return replace(shipped, actors=entries, actor_names=names, files=(*shipped.files, *extra))
    entries, names = _ActorLayer.read(ACTOR_NAMES, ACTOR_ROLES).merge_into({}, {})
    entries, names = _ActorLayer.read(SUPPLEMENT).merge_into(entries, names)
    countries, country_names = _read_countries(COUNTRIES)
    agents = _read_agents(AGENTS)
    discards, stems = _read_discards(DISCARDS)
    return Dictionaries(
        actors=entries,
        actor_names=names,
        countries=countries,
        country_names=country_names,
        agents=agents,
        discards=discards,
        stem_discards=stems,
        files=(ACTOR_NAMES, ACTOR_ROLES, SUPPLEMENT, AGENTS, DISCARDS, COUNTRIES),
        longest_agent=max((len(k.split(" ")) for k in agents), default=1),
    )


def read_table(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of a newsevents TSV: ``#`` lines and blank lines are
    skipped, the first other line names the columns."""
    header: list[str] | None = None
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot read dictionary {path}: {exc.strerror}", source=str(path)
        ) from exc
    with handle:
        for lineno, line in enumerate(handle, 1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            if header is None:
                header = fields
            elif len(fields) != len(header):
                raise UsageError(
                    f"{path}:{lineno}: {len(fields)} tab-separated fields, the header has "
                    f"{len(header)} ({', '.join(header)})",
                    source=str(path),
                )
            else:
                yield lineno, dict(zip(header, fields, strict=True))


class _ActorLayer:
    """The names and roles of one table (or of Phoenix's pair of tables), before merging.

    Layers merge in load order: Phoenix, the supplement, then each user file. A layer's roles
    are added to the actor's earlier ones; its names go before earlier candidates for the key.
    """

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.canonical: dict[str, str] = {}
        self.roles: dict[str, list[Role]] = {}

    @classmethod
    def read(cls, *paths: Path) -> _ActorLayer:
        layer = cls()
        for path in paths:
            layer._read(path)
        return layer

    def _read(self, path: Path) -> None:
        rows = read_table(path)
        first = next(rows, None)
        if first is None:
            return
        columns = first[1].keys()
        if "code" in columns:
            reader = self._read_role
        elif {"actor_id", "name"} <= columns:
            reader = self._read_name
        else:
            raise UsageError(
                f"{path}: a dictionary needs columns actor_id and code (roles) or actor_id and "
                f"name (names); it has {', '.join(columns)}",
                source=str(path),
            )
        for lineno, row in (first, *rows):
            try:
                reader(row, source=f"{path.name}:{lineno}")
            except (KeyError, ValueError) as exc:
                raise UsageError(f"{path}:{lineno}: {exc}", source=str(path)) from exc

    def _read_name(self, row: dict[str, str], *, source: str) -> None:
        self._add_name(row["actor_id"], row["name"], row.get("key") or key(row["name"]))

    def _read_role(self, row: dict[str, str], *, source: str) -> None:
        actor_id = row["actor_id"].strip()
        if not actor_id:
            raise ValueError("empty actor_id")
        for name in filter(None, (n.strip() for n in row.get("names", "").split("|"))):
            self._add_name(actor_id, name, key(name))
        code = row["code"].strip()
        country, sectors = split_code(code)
        start = _parse_date(row.get("start", ""), last=False)
        end = _parse_date(row.get("end", ""), last=True)
        if start and end and start > end:
            raise ValueError(f"start {start} is after end {end}")
        role = Role(code, country, sectors, start, end, row.get("source") or source)
        self.roles.setdefault(actor_id, []).append(role)

    def _add_name(self, actor_id: str, name: str, k: str) -> None:
        if not k:
            raise ValueError(f"name {name!r} has no letters or digits")
        self.canonical.setdefault(actor_id, name)
        ids = self.names.setdefault(k, [])
        if actor_id not in ids:
            ids.append(actor_id)

    def merge_into(
        self, entries: Mapping[str, ActorEntry], names: Mapping[str, tuple[str, ...]]
    ) -> tuple[dict[str, ActorEntry], dict[str, tuple[str, ...]]]:
        """New mappings: ``entries`` and ``names`` with this layer on top (neither is changed)."""
        merged = dict(entries)
        for actor_id in dict.fromkeys([*self.canonical, *self.roles]):
            old = merged.get(actor_id)
            name = old.name if old else self.canonical.get(actor_id, actor_id)
            roles = (*(old.roles if old else ()), *self.roles.get(actor_id, ()))
            merged[actor_id] = ActorEntry(actor_id, name, roles)
        merged_names = dict(names)
        for k, ids in self.names.items():
            merged_names[k] = (*ids, *(i for i in names.get(k, ()) if i not in ids))
        return merged, merged_names


def _parse_date(text: str, *, last: bool) -> dt.date | None:
    """ISO ``YYYY-MM-DD``; ``YYYY-MM`` is the month's first day (``last``: its last day)."""
    text = text.strip()
    if not text:
        return None
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:])
        day = calendar.monthrange(year, month)[1] if last else 1
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _read_countries(path: Path) -> tuple[dict[str, Country], dict[str, CountryMatch]]:
    countries: dict[str, Country] = {}
    names: dict[str, CountryMatch] = {}
    for lineno, row in read_table(path):
        country = Country(
            *(row[c] for c in ("alpha3", "alpha2", "numeric", "fips", "cameo", "name")),
            capitals=_split(row["capitals"]),
        )
        countries[country.alpha3] = country
        for column, sector in COUNTRY_KINDS:
            for text in _split(row[column]):
                names.setdefault(key(text), CountryMatch(text, country, column, sector))
        for item in _split(row["metonyms"]):
            text, equals, sector = item.rpartition("=")
            if not equals:
                raise UsageError(f"{path}:{lineno}: metonym {item!r} is not NAME=SECTOR")
            names.setdefault(key(text), CountryMatch(text, country, "metonyms", sector))
    return countries, names


def _read_agents(path: Path) -> dict[str, Agent]:
    agents: dict[str, Agent] = {}
    for _, row in read_table(path):
        agent = Agent(
            row["name"], row["code"], _split(row["sectors"]), before=row["placement"] == "before"
        )
        agents.setdefault(row["key"], agent)
    return agents


def _read_discards(path: Path) -> tuple[dict[str, tuple[Discard, ...]], dict[str, Discard]]:
    by_first: dict[str, list[Discard]] = {}
    stems: dict[str, Discard] = {}
    for _, row in read_table(path):
        discard = Discard(row["key"], story=row["scope"] == "story", stem=row["match"] == "stem")
        if discard.stem and " " not in discard.key:
            stems.setdefault(discard.key, discard)
        else:
            by_first.setdefault(discard.words[0], []).append(discard)
    return {k: tuple(v) for k, v in by_first.items()}, stems


def _split(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split("|") if item.strip())
