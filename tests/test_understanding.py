"""The understanding layer: data files, danger per kind, precedence per open question, the evaluation set."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from bot.matching import default_category_matcher, default_language, default_place_matcher
from bot.understanding import (
    PHONE_NUMBER,
    DangerKind,
    DangerRules,
    Expecting,
    Intent,
    Reader,
    Vocabulary,
    asks_for_steunpunt,
    default_danger_rules,
    default_reader,
    default_vocabulary,
    is_dont_know,
    is_no,
    is_yes,
    understand,
)
from bot.understanding.concepts import COMBINATIONS
from tests.support import matcher_eval
from tests.support.intents_eval import STATE_EXPECTS, load_eval, score

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def load(name: str) -> dict:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


# ---------------------------------------------------------------------- data files


def test_data_files_load_and_every_kind_has_a_number() -> None:
    rules = default_danger_rules()
    assert set(rules.kinds) == set(DangerKind)
    for kind in DangerKind:
        lines = rules.lines[kind]
        assert lines and all(line.phones and line.name for line in lines), kind
        assert all(set(line.use) >= {"nl", "en", "de"} for line in lines), kind
    assert default_vocabulary().filler


@pytest.mark.parametrize(
    ("kind", "numbers"),
    [
        (DangerKind.MEDICAL, {"112"}),
        (DangerKind.FALL, {"112"}),
        (DangerKind.FIRE, {"112"}),
        (DangerKind.VIOLENCE, {"112", "0800-2000"}),
        (DangerKind.SUICIDE, {"113", "0800-0113"}),
        (DangerKind.ABUSE_NEGLECT, {"0800-2000", "112"}),
        (DangerKind.CHILD, {"0800-2000", "112"}),
        (DangerKind.EMERGENCY, {"112"}),
    ],
)
def test_help_lines_per_kind(kind: DangerKind, numbers: set[str]) -> None:
    phones = {phone for line in default_danger_rules().lines[kind] for phone in line.phones}
    assert numbers <= phones


def test_an_empty_list_is_refused() -> None:
    data = load("intents.toml")
    data["greeting"]["alone"] = []
    with pytest.raises(ValueError, match="greeting"):
        Vocabulary.from_dict(data)
    danger = load("danger.toml")
    danger["danger"][0]["urgent"] = []
    with pytest.raises(ValueError, match="non-empty"):
        DangerRules.from_dict(danger)


def test_a_phrase_in_two_intents_is_refused() -> None:
    data = load("intents.toml")
    data["thanks"]["alone"].append("Ja, graag!")  # "ja graag" is a yes
    with pytest.raises(ValueError, match="both"):
        Vocabulary.from_dict(data)


def test_danger_file_mistakes_are_refused() -> None:
    without_number = load("danger.toml")
    without_number["line"][0]["phones"] = []
    with pytest.raises(ValueError, match="phone"):
        DangerRules.from_dict(without_number)
    missing_kind = load("danger.toml")
    missing_kind["danger"] = [d for d in missing_kind["danger"] if d["kind"] != "fire"]
    with pytest.raises(ValueError, match="fire"):
        DangerRules.from_dict(missing_kind)
    unknown_line = load("danger.toml")
    unknown_line["danger"][0]["lines"] = ["999"]
    with pytest.raises(ValueError, match="lines"):
        DangerRules.from_dict(unknown_line)
    unknown_group = load("danger.toml")
    unknown_group["danger"][0]["urgent"] = ["@dier + geslagen"]
    with pytest.raises(ValueError, match="@dier"):
        DangerRules.from_dict(unknown_group)
    without_concept = load("danger.toml")
    del without_concept["concepts"]["chest"]
    with pytest.raises(ValueError, match="chest"):
        DangerRules.from_dict(without_concept)
    unused_concept = load("danger.toml")
    unused_concept["concepts"]["dier"] = ["hond", "kat"]
    with pytest.raises(ValueError, match="dier"):
        DangerRules.from_dict(unused_concept)
    foreign_number = load("danger.toml")
    foreign_number["danger"][0]["numbers"] = ["0800-2000"]  # suicide's lines are 113 and 112
    with pytest.raises(ValueError, match="0800-2000"):
        DangerRules.from_dict(foreign_number)
    danger_word_as_ordinary = load("danger.toml")
    danger_word_as_ordinary["ordinary"]["words"].append("geweld")
    with pytest.raises(ValueError, match="geweld"):
        DangerRules.from_dict(danger_word_as_ordinary)


def test_the_danger_file_header_names_every_combination() -> None:
    lines = (DATA / "danger.toml").read_text(encoding="utf-8").splitlines()
    header = "\n".join(line for line in lines if line.startswith("#"))
    for combination in COMBINATIONS:
        assert " + ".join(combination.concepts) in header, combination


def test_intents_file_mistakes_are_refused() -> None:
    two_words = load("intents.toml")
    two_words["spelling"]["zo ne"] = "zon"
    with pytest.raises(ValueError, match="spelling"):
        Vocabulary.from_dict(two_words)
    unknown_group = load("intents.toml")
    unknown_group["about"]["anywhere"].append("waar + @kantoren")
    with pytest.raises(ValueError, match="@kantoren"):
        Vocabulary.from_dict(unknown_group)
    unused_group = load("intents.toml")
    unused_group["groups"]["dieren"] = ["hond", "kat"]
    with pytest.raises(ValueError, match="dieren"):
        Vocabulary.from_dict(unused_group)


def test_a_word_added_to_the_data_dir_is_picked_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("categories.toml", "language.toml", "neighbourhoods.toml", "danger.toml"):
        shutil.copy(DATA / name, tmp_path / name)
    text = (DATA / "intents.toml").read_text(encoding="utf-8")
    (tmp_path / "intents.toml").write_text(text.replace('"hallo", "hallo*",', '"hallo", "hallo*", "joepie",'))
    monkeypatch.setenv("SAMENBOT_DATA_DIR", str(tmp_path))
    for loader in (
        default_vocabulary,
        default_danger_rules,
        default_reader,
        default_category_matcher,
        default_language,
    ):
        loader.cache_clear()
    try:
        assert understand("joepie").intent is Intent.GREETING
    finally:
        monkeypatch.delenv("SAMENBOT_DATA_DIR")
        for loader in (
            default_vocabulary,
            default_danger_rules,
            default_reader,
            default_category_matcher,
            default_language,
        ):
            loader.cache_clear()


# ---------------------------------------------------------------------- danger


DANGER_EXAMPLES = {
    DangerKind.MEDICAL: [
        "mijn man is bewusteloos",
        "ik heb pijn op de borst",
        "mijn vrouw krijgt geen lucht",
        "my husband collapsed and is not breathing",
    ],
    DangerKind.FALL: [
        "ik ben gevallen en kan niet opstaan",
        "ik ben net gevallen en kan niet opstaan, kan iemand komen",
        "mijn moeder ligt op de grond",
        "ich bin gefallen und komme nicht hoch",
    ],
    DangerKind.FIRE: ["er is brand", "ik ruik gas", "er komt rook uit het huis van de buren", "es brennt"],
    DangerKind.VIOLENCE: [
        "mijn man slaat mij",
        "my husband hits me",
        "ik word bedreigd met een mes",
        "er is een inbreker in huis",
    ],
    DangerKind.SUICIDE: [
        "ik wil niet meer leven",
        "ik wil er een eind aan maken",
        "I don't want to live anymore",
        "ich will nicht mehr leben",
        "ik wil niet meer",
    ],
    DangerKind.ABUSE_NEGLECT: [
        "ik word thuis slecht behandeld",
        "mijn zoon pakt mijn geld af en sluit me op",
        "mijn buurvrouw is 90 en niemand kijkt naar haar om",
    ],
    DangerKind.CHILD: [
        "het kind van de buren is de hele dag alleen thuis",
        "de buren slaan hun kind",
        "er zit een baby alleen in een auto",
    ],
}


# Told in one's own words: concepts that occur together (bot/understanding/concepts.py), one example per combination.
CONCEPT_EXAMPLES = {
    DangerKind.SUICIDE: [
        "morgen ben ik er niet meer, ik heb een plan",
        "ik hoop dat ik vannacht niet meer wakker word",
        "ik sta op het viaduct en ga springen",
        "ik heb een strop gemaakt, ik zie het niet meer zitten en het kan zo niet verder",
        "ik ben een last voor iedereen, straks ben ik er niet meer",
    ],
    DangerKind.CHILD: [
        "mijn kleinzoon van 6 heeft een blauw oog van zijn stiefvader",
        "er zit een peuter alleen bij het water",
        "het zoontje van de buren is al uren vermist",
    ],
    DangerKind.VIOLENCE: [
        "hij kneep mijn keel dicht, mijn keel is dichtgeknepen",
        "mijn schoonzoon heeft mij omvergeduwd",
        "er loopt een vreemde man door mijn tuin",
    ],
    DangerKind.ABUSE_NEGLECT: [
        "de thuishulp pakt steeds geld uit mijn portemonnee af",
        "mijn opa zit al dagen zonder eten, niks gegeten",
        "mijn tante zit in vieze kleren in de kou",
        "oma ligt al dagen in bed en niemand kijkt",
        "meneer had niks gegeten en er komt niemand",
        "zijn zoon heeft zijn bankpas en er is geen eten in huis",
        "mijn broer neemt alles mee uit haar huis en ze eet nauwelijks",
        "zijn pensioen gaat op aan de drank van zijn neef en hij is bang voor hem",
        "de thuiszorg schreeuwt tegen mijn moeder",
        "mijn buurman is dement en zwerft s nachts buiten",
    ],
    DangerKind.FIRE: ["het ruikt hier verbrand bij de wasmachine", "het stinkt in de gang naar gas"],
    DangerKind.FALL: ["ik lig hier voor de wc en mijn benen willen niet", "ik lig al uren naast mijn bed"],
    DangerKind.MEDICAL: [
        "ik heb zo'n druk op mijn borst",
        "mijn man kan nauwelijks ademen",
        "hij heeft veel bloed verloren, het bloed stroomt",
        "ik heb per ongeluk te veel tabletten ingenomen",
        "mijn been voelt ineens gevoelloos",
        "ik ben duizelig en misselijk",
        "ik heb diabetes en ik tril",
        "mijn hart gaat tekeer en ik ben zo bleek",
        "mijn vader zit in zijn stoel en geeft geen antwoord",
        "zijn keel is helemaal opgezwollen",
        "mijn man heeft chloor gedronken",
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (kind, text)
        for examples in (DANGER_EXAMPLES, CONCEPT_EXAMPLES)
        for kind, texts in examples.items()
        for text in texts
    ],
)
def test_each_kind_of_danger(kind: DangerKind, text: str) -> None:
    result = understand(text)
    assert result.intent is Intent.DANGER and result.danger is kind, result
    assert result.help_lines == default_danger_rules().help_lines(result.danger_kinds)


@pytest.mark.parametrize(
    "text",
    [
        "de brand in het nieuws was vreselijk",
        "mijn man valt in slaap bij de tv",
        "de kachel brandt niet",
        "ik ben vorig jaar gevallen en heb nu een rollator, wie doet boodschappen",
        "haha ik ga dood van het lachen",
        "ik lees een boek over een brand",
        "ik wil niet meer naar de dagbesteding, wie rijdt mij",
        "mijn moeder is de hele dag alleen, wie komt koffie drinken",
        "ik moet twee keer per dag mijn pillen nemen, wie vult de weekdoos",
        "ik heb mijn man in de rolstoel naar de markt geduwd",
        "mijn kleinzoon is zijn telefoon kwijt",
        "de buurman rookt de hele dag op zijn balkon",
        "mijn man heeft vorig jaar een hartaanval gehad, wie helpt in de tuin",
        "ik kan die computer wel vermoorden",
        # A thing that "wil niet meer" is broken; nobody says it of themselves.
        "de printer wil niet meer aan",
        "mijn rug wil niet meer, wie harkt de bladeren",
        "het raam wil niet meer open",
        # Ordinary words one letter from a word of danger, and a participle's stem ("geschopt") on a noun.
        "ik ben gewend aan mijn rollator",
        "wie kan mijn instellingen veranderd krijgen, ze hebben het wachtwoord veranderd",
        "wie leent mij een schop om sneeuw te ruimen",
        # Warm food missed is no neglect; a fall last month, a near fall or a thing that fell is no emergency.
        "ik heb al een week geen warme maaltijd gehad, wie kookt er voor mij",
        "mijn vader eet niet meer goed, kan iemand twee keer per week koken",
        "vorige maand ben ik op de stoep gevallen, nu durf ik niet meer naar de winkel",
        "ik ben bijna uitgegleden op het ijs, wie strooit zout",
        "de plank is van de muur gevallen, wie hangt hem op",
        "sinds mijn beroerte kan ik niet meer autorijden, wie brengt mij",
        "ich bin letzte Woche gestürzt, wer kann für mich einkaufen",
        "na de dood van mijn vrouw zit ik veel alleen, wie komt een kaartje leggen",
        "ik voel me niet veilig sinds de inbraak, wie kan een extra slot plaatsen",
    ],
)
def test_the_same_words_without_danger(text: str) -> None:
    assert understand(text).intent is not Intent.DANGER


def test_danger_wins_in_every_state_and_inside_a_request() -> None:
    for expecting in Expecting:
        for text in ("ik wil niet meer leven", "ik ben net gevallen en kan niet opstaan, kan iemand komen", "ja brand"):
            assert understand(text, expecting).intent is Intent.DANGER, (expecting, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("112", DangerKind.EMERGENCY),
        ("bel 112!!", DangerKind.EMERGENCY),
        ("moet ik nu 112 bellen?", DangerKind.EMERGENCY),
        ("SOS", DangerKind.EMERGENCY),
        ("help help", DangerKind.EMERGENCY),
        ("bel 113", DangerKind.SUICIDE),
        ("0800-0113", DangerKind.SUICIDE),
        ("0800 2000", DangerKind.ABUSE_NEGLECT),
    ],
)
def test_a_help_line_typed_in_digits_or_a_cry_for_help_is_danger(text: str, kind: DangerKind) -> None:
    result = understand(text)
    assert result.intent is Intent.DANGER and result.danger is kind, result


def test_help_alone_or_a_number_in_an_address_is_no_danger() -> None:
    # "help" says that someone wants help, not with what: the bot asks (danger.toml, header).
    for text in ("help", "Help!", "hulp", "help mij"):
        assert understand(text).intent is Intent.DONT_KNOW, text
    for text in ("ik woon op de Akerstraat 112, wie maait mijn gras", "bel mij op 06 1121 1300"):
        assert understand(text).intent is not Intent.DANGER, text
    assert understand("112", Expecting.NUMBER).intent is Intent.ANSWER  # minutes a volunteer spent
    assert understand("bel 112", Expecting.NUMBER).intent is Intent.DANGER


def test_a_message_naming_two_dangers_gives_both_lines() -> None:
    result = understand("mijn man slaat mij en ik wil niet meer leven")
    assert set(result.danger_kinds) == {DangerKind.SUICIDE, DangerKind.VIOLENCE}
    assert result.danger is DangerKind.SUICIDE  # first in danger.toml
    slugs = [line.slug for line in result.help_lines]
    assert slugs[0] == "113" and "veilig-thuis" in slugs and len(slugs) == len(set(slugs))


# ---------------------------------------------------------------------- precedence per open question


@pytest.mark.parametrize(
    ("expecting", "text", "intent"),
    [
        (Expecting.NOTHING, "ja", Intent.YES),
        (Expecting.NOTHING, "goeiemorgen", Intent.GREETING),
        (Expecting.NOTHING, "hallo, kan iemand mijn hond uitlaten", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "ik verkoop een grasmaaier", Intent.OUT_OF_SCOPE),
        (Expecting.NOTHING, "ik wil graag helpen", Intent.VOLUNTEER),
        (Expecting.NOTHING, "kan iemand mij helpen", Intent.OUT_OF_SCOPE),
        (Expecting.NOTHING, "alles wordt me te veel", Intent.DONT_KNOW),
        (Expecting.NOTHING, "alles wordt me te veel met de tuin", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "laat maar, bel me maar terug", Intent.CALL_BACK),
        (Expecting.YES_NO, "Ja, graag morgen", Intent.YES),
        (Expecting.YES_NO, "nee, bel me maar", Intent.CALL_BACK),
        (Expecting.YES_NO, "stop", Intent.STOP),
        (Expecting.YES_NO, "dank u wel", Intent.THANKS),
        (Expecting.CHOICE, "nee ik bedoel de tuin", Intent.HELP_REQUEST),
        (Expecting.CHOICE, "nee", Intent.NO),
        (Expecting.CHOICE, "de tweede", Intent.ANSWER),
        (Expecting.DAY, "morgen", Intent.ANSWER),
        (Expecting.DAY, "ja", Intent.YES),
        (Expecting.DAY, "ja morgen graag", Intent.ANSWER),
        (Expecting.DAY, "weet ik niet", Intent.DONT_KNOW),
        (Expecting.DAY, "hallo", Intent.GREETING),
        (Expecting.NUMBER, "20 minuten", Intent.ANSWER),
        (Expecting.NUMBER, "45", Intent.ANSWER),
        (Expecting.PLACE, "Heerlerheide", Intent.ANSWER),
        (Expecting.PLACE, "laat maar", Intent.STOP),
        (Expecting.PHONE, "06 12345678", Intent.ANSWER),
        (Expecting.PHONE, "nee", Intent.NO),
        (Expecting.NAME, "mevrouw Janssen", Intent.ANSWER),
        (Expecting.NAME, "kan iemand mijn hond uitlaten", Intent.HELP_REQUEST),
        (Expecting.FREE_TEXT, "de sleutel ligt onder de mat", Intent.ANSWER),
        (Expecting.FREE_TEXT, "dank u", Intent.THANKS),
        (Expecting.FREE_TEXT, "weet ik niet", Intent.DONT_KNOW),
        (Expecting.FREE_TEXT, "bel me terug", Intent.CALL_BACK),
        (Expecting.FREE_TEXT, "is het gratis", Intent.COST),
        (Expecting.FREE_TEXT, "laat maar", Intent.STOP),
        (Expecting.YES_NO, "nee, ik heb het veel te druk met mijn kleinkinderen deze maand", Intent.NO),
        (Expecting.NOTHING, "nee, ik heb het veel te druk met mijn kleinkinderen deze maand", Intent.OUT_OF_SCOPE),
        (Expecting.PHONE, "bel maar op 045 541 2233", Intent.ANSWER),
        (Expecting.NOTHING, "bel maar", Intent.CALL_BACK),
        (Expecting.NOTHING, "wat een mooie bloemen in het park, dank je wel", Intent.THANKS),
        (Expecting.NOTHING, "kunt u mijn rekeningen betalen", Intent.OUT_OF_SCOPE),
        (Expecting.CHOICE, "ik wil een klacht indienen over de buren", Intent.OUT_OF_SCOPE),
        (Expecting.PLACE, "overal in Parkstad", Intent.ANSWER),
        (Expecting.PHONE, "nul zes een twee drie vier vijf zes zeven acht", Intent.ANSWER),
        (Expecting.NOTHING, "??", Intent.DONT_KNOW),
        (Expecting.NOTHING, "hoi, ik ben Truus uit Nuth", Intent.GREETING),
        (Expecting.NOTHING, "hartelijk dank, de tuin is prachtig geworden", Intent.THANKS),
        (Expecting.NOTHING, "bedankt, en kan iemand ook mijn heg knippen", Intent.HELP_REQUEST),
        # Not knowing what to do about a named task, or despair about a named care, is a request for it.
        (Expecting.NOTHING, "er kwam een brief van de belasting en ik weet niet wat ik moet doen", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "de zorg voor mijn vader wordt me te veel", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "🧺 hulp?", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "hulp?", Intent.DONT_KNOW),
        # Chit-chat words that describe the need rather than the news.
        (Expecting.NOTHING, "iemand om gezellig mee te kaarten", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "de bus rijdt niet meer, hoe kom ik bij het ziekenhuis", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "wil iemand brood voor mij kopen bij de bakker", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "wij hebben nog een oude kast, wil iemand die kopen", Intent.OUT_OF_SCOPE),
        # Somebody else calling, or being on the phone, is no request to be called back.
        (Expecting.NOTHING, "mijn moeder belt mij steeds in paniek, ze is zo vergeetachtig", Intent.HELP_REQUEST),
        (Expecting.NOTHING, "kan iemand van het wijkteam langskomen voor een traplift", Intent.HELP_REQUEST),
    ],
)
def test_precedence(expecting: Expecting, text: str, intent: Intent) -> None:
    assert understand(text, expecting).intent is intent


def test_the_category_matches_come_with_the_answer() -> None:
    result = understand("kan iemand mijn hond uitlaten")
    assert result.matches and result.matches[0][0] == "huisdieren"
    assert result.matches == tuple(default_category_matcher().match("kan iemand mijn hond uitlaten"))
    assert understand("").intent is Intent.OUT_OF_SCOPE


def test_a_reader_can_be_built_from_its_parts() -> None:
    reader = Reader(default_vocabulary(), default_danger_rules(), default_category_matcher(), default_place_matcher())
    assert reader.understand("mojje").intent is Intent.GREETING


# ---------------------------------------------------------------------- typed answers (moved from bot/answers.py)


def test_yes_and_no_are_read_from_the_first_words() -> None:
    for text in ("Ja, graag", "ja hoor", "Ja.", "oke", "dat klopt", "jaaa"):
        assert is_yes(text) and not is_no(text), text
    for text in ("Nee, dank u", "nee hoor", "klopt niet", "dat klopt niet", "Nein", "neet"):
        assert is_no(text) and not is_yes(text), text
    for text in ("weet ik niet", "kan iemand boodschappen doen", "Joep", "goedemorgen"):
        assert not is_yes(text) and not is_no(text), text


def test_dont_know_and_its_typos() -> None:
    for text in ("weet ik niet", "geen idee", "keine Ahnung", "wees neet", "weet ik nie", "help"):
        assert is_dont_know(text), text
    assert not is_dont_know("kan iemand mijn hond uitlaten")


def test_steunpunt_questions() -> None:
    for text in ("Waar kan ik terecht?", "waar is het wijksteunpunt", "is er een buurthuis", "Wo kann ich hin?"):
        assert asks_for_steunpunt(text), text
    assert not asks_for_steunpunt("kan iemand mijn hond uitlaten")
    assert not asks_for_steunpunt("de wijkagent vertelde in het buurthuis over oplichters")  # no question


def test_phone_number_pattern() -> None:
    assert PHONE_NUMBER.match("06 12345678") and PHONE_NUMBER.match("+31 (0)45-5431234")
    assert not PHONE_NUMBER.match("morgen om 10 uur")


# ---------------------------------------------------------------------- the evaluation set

# Words that danger shares with ordinary messages; the eval set must test them without danger too.
SHARED_WORDS = (
    "brand", "gevallen", "val", "gas", "rook", "dood", "kind", "slaat", "pijn", "adem", "leven", "niet meer",
    "bang", "geld", "alleen", "kachel", "hart", "kinderen", "kleinkind", "zelfmoord", "moord", "geweld", "vuur",
)  # fmt: skip


def test_eval_set_is_big_and_covers_everything() -> None:
    lines = load_eval()
    assert len(lines) >= 500
    assert {line.state for line in lines} == set(STATE_EXPECTS)
    danger = [line for line in lines if line.is_danger]
    assert len(danger) >= 100
    for kind in DangerKind:
        assert sum(line.label == f"danger:{kind}" for line in danger) >= 12, kind
    shared = [line for line in lines if not line.is_danger and any(w in line.text.lower() for w in SHARED_WORDS)]
    assert len(shared) >= 80
    labels = {line.label.split(":")[0] for line in lines}
    assert labels == {intent.value for intent in Intent}


def test_eval_accuracy() -> None:
    result = score(load_eval(), default_reader().understand)
    print(result.table())
    assert result.recall == 1.0, result.table()
    assert result.false_alarm_rate <= 0.02, result.table()
    for label in result.total:
        assert result.accuracy(label) >= 0.95, f"{label}\n{result.table()}"


# ---------------------------------------------------------------------- the matcher's eval set, read as requests

# Every private message is read here before the category matcher. On the 1,648 real help requests of the
# matcher's eval set (typed in an idle chat) this layer held back 77 (4.7 %) before: 39 as danger (such as
# "mijn knie wil niet meer" as suicide), 17 dont_know, 13 out_of_scope, 3 call_back, 2 about, 2 steunpunt,
# 1 volunteer. Now 1,636 (99.3 %) are help requests, 5 are danger (0.3 %, the genuine ones below) and 7 are
# read otherwise: bare despair without a named need ("ik kan het niet meer aan", "I can't cope at home
# anymore", "ik kan het thuis niet meer aan": dont_know, a coordinator calls back, as in the intent eval),
# "waar kan ik terecht?" after a worry (steunpunt), "hoe werkt dit" before a request (about), "ik word er
# gek van" and a line the matcher itself does not place (out_of_scope).
MATCHER_EVAL_DANGER = 0.005
MATCHER_EVAL_HELP_REQUESTS = 0.99
GENUINE_DANGER = {
    "mijn zoon bedreigt mij": "a son threatening his parent is violence at home (Veilig Thuis)",
    "de buurvrouw ziet er verwaarloosd uit en ik maak me zorgen om haar": "a neighbour who looks neglected",
    "mijn buurvrouw ligt al dagen in bed en eet niet, ik maak me ernstig zorgen": (
        "days in bed without eating: she may be ill or left alone"
    ),
    "Mijn moeder heeft alzheimer en woont nog zelfstandig in Landgraaf. Ze vergeet te eten en haar medicijnen, en "
    "gisteren stond ze in haar nachthemd bij de bushalte. Hoe kunnen we via de gemeente thuiszorg of een casemanager "
    "dementie regelen?": "dementia, alone, skipping food and medicines, wandering outside in her nightgown",
    "kan iemant voor mij boodschapen doen ik ben gefallen en kan nie lopen mijn adres is in holz": (
        "a fall, no time given, and she cannot walk: a doctor or 112 first"
    ),
}


def test_the_matcher_evals_real_requests_are_read_as_help_requests() -> None:
    requests = [row.text for row in matcher_eval.load_eval() if row.is_request]
    results = {text: understand(text) for text in requests}
    danger = {text for text, result in results.items() if result.intent is Intent.DANGER}
    assert danger == set(GENUINE_DANGER), {
        "false alarms": danger - set(GENUINE_DANGER),
        "missed": set(GENUINE_DANGER) - danger,
    }
    assert len(danger) <= MATCHER_EVAL_DANGER * len(requests)
    held_back = {text: result.intent for text, result in results.items() if result.intent is not Intent.HELP_REQUEST}
    assert len(requests) - len(held_back) >= MATCHER_EVAL_HELP_REQUESTS * len(requests), held_back
