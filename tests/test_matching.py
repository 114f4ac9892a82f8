"""The request matcher: accuracy on the evaluation set, and the building blocks one by one."""

from __future__ import annotations

import io
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.cli_match import run_match
from bot.matching import (
    CONFIDENT,
    POSSIBLE,
    CategoryMatcher,
    PlaceMatcher,
    default_category_matcher,
    default_place_matcher,
    normalise,
    tokens,
)
from bot.matching.needs import MatchResult, Need, Part, main_and_second, parts
from bot.matching.normalise import spelling_variants
from bot.understanding import Intent, understand
from tests.support.matcher_eval import NON_REQUEST, load_eval, report_lines, score

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ROOT / "data" / "categories.toml"
SLUGS = {
    "boodschappen",
    "vervoer",
    "klussen",
    "tuin",
    "huisdieren",
    "gezelschap",
    "administratie",
    "maaltijden",
    "sneeuw",
    "sjouwen",
    "huishouden",
    "digitaal",
    "oppas",
    "zorgvraag",
}
STYLES = {
    "plain",
    "long",
    "carer",
    "voice",
    "chat",
    "dialect",
    "formal",
    "indirect",
    "two_needs",
    "typos",
    "de_en",
    NON_REQUEST,
}
# The styles of the blind rounds written for this set, and how many lines each has at least.
BLIND_STYLES = STYLES - {"plain"}
BLIND_LINES = 60
# The acceptance figures: every style and the whole set.
STYLE_TOP1 = 0.93
TOP1 = 0.95
TOP3 = 0.99
REJECTED = 0.95


@pytest.fixture(scope="module")
def matcher() -> CategoryMatcher:
    return default_category_matcher()


def top(matcher: CategoryMatcher, text: str) -> str | None:
    result = matcher.match(text)
    return result[0][0] if result else None


# ---------------------------------------------------------------- evaluation set


def test_eval_set_is_big_and_covers_everything() -> None:
    rows = load_eval()
    labels = [row.labels[0] for row in rows]
    assert len(rows) >= 320
    assert labels.count("out_of_scope") >= 40
    for slug in SLUGS:
        assert labels.count(slug) >= 15, slug
    assert set(labels) == SLUGS | {"out_of_scope"}
    assert all(set(row.labels) <= SLUGS | {"out_of_scope"} for row in rows)
    assert {row.style for row in rows} == STYLES
    styles = Counter(row.style for row in rows)
    assert all(styles[style] >= BLIND_LINES for style in BLIND_STYLES), styles
    assert all(len(row.labels) == 2 for row in rows if row.style == "two_needs")
    assert all((row.style == NON_REQUEST) == (not row.is_request) for row in rows)


def is_help_request(text: str) -> bool:
    """What the intent layer makes of a message in a private chat with nothing asked yet."""
    return understand(text).intent is Intent.HELP_REQUEST


def test_eval_accuracy(matcher: CategoryMatcher) -> None:
    # A non-request is rejected when the intent layer does not take it for a help request or no category fits.
    report = score(load_eval(), matcher.match, matcher.second_need, is_help_request)
    print()
    print("\n".join(report_lines(report)))
    print("\n".join(report.misses))
    total = report.total
    assert total.top1 >= TOP1 * total.requests
    assert total.top3 >= TOP3 * total.requests
    assert total.rejected >= REJECTED * total.non_requests
    for style, tally in report.styles.items():
        assert tally.top1 >= STYLE_TOP1 * tally.requests, style


def test_scores_are_ranked_and_bounded(matcher: CategoryMatcher) -> None:
    for row in load_eval()[::10]:
        result = matcher.match(row.text)
        scores = [score for _, score in result]
        assert scores == sorted(scores, reverse=True)
        assert all(POSSIBLE <= s <= 100 for s in scores)
        assert all(slug in SLUGS for slug, _ in result)


def test_thresholds() -> None:
    assert 0 < POSSIBLE < CONFIDENT <= 100


