"""Checks on the coordinator-edited data files: neighbourhoods, steunpunten, language and categories."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = {"kern", "wijk"}
LANGUAGES = {"nl", "en", "de"}

MUNICIPALITIES = {
    "kerkrade",
    "heerlen",
    "landgraaf",
    "voerendaal",
    "simpelveld",
    "onderbanken",
    "brunssum",
    "nuth",
}

# Every place named in the background texts (/work/shared/seeds), per municipality slug.
SEED_PLACES = {
    "voerendaal": ["Voerendaal-Kunrade", "Voerendaal", "Kunrade", "Ransdaal", "Klimmen", "Ubachsberg"],
    "landgraaf": [
        "Nieuwenhagen",
        "Oud Nieuwenhagen",
        "Schaesberg",
        "Ubach over Worms",
        "Eikske",
        "Eikse",
        "Heereveld",
    ],
    "onderbanken": ["Bingelrade", "Jabeek", "Merkelbeek", "Schinveld"],
    "simpelveld": ["Simpelveld", "Bocholtz"],
}

# Places the brief asks for beyond the seeds (real wijken and kernen).
REQUIRED_PLACES = {
    "kerkrade": [
        "Kerkrade-Centrum",
        "Bleijerheide",
        "Chevremont",
        "Gracht",
        "Haanrade",
        "Holz",
        "Kaalheide",
        "Spekholzerheide",
        "Terwinselen",
        "Nulland",
        "Hopel",
        "Rolduckerveld",
        "Vink",
        "Eygelshoven",
        "Heilust",
    ],
    "heerlen": [
        "Heerlen-Centrum",
        "Heerlerbaan",
        "Heerlerheide",
        "Hoensbroek",
        "Meezenbroek",
        "Molenberg",
        "Schandelen",
        "Welten",
        "Zeswegen",
        "Vrieheide",
        "Grasbroek",
        "Passart",
        "Caumerveld",
        "Douve Weien",
        "Beersdal",
        "Mariarade",
        "Schaesbergerveld",
        "Aarveld",
        "Bekkerveld",
        "Benzenrade",
    ],
    "brunssum": [
        "Brunssum-Centrum",
        "Brunssum-Noord",
        "Rumpen",
        "Treebeek",
        "Langeberg",
        "Schuttersveld",
        "Egge",
        "Op de Kamp",
        "Bouwberg",
        "Lindeveld",
    ],
    "nuth": ["Nuth", "Hulsberg", "Schimmert", "Vaesrade", "Wijnandsrade", "Aalbeek"],
}

# Spellings people type that must resolve to one specific place (area/buurt slug).
ALIAS_EXPECTATIONS = {
    "kunrade": "kunrade",
    "voerendaal": "voerendaal",
    "eikse": "eikske",
    "ubach": "ubach-over-worms",
    "uow": "ubach-over-worms",
    "übach": "ubach-over-worms",
    "oud-nieuwenhagen": "oud-nieuwenhagen",
    "douveweien": "douve-weien",
    "kerkrade centrum": "kerkrade-centrum",
}

MUNICIPALITY_ALIAS_EXPECTATIONS = {
    "kirchroa": "kerkrade",
    "kerkraa": "kerkrade",
    "kirchrath": "kerkrade",
    "heële": "heerlen",
    "lgf": "landgraaf",
}

STEUNPUNT_FIELDS = {
    "slug": str,
    "name": str,
    "neighbourhoods": list,
    "municipality": str,
    "loket": bool,
    "address": str,
    "opening_hours": str,
    "phone": str,
    "description": dict,
}


def norm(text: str) -> str:
    """How a matcher would compare spellings: lowercase, hyphens as spaces, single spaces."""
    return " ".join(text.lower().replace("-", " ").split())


def load(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def municipalities() -> list[dict]:
    return load("neighbourhoods.toml")["municipality"]


@pytest.fixture(scope="module")
def places(municipalities: list[dict]) -> list[tuple[str, dict, str | None]]:
    """Every area and buurt as (municipality slug, entry, parent area slug or None)."""
    found = []
    for municipality in municipalities:
        for area in municipality.get("area", []):
            found.append((municipality["slug"], area, None))
            for buurt in area.get("buurt", []):
                found.append((municipality["slug"], buurt, area["slug"]))
    return found


@pytest.fixture(scope="module")
def steunpunten() -> list[dict]:
    return load("steunpunten.toml")["steunpunt"]


def spellings(entry: dict) -> set[str]:
    return {norm(entry["name"]), norm(entry["slug"])} | {norm(alias) for alias in entry.get("aliases", [])}


def resolve(places: list[tuple[str, dict, str | None]], municipality: str, text: str) -> set[str]:
    """Slugs of the places in `municipality` whose name, slug or alias equals `text`."""
    return {entry["slug"] for muni, entry, _ in places if muni == municipality and norm(text) in spellings(entry)}


def test_exactly_the_eight_municipalities(municipalities: list[dict]) -> None:
    slugs = [m["slug"] for m in municipalities]
    assert Counter(slugs).most_common(1)[0][1] == 1, slugs
    assert set(slugs) == MUNICIPALITIES


def test_municipality_entries_well_formed(municipalities: list[dict]) -> None:
    for municipality in municipalities:
        assert SLUG_RE.fullmatch(municipality["slug"]), municipality["slug"]
        assert municipality["name"].strip()
        assert isinstance(municipality.get("aliases", []), list)
        assert municipality.get("area"), f"{municipality['slug']} has no areas"


def test_place_slugs_well_formed_and_unique(places: list[tuple[str, dict, str | None]]) -> None:
    slugs = [entry["slug"] for _, entry, _ in places]
    for slug in slugs:
        assert SLUG_RE.fullmatch(slug), f"bad slug {slug!r}"
    duplicates = [slug for slug, count in Counter(slugs).items() if count > 1]
    assert not duplicates, f"duplicate slugs: {duplicates}"


def test_area_kinds(places: list[tuple[str, dict, str | None]]) -> None:
    for _, entry, parent in places:
        if parent is None:
            assert entry.get("kind") in KINDS, f"{entry['slug']}: kind {entry.get('kind')!r}"
        else:
            assert "kind" not in entry, f"buurt {entry['slug']} must not set kind"


def test_aliases_are_lowercase_strings(municipalities: list[dict], places: list[tuple[str, dict, str | None]]) -> None:
    for entry in [*municipalities, *(entry for _, entry, _ in places)]:
        aliases = entry.get("aliases", [])
        assert isinstance(aliases, list), entry["slug"]
        for alias in aliases:
            assert isinstance(alias, str) and alias.strip(), f"{entry['slug']}: empty alias"
            assert alias == alias.lower(), f"{entry['slug']}: alias {alias!r} not lowercase"
            assert alias == alias.strip(), f"{entry['slug']}: alias {alias!r} has outer spaces"
        assert len(aliases) == len(set(aliases)), f"{entry['slug']}: repeated alias"


def test_place_spellings_point_to_one_place(places: list[tuple[str, dict, str | None]]) -> None:
    owners: dict[str, set[str]] = {}
    for _, entry, _ in places:
        for spelling in spellings(entry):
            owners.setdefault(spelling, set()).add(entry["slug"])
    clashes = {spelling: slugs for spelling, slugs in owners.items() if len(slugs) > 1}
    assert not clashes, f"spellings shared by several places: {clashes}"


def test_municipality_spellings_point_to_one_municipality(municipalities: list[dict]) -> None:
    owners: dict[str, set[str]] = {}
    for municipality in municipalities:
        for spelling in spellings(municipality):
            owners.setdefault(spelling, set()).add(municipality["slug"])
    clashes = {spelling: slugs for spelling, slugs in owners.items() if len(slugs) > 1}
    assert not clashes, f"spellings shared by several municipalities: {clashes}"


@pytest.mark.parametrize(
    ("municipality", "place"),
    [(muni, place) for table in (SEED_PLACES, REQUIRED_PLACES) for muni, names in table.items() for place in names],
)
def test_place_present(places: list[tuple[str, dict, str | None]], municipality: str, place: str) -> None:
    assert resolve(places, municipality, place), f"{place} missing in {municipality}"


@pytest.mark.parametrize(("alias", "slug"), sorted(ALIAS_EXPECTATIONS.items()))
def test_alias_resolves(places: list[tuple[str, dict, str | None]], alias: str, slug: str) -> None:
    found = {entry["slug"] for _, entry, _ in places if norm(alias) in spellings(entry)}
    assert found == {slug}


@pytest.mark.parametrize(("alias", "slug"), sorted(MUNICIPALITY_ALIAS_EXPECTATIONS.items()))
def test_municipality_alias_resolves(municipalities: list[dict], alias: str, slug: str) -> None:
    found = {m["slug"] for m in municipalities if norm(alias) in spellings(m)}
    assert found == {slug}


def test_seed_buurten_sit_under_their_wijk(places: list[tuple[str, dict, str | None]]) -> None:
    parents = {entry["slug"]: parent for _, entry, parent in places}
    assert parents["oud-nieuwenhagen"] == "nieuwenhagen"
    assert parents["eikske"] == "ubach-over-worms"
    assert parents["heereveld"] == "ubach-over-worms"


def test_steunpunt_fields(steunpunten: list[dict]) -> None:
    for steunpunt in steunpunten:
        for field, kind in STEUNPUNT_FIELDS.items():
            assert isinstance(steunpunt.get(field), kind), f"{steunpunt.get('slug')}: {field}"
        assert steunpunt["name"].strip()
        assert steunpunt["neighbourhoods"], f"{steunpunt['slug']} serves no neighbourhood"


def test_steunpunt_slugs_well_formed_and_unique(steunpunten: list[dict]) -> None:
    slugs = [s["slug"] for s in steunpunten]
    for slug in slugs:
        assert SLUG_RE.fullmatch(slug), f"bad slug {slug!r}"
    assert len(slugs) == len(set(slugs)), slugs


def test_steunpunt_neighbourhoods_exist_in_their_municipality(
    steunpunten: list[dict], places: list[tuple[str, dict, str | None]]
) -> None:
    municipality_of = {entry["slug"]: muni for muni, entry, _ in places}
    for steunpunt in steunpunten:
        assert steunpunt["municipality"] in MUNICIPALITIES, steunpunt["slug"]
        for slug in steunpunt["neighbourhoods"]:
            assert slug in municipality_of, f"{steunpunt['slug']}: unknown neighbourhood {slug!r}"
            assert municipality_of[slug] == steunpunt["municipality"], f"{steunpunt['slug']}: {slug}"


def test_steunpunt_descriptions_have_all_languages(steunpunten: list[dict]) -> None:
    for steunpunt in steunpunten:
        description = steunpunt["description"]
        assert set(description) >= LANGUAGES, f"{steunpunt['slug']}: {sorted(description)}"
        for language in LANGUAGES:
            assert description[language].strip(), f"{steunpunt['slug']}: empty {language}"


def test_seed_steunpunten_present(steunpunten: list[dict]) -> None:
    by_slug = {s["slug"]: s for s in steunpunten}
    expected = {
        "wijksteunpunt-klimmen": True,
        "wijksteunpunt-voerendaal-kunrade": False,
        "wijksteunpunt-ransdaal": None,
        "wijksteunpunt-ubachsberg": None,
        "durpswinkel-simpelveld": None,
        "durpswinkel-bocholtz": None,
        "wijkpunt-heereveld": None,
    }
    for slug, loket in expected.items():
        assert slug in by_slug, f"missing steunpunt {slug}"
        if loket is not None:
            assert by_slug[slug]["loket"] is loket, slug
    for slug in ("wijksteunpunt-ransdaal", "wijksteunpunt-ubachsberg"):
        assert "gepland" in by_slug[slug]["name"].lower()
        assert "gepland" in by_slug[slug]["description"]["nl"].lower()


# ---------------------------------------------------------------- language.toml and categories.toml

LANGUAGE_SECTIONS = {
    "no_evidence",
    "fillers",
    "separable",
    "request",
    "problem",
    "needs",
    "statements",
    "offers",
    "dialect",
    "abbreviations",
}
CUE_KEYS = {
    "strong",
    "medium",
    "weak",
    "words",
    "phrases",
    "weak_phrases",
    "strong_phrases",
    "sequences",
    "question_openers",
}


@pytest.fixture(scope="module")
def language() -> dict:
    return load("language.toml")


def word_lists(language: dict) -> dict[str, list]:
    """Every list of words in language.toml by its dotted name."""
    lists = {f"no_evidence.{key}": value for key, value in language["no_evidence"].items()}
    lists.update({f"separable.{key}": value for key, value in language["separable"].items()})
    lists["fillers.words"] = language["fillers"]["words"]
    lists.update({f"needs.{key}": value for key, value in language["needs"].items()})
    for section in ("statements", "offers"):
        lists.update({f"{section}.{key}": value for key, value in language[section].items()})
    for section in ("request", "problem"):
        lists.update({f"{section}.{key}": v for key, v in language[section].items() if isinstance(v, list)})
    return lists


def test_language_has_its_sections(language: dict) -> None:
    assert set(language) == LANGUAGE_SECTIONS
    for section in ("request", "problem"):
        assert set(language[section]) <= CUE_KEYS, section


def test_language_lists_are_lowercase_words_without_duplicates(language: dict) -> None:
    for name, words in word_lists(language).items():
        assert isinstance(words, list) and words, name
        assert all(isinstance(w, str) and w.strip() and w == w.lower() for w in words), name
        duplicates = [w for w, count in Counter(words).items() if count > 1]
        assert not duplicates, f"{name}: {duplicates}"


def test_language_single_words_where_one_word_is_meant(language: dict) -> None:
    for name in (
        "separable.particles",
        "separable.verbs",
        "needs.opens",
        "needs.also",
        "needs.begins",
        "needs.reasons",
    ):
        assert all(" " not in w for w in word_lists(language)[name]), name
    for section in ("dialect", "abbreviations"):
        for source, target in language[section].items():
            assert " " not in source.strip() and source == source.lower(), (section, source)
            assert isinstance(target, str) and target.strip(), (section, source)


def test_place_names_come_from_neighbourhoods_only(language: dict, municipalities: list[dict]) -> None:
    from bot.matching.language import place_names

    places = place_names({"municipality": municipalities})
    assert {"kerkrade", "heerlen", "bleijerheide", "kunrade", "uow"} <= places
    repeated = sorted({w for w in language["no_evidence"]["places"] if w in places})
    assert not repeated, f"already in neighbourhoods.toml: {repeated}"


def test_the_language_file_loads() -> None:
    from bot.matching import Language

    language = Language.from_directory(DATA_DIR)
    assert {"de", "mevrouw", "morgen"} <= language.stopwords
    assert "kerkrade" in language.no_evidence
    assert language.rewrites["sjnee"] == "sneeuw"
    assert "daarnaast" in language.opens
    assert "ook" in language.also


def test_a_bad_language_file_is_refused() -> None:
    from bot.matching import Language

    with pytest.raises(ValueError, match="unknown sections"):
        Language.from_dict({"stopwords": ["de"]})
    with pytest.raises(ValueError, match="list of words"):
        Language.from_dict({"separable": {"particles": "uit op"}})
    with pytest.raises(ValueError, match="one word"):
        Language.from_dict({"dialect": {"sjnee sjuppe": "sneeuw scheppen"}})


def test_categories_file_holds_categories_only() -> None:
    assert set(load("categories.toml")) == {"category", "social", "out_of_scope"}


# ---------------------------------------------------------------- routes.toml and providers.toml

ROUTE_LEVELS = ["vrijwilliger", "woonservice", "particulier", "bedrijf"]
ORGANISATION_LEVELS = {*ROUTE_LEVELS, "loket"}
PRICE_WORDS = {"", "gratis", "dienstencheque", "betaald"}


def category_slugs() -> set[str]:
    return {category["slug"] for category in load("categories.toml")["category"]}


def test_routes_follow_puntextras_order_and_name_known_places_and_kinds() -> None:
    routes = load("routes.toml")
    assert routes["order"] == ROUTE_LEVELS
    assert float(routes["dienstencheque"]["euro"]) == 5.0  # WoonZorgService in de Wijk: 5 euro per hour
    for route in routes["route"]:
        assert route["level"] in ROUTE_LEVELS
        assert route["municipalities"] and set(route["municipalities"]) <= MUNICIPALITIES
        assert route["categories"] and set(route["categories"]) <= category_slugs()
        assert (route["level"] == "woonservice") == ("cheques_per_hour" in route)
        assert "price_per_hour" not in route or route["level"] in ("particulier", "bedrijf")


def test_every_volunteer_kind_of_help_is_free_everywhere() -> None:
    from bot.services.prices import load_routes

    table = load_routes(DATA_DIR / "routes.toml")
    volunteer_kinds = {c["slug"] for c in load("categories.toml")["category"] if c["for_volunteers"]}
    for municipality in MUNICIPALITIES:
        for slug in volunteer_kinds:
            assert table.price(municipality, slug).free, (municipality, slug)
    assert table.price("voerendaal", "zorgvraag").level is None


def test_organisations_are_well_formed() -> None:
    organisations = load("providers.toml")["organisation"]
    slugs = [organisation["slug"] for organisation in organisations]
    assert len(slugs) == len(set(slugs)) and all(SLUG_RE.match(slug) for slug in slugs)
    for organisation in organisations:
        slug = organisation["slug"]
        assert organisation["name"].strip(), slug
        assert organisation["level"] in ORGANISATION_LEVELS, slug
        assert organisation["municipalities"] and set(organisation["municipalities"]) <= MUNICIPALITIES, slug
        assert set(organisation["categories"]) <= category_slugs() | {"alle"}, slug
        for field in ("phone", "opening_hours", "web"):
            assert isinstance(organisation[field], str), (slug, field)
        assert organisation["price"] in PRICE_WORDS, slug
        assert set(organisation["description"]) >= LANGUAGES, slug


def test_the_organisations_the_seeds_name_are_on_the_map() -> None:
    names = " ".join(organisation["name"] for organisation in load("providers.toml")["organisation"])
    for name in ("wijkteam", "Wmo-loket", "MeanderGroep Zuid-Limburg", "Cicero", "Jeugd en Gezin", "Durpswinkel"):
        assert name.lower() in names.lower(), name
    assert "maatschappelijk werk" in names.lower()
