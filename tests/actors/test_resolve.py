"""Stage 3: actor mentions and coreference, on sentences parsed by the real model."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from newsevents import api
from newsevents.actors.dictionaries import AGENTS, Dictionaries, load_dictionaries, read_table
from newsevents.actors.resolve import (
    AGENT_SUPPLEMENT,
    ArticleActors,
    resolve_actors,
    supplement_agents,
)
from newsevents.config import Settings
from newsevents.nlp import load_model
from newsevents.records import Actor

D = dt.date
SEED_DAY = D(2025, 3, 27)


@pytest.fixture(scope="module")
def tables() -> Dictionaries:
    return load_dictionaries()


@dataclasses.dataclass(frozen=True)
class Resolved:
    """A parsed text and its actors, with lookups by the words of a phrase."""

    doc: object
    actors: ArticleActors

    def of(self, word: str, occurrence: int = 0) -> tuple[Actor, ...]:
        """The actors of the phrase headed by the ``occurrence``-th token that reads ``word``."""
        tokens = [t for t in self.doc if t.text == word]  # type: ignore[attr-defined]
        assert len(tokens) > occurrence, f"{word!r} #{occurrence} not in {self.doc}"
        return self.actors.of(tokens[occurrence])

    def codes(self, word: str, occurrence: int = 0) -> tuple[str, ...]:
        return tuple(a.code for a in self.of(word, occurrence))


def resolve(text: str, tables: Dictionaries, *, on: dt.date | None = SEED_DAY) -> Resolved:
    doc = load_model(Settings().model)(text)
    return Resolved(doc, resolve_actors(doc, on=on, dictionaries=tables))


# --- what a phrase names by itself -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "head", "codes", "resolved_by"),
    [
        # named actors, with the role they held on the article's date
        ("Homeland Security Secretary Kristi Noem arrived.", "Noem", ("USAGOV",), "dictionary"),
        ("President Gustavo Petro met reporters.", "Petro", ("COLGOV",), "dictionary"),
        ("President Nayib Bukele welcomed her.", "Bukele", ("SLVGOV",), "dictionary"),
        ("Mexican President Claudia Sheinbaum spoke.", "Sheinbaum", ("MEXGOV",), "dictionary"),
        ("Donald Trump announced new tariffs.", "Trump", ("USAGOV",), "dictionary"),
        (
            "The Trump administration criticised Bogota.",
            "administration",
            ("USAGOV",),
            "dictionary",
        ),
        ("The United Nations urged restraint.", "Nations", ("IGOUNO",), "dictionary"),
        # countries, capitals and metonyms
        ("Colombia recalled its ambassador.", "Colombia", ("COL",), "country"),
        ("The United States imposed sanctions.", "States", ("USA",), "country"),
        ("Officials in the U.S. said nothing.", "U.S.", ("USA",), "country"),
        ("Washington said the talks had failed.", "Washington", ("USAGOV",), "country"),
        ("The Kremlin denied the report.", "Kremlin", ("RUSGOV",), "country"),
        ("Colombians voted on Sunday.", "Colombians", ("COL",), "country"),
        # role nouns with the country of a demonym, possessor or complement
        ("Colombian officials met the envoy.", "officials", ("COLGOV",), "agent"),
        ("Mexican police arrested three men.", "police", ("MEXCOP",), "agent"),
        ("Colombia's Foreign Minister met the envoy.", "Minister", ("COLGOV",), "agent"),
        ("The government of Colombia said so.", "government", ("COLGOV",), "agent"),
        ("Senior Hungarian officials arrived.", "officials", ("HUNGOV",), "agent"),
        ("The Colombian Senate approved the bill.", "Senate", ("COLLEG",), "agent"),
        ("Police arrested gang members in the capital.", "members", ("CRM",), "agent"),
        ("Rebels attacked a convoy.", "Rebels", ("REB",), "agent"),
        ("Protesters blocked the road.", "Protesters", ("OPP",), "agent"),
        ("Rebel negotiators left the talks.", "negotiators", ("REB",), "agent"),
        ("Israeli troops killed three Hamas militants.", "militants", ("PSEREBHMS",), "dictionary"),
        # one actor per country named
        (
            "Hungarian and Romanian officials agreed to cooperate.",
            "officials",
            ("HUNGOV", "ROUGOV"),
            "agent",
        ),
        ("U.S. and Colombian officials met in Bogota.", "officials", ("USAGOV", "COLGOV"), "agent"),
        # named entities no table knows
        ("Foreign Minister Juan Perez of Ruritania arrived.", "Perez", ("GOV",), "entity"),
        ("The Zorblat Foundation praised the decision.", "Foundation", ("",), "entity"),
    ],
)
def test_reading(text: str, head: str, codes: tuple[str, ...], resolved_by: str, tables) -> None:
    actors = resolve(text, tables).of(head)
    assert tuple(a.code for a in actors) == codes
    assert {a.resolved_by for a in actors} == {resolved_by}


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("Strained U.S.-Colombian relations worsened.", "relations"),
        ("Strained U.S.-Colombian relations worsened.", "U.S.-Colombian"),
        ("Noem joined a Latin American tour.", "tour"),
        ("They discussed gang-related issues.", "gang"),
        ("Police said it was unclear who fired first.", "it"),
        ("She toured a prison. It houses deported Venezuelans.", "It"),
        ("Manchester United signed a striker from Chelsea.", "Chelsea"),
        ("BOGOTA (Reuters) - Colombia's president spoke.", "BOGOTA"),
        ("BOGOTA (Reuters) - Colombia's president spoke.", "Reuters"),
    ],
)
def test_not_an_actor(text: str, head: str, tables) -> None:
    assert resolve(text, tables).of(head) == ()


@pytest.mark.parametrize(
    ("on", "code"),
    [(D(2016, 5, 1), ""), (D(2019, 6, 1), "USAGOV"), (D(2022, 6, 1), "USAELI"), (None, "USAGOV")],
)
def test_roles_are_checked_against_the_article_date(on, code: str, tables) -> None:
    (trump,) = resolve("Donald Trump announced new tariffs.", tables, on=on).of("Trump")
    assert (trump.name, trump.code) == ("Donald Trump", code)


def test_a_possessor_country_is_part_of_the_phrase(tables) -> None:
    resolved = resolve("Colombia's Foreign Minister met the envoy.", tables)
    assert resolved.of("Colombia") == ()
    (minister,) = resolved.actors.mentions[:1]
    assert (minister.text, minister.name, minister.country, minister.sector) == (
        "Colombia's Foreign Minister",
        "Colombia government",
        "COL",
        "GOV",
    )


def test_a_media_outlet_is_an_actor_as_the_source_of_a_statement(tables) -> None:
    (reuters,) = resolve("Reuters reported that Iran had launched missiles.", tables).of("Reuters")
    assert (reuters.code, reuters.sector) == ("MED", "MED")


def test_page_chrome_and_attribution_lines_hold_no_actors(tables) -> None:
    text = "Loading Now\n\nPost Comment\n\nOriginal Source: www.winnipegfreepress.com"
    assert resolve(text, tables).actors.mentions == ()


# --- coreference -------------------------------------------------------------------------------

NOEM = (
    "Homeland Security Secretary Kristi Noem arrived in Colombia on Thursday. She met the "
    "foreign minister. Noem later toured a prison. The secretary said her visit was a success. "
    "Secretary Noem will fly to Mexico on Friday."
)


@pytest.mark.parametrize(
    ("text", "word", "occurrence", "name", "code", "on"),
    [
        (NOEM, "She", 0, "Kristi Noem", "USAGOV", SEED_DAY),
        (NOEM, "Noem", 1, "Kristi Noem", "USAGOV", SEED_DAY),
        (NOEM, "secretary", 0, "Kristi Noem", "USAGOV", SEED_DAY),
        (NOEM, "her", 0, "Kristi Noem", "USAGOV", SEED_DAY),
        (NOEM, "Noem", 2, "Kristi Noem", "USAGOV", SEED_DAY),
        # gender seen once sticks: "she" is Merkel, so "he" is Macron
        (
            "Angela Merkel met Emmanuel Macron in Berlin. Mrs. Merkel said she was hopeful, and "
            "he agreed.",
            "he",
            0,
            "Emmanuel Macron",
            "FRAGOV",
            D(2019, 1, 1),
        ),
        # the subject of the previous sentence wins over a nearer object
        (
            "Kristi Noem met President Gustavo Petro. She later left for Mexico.",
            "She",
            0,
            "Kristi Noem",
            "USAGOV",
            SEED_DAY,
        ),
        # surname of an entity no table knows
        (
            "Foreign Minister Juan Perez arrived on Monday. Perez met the press.",
            "Perez",
            1,
            "Juan Perez",
            "GOV",
            SEED_DAY,
        ),
        ("Colombia rejected the plan. It said no.", "It", 0, "Colombia", "COL", SEED_DAY),
        (
            "Colombia rejected the plan. The country said no.",
            "country",
            0,
            "Colombia",
            "COL",
            SEED_DAY,
        ),
        (
            "The protesters marched to parliament. They demanded new elections.",
            "They",
            0,
            "opposition",
            "OPP",
            SEED_DAY,
        ),
        (
            "Marco Rubio, the secretary of state, arrived.",
            "secretary",
            0,
            "Marco Rubio",
            "USAGOV",
            D(2025, 3, 1),
        ),
        (
            "President Gustavo Petro, who spoke on Friday, rejected the plan.",
            "who",
            0,
            "Gustavo Petro",
            "COLGOV",
            SEED_DAY,
        ),
        (
            "The Fijian rebels said they will release the hostages.",
            "they",
            0,
            "Fiji rebels",
            "FJIREB",
            SEED_DAY,
        ),
    ],
)
def test_coreference(text: str, word: str, occurrence: int, name: str, code: str, on, tables):
    (actor,) = resolve(text, tables, on=on).of(word, occurrence)
    assert (actor.name, actor.code, actor.resolved_by) == (name, code, "coreference")
    assert word.lower() in actor.text.lower()


def test_a_group_pronoun_takes_every_actor_of_its_antecedent(tables) -> None:
    text = "Hungarian and Romanian officials agreed that their countries should cooperate."
    assert resolve(text, tables).codes("their") == ("HUNGOV", "ROUGOV")


def test_local_takes_the_country_last_named_as_a_place(tables) -> None:
    text = "Noem arrived in Colombia on Thursday. She will meet local police."
    (police,) = resolve(text, tables).of("police")
    assert (police.code, police.resolved_by) == ("COLCOP", "agent")


def test_local_without_a_place_has_no_country(tables) -> None:
    (police,) = resolve("Local police arrested two men.", tables).of("police")
    assert (police.code, police.country, police.sector) == ("COP", None, "COP")


def test_a_possessive_pronoun_gives_a_role_noun_its_country(tables) -> None:
    text = "President Nayib Bukele said his government would act."
    assert resolve(text, tables).codes("government") == ("SLVGOV",)


# --- the result --------------------------------------------------------------------------------


def test_mentions_are_in_text_order_with_offsets_into_the_text(tables) -> None:
    resolved = resolve(NOEM, tables)
    mentions = resolved.actors.mentions
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    text = resolved.doc.text  # type: ignore[attr-defined]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_article_actors_are_immutable(tables) -> None:
    actors = resolve("Colombia recalled its ambassador.", tables).actors
    with pytest.raises(dataclasses.FrozenInstanceError):
        actors.mentions = ()  # type: ignore[misc]


def test_the_agent_supplement_only_adds_nouns_agents_tsv_lacks(tables) -> None:
    shipped = {row["key"] for _, row in read_table(AGENTS)}
    added = supplement_agents()
    assert added and not (shipped & set(added))
    assert [row["key"] for _, row in read_table(AGENT_SUPPLEMENT)] == list(added)


# --- the seed article and the PLOVER gold records ------------------------------------------------

SEED_MENTIONS = [
    # (text as written, occurrence, code, resolved_by)
    ("U.S. Homeland Security Secretary Kristi Noem", 0, "USAGOV", "dictionary"),
    ("Colombian officials", 0, "COLGOV", "agent"),
    ("President Gustavo Petro", 0, "COLGOV", "dictionary"),
    ("her", 0, "USAGOV", "coreference"),
    ("she", 0, "USAGOV", "coreference"),
    ("Mexican President Claudia Sheinbaum", 0, "MEXGOV", "dictionary"),
    ("Homeland Security Secretary Kristi Noem", 0, "USAGOV", "coreference"),
    ("the Trump administration", 0, "USAGOV", "dictionary"),
    ("the Colombian government", 0, "COLGOV", "agent"),
    ("the United States", 0, "USA", "country"),
    ("Secretary Noem", 0, "USAGOV", "coreference"),
    ("Colombia’s Foreign Minister", 0, "COLGOV", "agent"),
    ("President Gustavo Petro", 1, "COLGOV", "coreference"),
    ("local police", 0, "COLCOP", "agent"),
    ("President Nayib Bukele", 0, "SLVGOV", "dictionary"),
    ("his", 0, "SLVGOV", "coreference"),
    ("Trump", 0, "USAGOV", "coreference"),
    ("Secretary Kristi Noem", 0, "USAGOV", "coreference"),
]


@pytest.fixture(scope="module")
def seed(tables) -> tuple[str, ArticleActors]:
    from newsevents.config import shared_data_dir

    path = shared_data_dir() / "seed" / "noem-colombia.txt"
    if not path.is_file():
        pytest.skip(f"reference data not found at {path} (set NEWSEVENTS_SHARED_DATA)")
    (article,) = api.read([str(path)])
    assert article.published == SEED_DAY
    doc = load_model(Settings().model)(article.text)
    return article.text, resolve_actors(doc, on=article.published, dictionaries=tables)


@pytest.mark.shared_data
@pytest.mark.parametrize(("text", "occurrence", "code", "resolved_by"), SEED_MENTIONS)
def test_seed_article(seed, text: str, occurrence: int, code: str, resolved_by: str) -> None:
    _, actors = seed
    found = [m for m in actors.mentions if m.text == text]
    assert len(found) > occurrence, [m.text for m in actors.mentions]
    assert (found[occurrence].code, found[occurrence].resolved_by) == (code, resolved_by)


@pytest.mark.shared_data
def test_seed_article_names_every_coded_noem_mention_kristi_noem(seed) -> None:
    _, actors = seed
    noem = [m for m in actors.mentions if "Noem" in m.text]
    assert len(noem) >= 5 and {m.name for m in noem} == {"Kristi Noem"}


@pytest.mark.shared_data
def test_seed_page_chrome_is_never_an_actor(shared_data: Path, tables) -> None:
    raw = (shared_data / "seed" / "noem-colombia.txt").read_text(encoding="utf-8")
    doc = load_model(Settings().model)(raw)
    texts = [m.text for m in resolve_actors(doc, on=SEED_DAY, dictionaries=tables).mentions]
    assert not [t for t in texts if re.search(r"Loading|Comment|winnipeg|Original", t, re.I)]


#: Share of PLOVER gold records whose source country is among the actors found in the sentence
#: (measured 0.869 when this floor was set; it may only go up unless a change says why).
PLOVER_SOURCE_FLOOR = 0.85
#: Codes of the old CAMEO manual that the PLOVER records still use, as the country table has them.
OLD_CAMEO = {"JAP": "JPN", "ITL": "ITA"}


@pytest.mark.slow
@pytest.mark.shared_data
def test_plover_source_country_is_found(shared_data: Path, tables) -> None:
    raw = (shared_data / "events" / "plover" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8")
    records = [r for r in json.loads(re.sub(r",(\s*[\]}])", r"\1", raw)) if _gold_sources(r)]
    docs = load_model(Settings().model).pipe(r["text"] for r in records)
    hits = 0
    for record, doc in zip(records, docs, strict=True):
        found = set()
        for actor in resolve_actors(doc, on=None, dictionaries=tables).mentions:
            country = tables.country_by_code(actor.country or "")
            found |= {actor.country, actor.code[:3], country.cameo[:3] if country else None}
        hits += bool(_gold_sources(record) & found)
    assert len(records) > 300
    assert hits / len(records) >= PLOVER_SOURCE_FLOOR


def _gold_sources(record: dict) -> set[str]:
    sources = record.get("source") if record.get("text") else None
    if not isinstance(sources, list):
        return set()
    return {OLD_CAMEO.get(s["code"][:3], s["code"][:3]) for s in sources if s.get("code")}


# --- armed forces, peoples, organisations, places and the sentence's country --------------------


@pytest.mark.parametrize(
    ("text", "head", "codes"),
    [
        # bare armed-force nouns with a demonym, a possessor or the first conjunct's country
        ("Serb forces shelled the village overnight.", "forces", ("SRBMIL",)),
        ("Russian forces pushed toward the river.", "forces", ("RUSMIL",)),
        ("Israeli tanks rolled into the camp.", "tanks", ("ISRMIL",)),
        ("Israeli tanks and helicopters hit the camp.", "helicopters", ("ISRMIL",)),
        ("Turkish aircraft struck the hills.", "aircraft", ("TURMIL",)),
        ("Syria said its forces would stay.", "forces", ("SYRMIL",)),
        ("Rebel forces seized the airport.", "forces", ("REB",)),
        ("U.N. helicopters flew the wounded out.", "helicopters", ("IGOUNO",)),
        ("A Dutch think tank published a study.", "tank", ("NLDNGO",)),
        # people nouns the Phoenix agents lack
        ("Kenyan prisoners went on hunger strike.", "prisoners", ("KENCVL",)),
        ("Egyptian youths threw stones.", "youths", ("EGYCVL",)),
        ("Chinese hackers broke into the ministry's servers.", "hackers", ("CHNCRM",)),
        ("Tunisian fundamentalists marched.", "fundamentalists", ("TUNRAD",)),
        ("Ghana's security chief banned the march.", "chief", ("GHACOP",)),
        # peoples the parser takes for a person, and their pronouns
        ("Bosnian Croats rejected the plan.", "Croats", ("BIH",)),
        ("Bosnian Serbs said their forces would withdraw.", "forces", ("BIHMIL",)),
        ("Bosnian Serb leaders rejected the plan.", "leaders", ("BIHGOV",)),
        # international organisations under older or shorter names
        ("The European Community lifted the embargo.", "Community", ("IGOEUREEC",)),
        ("EU officials welcomed the vote.", "officials", ("IGOEUREEC",)),
        ("The ILO criticised the new labour law.", "ILO", ("IGOUNOLABILO",)),
        ("APEC leaders pledged to cut tariffs.", "leaders", ("IGOBUS",)),
        # an organisation noun takes the named organisation before it
        ("The Hamas movement rejected the offer.", "movement", ("PSEREBHMS",)),
        ("The al-Qaeda network claimed the attack.", "network", ("IMGMUSALQ",)),
        # capitals: the government where they act, the place after "in", "near" …
        ("Nairobi rejected the report.", "Nairobi", ("KENGOV",)),
        ("A bomb exploded in Nairobi on Monday.", "Nairobi", ("KEN",)),
        ("Fighting raged near Khartoum.", "Khartoum", ("SDN",)),
        ("Washington sent a note to Moscow.", "Moscow", ("RUSGOV",)),
    ],
)
def test_more_readings(text: str, head: str, codes: tuple[str, ...], tables) -> None:
    assert resolve(text, tables).codes(head) == codes


@pytest.mark.parametrize(
    ("text", "on", "code", "name"),
    [
        # a known person with no office on the day takes the title's
        ("British Foreign Secretary Jack Straw spoke.", D(1980, 1, 1), "GBRGOV", "Jack Straw"),
        ("Former Pakistan President Pervez Musharraf spoke.", D(1980, 1, 1), "PAKELI", None),
    ],
)
def test_a_person_with_no_role_that_day_takes_the_title(text, on, code, name, tables) -> None:
    (actor,) = resolve(text, tables, on=on).of(text.split()[-2].rstrip("."))
    assert actor.code == code
    assert name is None or actor.name == name


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Syria said it is willing to pull out.", "it"),
        ("The Iraqi government said it was ready to talk.", "it"),
    ],
)
def test_it_before_a_disposition_is_no_expletive(text: str, word: str, tables) -> None:
    assert resolve(text, tables).of(word) != ()


def test_it_before_an_extraposed_clause_is_an_expletive(tables) -> None:
    assert resolve("Syria left. It is important to note that.", tables).of("It") == ()


@pytest.mark.parametrize(
    ("text", "head", "code"),
    [
        # one country in the sentence: the countryless actor takes it
        ("President Ruiz Ortega declared a curfew in Caracas.", "Ortega", "VENGOV"),
        ("Police arrested forty Nepali protesters.", "Police", "NPLCOP"),
        ("Judge Ana Ferreira charged six Angolan officials.", "Ferreira", "AGOJUD"),
        # none or two: it keeps none
        ("President Ruiz Ortega declared a curfew.", "Ortega", "GOV"),
        ("Police said Indian and Pakistani troops clashed.", "Police", "COP"),
    ],
)
def test_an_actor_without_a_country_takes_the_sentences_one_country(
    text: str, head: str, code: str, tables
) -> None:
    assert resolve(text, tables).codes(head) == (code,)


def test_the_sentences_country_stays_with_its_sentence(tables) -> None:
    text = "Police arrested forty Nepali protesters. Police later released them."
    resolved = resolve(text, tables)
    assert (resolved.codes("Police"), resolved.codes("Police", 1)) == (("NPLCOP",), ("COP",))