def test_clear_request_is_confident(matcher: CategoryMatcher) -> None:
    [(slug, score), *_] = matcher.match("kan iemand mijn hond uitlaten")
    assert slug == "huisdieren"
    assert score >= CONFIDENT


# ---------------------------------------------------------------- data file


def test_categories_file_has_the_fixed_slugs() -> None:
    data = tomllib.loads(CATEGORIES.read_text(encoding="utf-8"))
    cats = data["category"]
    assert [c["slug"] for c in cats] and {c["slug"] for c in cats} == SLUGS
    assert len(cats) == 14
    for c in cats:
        assert c["emoji"]
        assert c["for_volunteers"] is (c["slug"] != "zorgvraag")
        for key in ("name", "description"):
            assert set(c[key]) >= {"nl", "en", "de"}, (c["slug"], key)


def test_new_synonym_in_data_file_is_picked_up(tmp_path: Path) -> None:
    text = CATEGORIES.read_text(encoding="utf-8")
    assert top(CategoryMatcher.from_file(CATEGORIES), "wie kan mijn fleppegraaf ophalen") != "klussen"
    marker = 'slug = "klussen"'
    extended = text.replace(marker, marker + '\nwords = { "fleppegraaf" = 5 }', 1)
    path = tmp_path / "categories.toml"
    path.write_text(extended, encoding="utf-8")
    matcher = CategoryMatcher.from_file(path)
    assert top(matcher, "wie kan mijn fleppegraaf repareren") == "klussen"
    # The engine's morphology and typo tolerance apply to the new word as well.
    assert top(matcher, "fleppegraafje") == "klussen"
    assert top(matcher, "fleppegraf stuk") == "klussen"


def test_data_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.matching as matching

    (tmp_path / "categories.toml").write_text(
        '[[category]]\nslug = "tuin"\nemoji = "🌳"\nfor_volunteers = true\n'
        'name = { nl = "Tuin" }\ndescription = { nl = "Tuin." }\nstrong = ["moestuin"]\n',
        encoding="utf-8",
    )
    (tmp_path / "language.toml").write_text('[no_evidence]\nwords = ["mijn"]\n', encoding="utf-8")
    monkeypatch.setenv("SAMENBOT_DATA_DIR", str(tmp_path))
    loaders = (matching.default_category_matcher, matching.default_language)
    for loader in loaders:
        loader.cache_clear()
    try:
        assert matching.default_category_matcher().match("mijn moestuin") == [("tuin", 71)]
        assert matching.default_language().stopwords == {"mijn"}
    finally:
        monkeypatch.delenv("SAMENBOT_DATA_DIR")
        for loader in loaders:
            loader.cache_clear()


# ---------------------------------------------------------------- building blocks


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hellllp!!! Mijn HOND 🐶", "help mijn hond"),
        ("Café   Überlast", "cafe uberlast"),
        ("auto's, 2x per dag (85 jaar)", "autos x per dag jaar"),
        ("zóóóó   stil...", "zo stil"),
        ("m'n moeder", "mn moeder"),
        ("zo'n lief beestje", "zo een lief beestje"),  # the article, not "zon" (sun)
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_tokens_drop_single_letters_and_numbers() -> None:
    assert tokens("2 x per week, a.u.b.") == ["per", "week"]


def test_emoji_is_a_word() -> None:
    assert tokens("🐕 uitlaten?") == ["emojidog", "uitlaten"]
    assert tokens("❄️ 👍🏽") == tokens("❄ 👍")  # variation selector and skin tone do not matter
    assert normalise("mijn 🐕") == "mijn"  # normalise() itself still drops them
    data = {"category": [{"slug": "huisdieren", "strong": ["🐕"]}]}
    assert CategoryMatcher.from_dict(data).match("🐕🐕 morgen?")[0][0] == "huisdieren"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("🛒 morgen?", "boodschappen"), ("❄️ stoep?", "sneeuw"), ("🐕 uitlaten?", "huisdieren"), ("🧹🧽", "huishouden")],
)
def test_emoji_instead_of_words(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


def test_spelling_variants() -> None:
    assert "stoep" in spelling_variants("sjtoep")
    assert "boodschappen" in spelling_variants("boodsjappe")
    assert "mijn" in spelling_variants("mien")
    assert "vrouw" in spelling_variants("vrauw")
    assert "heg" in spelling_variants("hech")
    assert "rijden" in spelling_variants("reiden")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("boodschappenlijstje", "boodschappen"),
        ("tuinonderhoud", "tuin"),
        ("hondenuitlater", "huisdieren"),
        ("sneeuwruimen", "sneeuw"),
        ("achtertuintje", "tuin"),
        ("kattenvoerbakje", "huisdieren"),
        ("strijkwasje", "huishouden"),
    ],
)
def test_compounds(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


@pytest.mark.parametrize(
    "text",
    [
        "kan iemand de hond uit te laten",
        "wie laat de hond uit",
        "laat iemand mijn hondje even uit?",
        "de hond moet uitgelaten worden",
    ],
)
def test_separable_verbs(matcher: CategoryMatcher, text: str) -> None:
    assert top(matcher, text) == "huisdieren"


def test_separable_verb_is_rebuilt(matcher: CategoryMatcher) -> None:
    # "haal ... op" is rebuilt to "ophalen"; "ruim ... op" to "opruimen".
    assert top(matcher, "wie haalt mijn medicijnen bij de apotheek op") == "boodschappen"
    assert top(matcher, "wie ruimt de zolder op") == "sjouwen"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("zkh afspraak, wie rijdt", "vervoer"),
        ("boodschappen bij de ah", "boodschappen"),
        ("wmo aanvragen", "zorgvraag"),
        ("pc doet raar", "digitaal"),
    ],
)
def test_abbreviations(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("kan iemand mien boodsjappe doon", "boodschappen"),
        ("de hoond mot oetgelaote weure", "huisdieren"),
        ("sjnee op de sjtoep", "sneeuw"),
        ("mien vrauw kin neet mie kaoke", "maaltijden"),
        ("kiek ins nao mien gaarde", "tuin"),
        ("ich bin good allein", "gezelschap"),
        ("Wer hilft beim Umzug", "sjouwen"),
        ("can someone walk my dog", "huisdieren"),
        ("I need a lift to the hospital", "vervoer"),
    ],
)
def test_dialect_german_english(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("zieknhuis afspraak vervoer nodig", "vervoer"),
        ("boodschapen", "boodschappen"),
        ("stofzuiggen", "huishouden"),
        ("compjuter", "digitaal"),
        ("grasmaaien", "tuin"),
        ("eenzaamhijd", "gezelschap"),
    ],
)
def test_typos(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


def test_strong_cue_beats_weak_cue(matcher: CategoryMatcher) -> None:
    assert top(matcher, "Oppas voor mijn kat tijdens mijn ziekenhuisopname") == "huisdieren"
    assert top(matcher, "wie brengt mij naar het ziekenhuis") == "vervoer"
    # "ziekenhuis" alone is not a transport request.
    assert matcher.match("ziekenhuis") == []


def test_several_needs_give_several_results(matcher: CategoryMatcher) -> None:
    result = matcher.match("Wie kan boodschappen doen en daarna mijn gras maaien? De hond moet ook uit.")
    assert {"boodschappen", "tuin", "huisdieren"} <= {slug for slug, _ in result}


# ---------------------------------------------------------------- two needs in one message


def test_two_needs_give_the_main_need_first_and_offer_the_second(matcher: CategoryMatcher) -> None:
    text = "Kan iemand mijn gras maaien? Daarnaast zou ik graag hulp hebben met mijn computer, die is heel traag."
    result = matcher.match_needs(text)
    assert result.matches[0][0] == "tuin"
    assert result.second == "digitaal"
    assert matcher.second_need(text) == "digitaal"
    assert matcher.match(text) == result.matches


def test_the_main_need_is_the_first_asked_even_when_the_second_weighs_more(matcher: CategoryMatcher) -> None:
    text = "Wie kan morgen boodschappen doen? En ook even met mijn hond een rondje lopen, de hond moet echt uit."
    assert matcher.match_needs(text) == MatchResult(matcher.match(text), "huisdieren")
    assert matcher.match(text)[0][0] == "boodschappen"


def test_a_sentence_opening_with_en_is_a_further_need(matcher: CategoryMatcher) -> None:
    text = "De kraan lekt al weken, ik krijg hem niet dicht. En zaterdag moet ik naar de tandarts, wie kan mij brengen?"
    result = matcher.match_needs(text)
    assert result.matches[0][0] == "klussen"
    assert result.second == "vervoer"


def test_en_ook_inside_a_sentence_opens_a_further_need(matcher: CategoryMatcher) -> None:
    result = matcher.match_needs("kan iemand mijn boodschappen doen en ook de tuin bijhouden")
    assert result.matches[0][0] == "boodschappen"
    assert result.second == "tuin"


def test_one_need_has_no_second(matcher: CategoryMatcher) -> None:
    assert matcher.match_needs("kan iemand mijn hond uitlaten").second is None
    assert matcher.match_needs("hallo") == MatchResult([])


def test_context_before_the_question_is_no_need(matcher: CategoryMatcher) -> None:
    text = (
        "Sinds mijn man vorig jaar is overleden woon ik alleen en ik zie weinig mensen. "
        "Wie wil er op vrijdag voor mij naar de Jumbo gaan?"
    )
    result = matcher.match_needs(text)
    assert result.matches[0][0] == "boodschappen"
    assert result.second is None


def test_a_message_in_parts() -> None:
    assert parts("Kan iemand boodschappen doen en daarna de hond uitlaten? Dank u!", frozenset({"daarna"})) == [
        Part(["kan", "iemand", "boodschappen", "doen", "en"], 0, "kan"),
        Part(["daarna", "de", "hond", "uitlaten"], 0, "kan"),
        Part(["dank"], 1, "dank"),
    ]
    assert parts("Ik heb geen auto, kan iemand mij brengen, graag", frozenset(), frozenset({"kan"})) == [
        Part(["ik", "heb", "geen", "auto"], 0, "ik"),
        Part(["kan", "iemand", "mij", "brengen", "graag"], 0, "ik"),
    ]


@pytest.mark.parametrize(
    ("needs", "expected"),
    [
        ([], (None, None)),
        ([Need("tuin", asks=False, problem=False, further=False)], (None, None)),
        ([Need("tuin", asks=True, problem=False, further=False)], ("tuin", None)),
        # a further need, asked for or not
        ([Need("tuin", True, False, False), Need("digitaal", False, False, True)], ("tuin", "digitaal")),
        ([Need("tuin", True, False, False), Need("digitaal", True, False, False)], ("tuin", "digitaal")),
        # context, neither asked for nor marked as a further need
        ([Need("tuin", True, False, False), Need("digitaal", False, False, False)], ("tuin", None)),
        ([Need("gezelschap", False, False, False), Need("boodschappen", True, False, False)], ("boodschappen", None)),
        # "... begrijp het formulier niet. Daarnaast wil ik graag ...": the problem first is the main need
        (
            [Need("administratie", False, True, False), Need("digitaal", True, False, True)],
            ("administratie", "digitaal"),
        ),
        # ... but only before a further need
        ([Need("sjouwen", False, True, False), Need("zorgvraag", False, False, False)], (None, None)),
        # the same need twice is one need
        ([Need("tuin", True, False, False), Need("tuin", True, False, True)], ("tuin", None)),
    ],
)
def test_main_and_second(needs: list[Need], expected: tuple[str | None, str | None]) -> None:
    assert main_and_second(needs) == expected


def test_second_need_after_the_best_category_when_no_need_is_asked_first() -> None:
    needs = [Need("digitaal", False, False, False), Need("administratie", True, False, True)]
    assert main_and_second(needs, top="digitaal") == (None, "administratie")


def test_long_rambling_message_with_one_cue(matcher: CategoryMatcher) -> None:
    text = (
        "Goedemiddag, ik ben Truus en ik woon al veertig jaar in Bleijerheide. Mijn man is twee jaar "
        "geleden overleden en de kinderen wonen in Eindhoven en Rotterdam, die komen niet zo vaak. "
        "Het gaat eigenlijk best goed met mij, maar sinds de winter is mijn knie slecht. Nu is het "
        "zo dat de dakgoot vol bladeren zit en het water over de rand loopt."
    )
    assert top(matcher, text) == "klussen"


def test_greetings_and_fillers_of_speech_do_not_hide_a_request(matcher: CategoryMatcher) -> None:
    assert top(matcher, "ja hallo eh ik wou vragen of iemand eh boodschappen voor mij kan doen") == "boodschappen"
    assert matcher.match("ja hoor, prima 👍") == []


@pytest.mark.parametrize("text", ["hallo", "dank je wel!", "ja", "test", "asdf", "👍", "", "   ", "123"])
def test_out_of_scope(matcher: CategoryMatcher, text: str) -> None:
    assert matcher.match(text) == []


def test_help_cue_decides_a_tie_with_out_of_scope(matcher: CategoryMatcher) -> None:
    # A category word next to an out-of-scope word: without a help cue the message is not a request.
    assert matcher.match("ik verkoop een grasmaaier") == []
    assert top(matcher, "mijn grasmaaier is kapot, wie kan het gras maaien") == "tuin"
    assert matcher.asks_for_help(tokens("wie kan mij helpen"))
    assert not matcher.asks_for_help(tokens("is de jumbo zondag open"))


def test_information_question_needs_more_than_one_strong_word(matcher: CategoryMatcher) -> None:
    assert matcher.is_question(tokens("Hallo, waar is de apotheek?"))
    assert matcher.match("waar is de apotheek") == []
    assert top(matcher, "wie kan mijn medicijnen bij de apotheek halen") == "boodschappen"
    assert top(matcher, "wat moet ik doen met de brief van de belastingdienst") == "administratie"


def test_multi_word_entry_counts_once() -> None:
    matcher = CategoryMatcher.from_dict({"category": [{"slug": "boodschappen", "strong": ["albert heijn"]}]})
    assert matcher.evidence("albert heijn")["boodschappen"] == 5.0
    assert matcher.evidence("albertheijn")["boodschappen"] == 5.0


def test_multi_word_entry_words_stay_close() -> None:
    matcher = CategoryMatcher.from_dict({"category": [{"slug": "gezelschap", "strong": ["niemand meer"]}]})
    assert matcher.evidence("ik heb niemand meer")["gezelschap"] == 5.0
    assert matcher.evidence("ik zie meer dan niemand")["gezelschap"] == 5.0
    assert "gezelschap" not in matcher.evidence("komt de deur niet meer uit en heeft niemand die haar helpt")


def test_phrases_of_one_category_add_up_less_and_less() -> None:
    data = {"category": [{"slug": "huisdieren", "phrases": ["hond alleen", "hond blaft", "hond thuis"]}]}
    assert CategoryMatcher.from_dict(data).evidence("hond alleen thuis en blaft") == {"huisdieren": 4 + 2 + 1}


def test_stem_collisions_are_not_evidence(matcher: CategoryMatcher) -> None:
    # "herstellende" is no "herder" (stem "her"), "mevrouw" no "rouw", "gekocht" no help cue "gezocht".
    assert "huisdieren" not in matcher.evidence("herstellende")
    assert "gezelschap" not in matcher.evidence("mevrouw Janssen")
    assert not matcher.asks_for_help(tokens("ik heb een nieuwe telefoon gekocht"))


@pytest.mark.parametrize(
    "text",
    [
        "ik heb een nieuwe fiets gekocht",
        "mijn buurman is gisteren verhuisd",
        "mijn computer is eindelijk gerepareerd",
        "onze tuin staat mooi in bloei",
        "het was gezellig gisteren bij de koffieochtend",
        "🎄🎄 fijne kerst",
        "stop",
    ],
)
def test_news_and_statements_are_no_requests(matcher: CategoryMatcher, text: str) -> None:
    assert matcher.match(text) == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("ik heb een nieuwe lamp gekocht maar krijg hem niet opgehangen", "klussen"),
        ("we zijn net verhuisd en alle dozen staan nog beneden, wie helpt sjouwen", "sjouwen"),
        ("de kraan is vorig jaar gerepareerd maar lekt nu weer", "klussen"),
        ("ik ben met pensioen en snap niks van de brief van het pensioenfonds", "administratie"),
    ],
)
def test_news_words_in_a_request(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


@pytest.mark.parametrize(
    "text",
    ["ik heb gisteren de heg gesnoeid, ziet er mooi uit", "mijn hond heeft een prijs gewonnen op de show"],
)
def test_what_happened_is_news(matcher: CategoryMatcher, text: str) -> None:
    assert matcher.match(text) == []


@pytest.mark.parametrize(
    "text",
    ["ik wil graag boodschappen doen voor ouderen in Kerkrade", "wij kunnen wel klusjes doen voor iemand in de buurt"],
)
def test_an_offer_of_help_is_no_request(matcher: CategoryMatcher, text: str) -> None:
    assert matcher.match(text) == []


@pytest.mark.parametrize("text", ["kan iemand koken voor een oudere dame", "ik zoek iemand die voor mijn moeder kookt"])
def test_a_task_for_someone_else_can_still_be_asked_for(matcher: CategoryMatcher, text: str) -> None:
    assert top(matcher, text) == "maaltijden"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("mijn heg komt tot mijn schouders", "tuin"),
        ("ik mag niet meer achter het stuur en moet volgende week naar de cardioloog", "vervoer"),
    ],
)
def test_a_problem_names_its_task(matcher: CategoryMatcher, text: str, slug: str) -> None:
    assert top(matcher, text) == slug


def test_an_explanation_is_no_need(matcher: CategoryMatcher) -> None:
    text = (
        "Mijn moeder komt bij ons wonen omdat ze een rolstoel nodig heeft. "
        "Wie helpt haar kasten naar onze zolder te sjouwen?"
    )
    assert top(matcher, text) == "sjouwen"


def test_a_question_to_someone_is_a_help_cue(matcher: CategoryMatcher) -> None:
    assert matcher.asks_for_help(tokens("is er een buurtgenoot die kan helpen"))
    assert not matcher.asks_for_help(tokens("ze is bang dat er iemand valt"))


def test_a_notice_is_no_request(matcher: CategoryMatcher) -> None:
    assert matcher.match("Gratis: kinderfiets, ophalen in Heerlen") == []


def test_a_verb_form_finds_its_stem() -> None:
    matcher = CategoryMatcher.from_dict({"category": [{"slug": "sjouwen", "strong": ["verhuizen"]}]})
    assert top(matcher, "ik verhuis") == "sjouwen"  # verhuis -> verhuiz, the stem of verhuizen


def test_sequences_count_only_in_their_order() -> None:
    data = {"category": [{"slug": "klussen", "strong": ["fiets"]}], "out_of_scope": {"sequences": {"te koop": 10}}}
    matcher = CategoryMatcher.from_dict(data)
    assert matcher.evidence("fiets te koop")["out_of_scope"] == 10.0
    assert "out_of_scope" not in matcher.evidence("koop te fiets")
    assert matcher.match("fiets te koop") == []


def test_strong_phrases_count_as_strong_words() -> None:
    data = {"category": [{"slug": "tuin", "strong_phrases": ["heg knippen|snoeien"]}]}
    assert CategoryMatcher.from_dict(data).evidence("de heg snoeien") == {"tuin": 5.0}


# ---------------------------------------------------------------- places

PLACES_TOML = """
[[municipality]]
slug = "landgraaf"
name = "Landgraaf"
aliases = ["lgf"]
  [[municipality.area]]
  slug = "ubach-over-worms"
  name = "Ubach over Worms"
  kind = "wijk"
  aliases = ["uow", "ubach"]
    [[municipality.area.buurt]]
    slug = "eikske"
    name = "Eikske"
    aliases = ["eikse"]
  [[municipality.area]]
  slug = "schaesberg"
  name = "Schaesberg"
  kind = "wijk"

[[municipality]]
slug = "kerkrade"
name = "Kerkrade"
  [[municipality.area]]
  slug = "bleijerheide"
  name = "Bleijerheide"
  kind = "wijk"
  aliases = ["bleyerheide"]
"""


@pytest.fixture(scope="module")
def small_places(tmp_path_factory: pytest.TempPathFactory) -> PlaceMatcher:
    path = tmp_path_factory.mktemp("places") / "neighbourhoods.toml"
    path.write_text(PLACES_TOML, encoding="utf-8")
    return PlaceMatcher.from_file(path)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("UOW", "ubach-over-worms"),
        ("ik woon in Ubach over Worms", "ubach-over-worms"),
        ("ubachoverworms", "ubach-over-worms"),
        ("Bleijerheide", "bleijerheide"),
        ("bleierheide", "bleijerheide"),
        ("Bleijerhiede", "bleijerheide"),
        ("eikse", "eikske"),
        ("Eikske in Ubach over Worms", "eikske"),
    ],
)
def test_places_small_file(small_places: PlaceMatcher, text: str, slug: str) -> None:
    result = small_places.match(text)
    assert result and result[0][0] == slug, result


def test_municipality_alone_offers_its_areas_lower(small_places: PlaceMatcher) -> None:
    result = small_places.match("Landgraaf")
    assert [slug for slug, _ in result] == ["ubach-over-worms", "schaesberg"]
    assert all(score < POSSIBLE + 10 for _, score in result)


def test_places_nothing(small_places: PlaceMatcher) -> None:
    assert small_places.match("hallo") == []
    assert small_places.match("") == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("UOW", "ubach-over-worms"),
        ("kunrade", "kunrade"),
        ("kunraad", "kunrade"),
        ("bleijerheide", "bleijerheide"),
        ("Bleyerheide", "bleijerheide"),
        ("eikse", "eikske"),
        ("ik woon in heerlerhiede", "heerlerheide"),
        ("Hoensbroek, Mariarade", "mariarade"),
    ],
)
def test_places_real_file(text: str, slug: str) -> None:
    path = ROOT / "data" / "neighbourhoods.toml"
    if not path.exists():
        pytest.skip("data/neighbourhoods.toml not there yet")
    result = default_place_matcher().match(text)
    assert result and result[0][0] == slug, result


# ---------------------------------------------------------------- CLI


def test_run_match_stdin() -> None:
    out = io.StringIO()
    code = run_match([], io.StringIO("kan iemand mijn hond uitlaten\n\nhallo\n"), out)
    assert code == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 2
    assert lines[0]["text"] == "kan iemand mijn hond uitlaten"
    assert lines[0]["matches"][0]["category"] == "huisdieren"
    assert 0 <= lines[0]["matches"][0]["score"] <= 100
    assert lines[1] == {"text": "hallo", "matches": []}


def test_run_match_args_keeps_unicode() -> None:
    out = io.StringIO()
    assert run_match(["sneeuw", "op", "de", "stoep", "bij", "Café", "Überlast"], io.StringIO(""), out) == 0
    line = out.getvalue()
    assert line.count("\n") == 1
    assert "Überlast" in line
    assert json.loads(line)["matches"][0]["category"] == "sneeuw"
