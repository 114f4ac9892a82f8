"""Match a free-text place ("ik woon in UOW", "kunraad") to neighbourhoods in ``neighbourhoods.toml``.

Areas (kernen/wijken) and buurten are matched on name, slug and aliases, exact first (score 100)
and then with typo tolerance (rapidfuzz ratio, score 82-95). When a longer name contains a
shorter one that also matched ("Oud Nieuwenhagen" vs "Nieuwenhagen") the shorter one drops to 80.
When a buurt and its own area are both named, the area drops to 90. A place that merely carries
the municipality's name ("Voerendaal") drops to 70 when another place in that municipality was
named too. A municipality name on its own ("Landgraaf") returns all areas of that municipality
at score 40 (in file order) so the bot can offer them as choices; it adds nothing when an area or
buurt of that municipality was named as well.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from .language import Language, spellings
from .normalise import tokens

__all__ = ["MUNICIPALITY_SCORE", "Place", "PlaceMatcher"]

MUNICIPALITY_SCORE = 40
CONTAINED_SCORE = 80
SPECIFIC_PARENT_SCORE = 90
QUALIFIER_SCORE = 70
FUZZY_CUTOFF = 82
FUZZY_MAX = 95
MAX_NGRAM = 4


@dataclass(frozen=True, slots=True)
class Place:
    slug: str
    name: str
    municipality: str
    kind: str  # "kern" | "wijk" | "buurt"
    parent: str | None = None


def _names(section: dict[str, Any]) -> list[str]:
    return [" ".join(tokens(n)) for n in spellings(section) if tokens(n)]


class PlaceMatcher:
    def __init__(
        self,
        places: list[Place],
        names: dict[str, set[str]],
        municipalities: dict[str, str],
        filler: frozenset[str] = frozenset(),
    ) -> None:
        self.places = {p.slug: p for p in places}
        self._order = {p.slug: i for i, p in enumerate(places)}
        self._exact: dict[str, set[str]] = {}  # "ubach over worms" and "ubachoverworms" -> slugs
        for name, slugs in names.items():
            for key in (name, name.replace(" ", "")):
                self._exact.setdefault(key, set()).update(slugs)
        self._fuzzy_names = list(names)
        self._names = names
        self._municipalities = municipalities  # name -> municipality slug
        self._filler = filler  # words never tried as a misspelt place ("de", "morgen")
        self._muni_names = list(municipalities)
        self._areas_by_muni: dict[str, list[str]] = {}
        for p in places:
            if p.kind != "buurt":
                self._areas_by_muni.setdefault(p.municipality, []).append(p.slug)

    @classmethod
    def from_file(cls, path: Path, language: Language | None = None) -> PlaceMatcher:
        """The matcher for a neighbourhoods file; ``language`` defaults to the language files beside it."""
        path = Path(path)
        if language is None:
            language = Language.from_directory(path.parent)
        with path.open("rb") as fh:
            return cls.from_dict(tomllib.load(fh), language.no_evidence)

    @classmethod
    def from_dict(cls, data: dict[str, Any], filler: frozenset[str] = frozenset()) -> PlaceMatcher:
        """The matcher for parsed ``neighbourhoods.toml``; ``filler`` words are never read as a misspelt place."""
        places: list[Place] = []
        names: dict[str, set[str]] = {}
        municipalities: dict[str, str] = {}
        for muni in data.get("municipality", ()):
            for name in _names(muni):
                municipalities.setdefault(name, muni["slug"])
            for area in muni.get("area", ()):
                kind = area.get("kind", "wijk")
                places.append(Place(area["slug"], area.get("name", area["slug"]), muni["slug"], kind))
                for name in _names(area):
                    names.setdefault(name, set()).add(area["slug"])
                for buurt in area.get("buurt", ()):
                    places.append(
                        Place(buurt["slug"], buurt.get("name", buurt["slug"]), muni["slug"], "buurt", area["slug"])
                    )
                    for name in _names(buurt):
                        names.setdefault(name, set()).add(buurt["slug"])
        return cls(places, names, municipalities, filler)

    def match(self, text: str) -> list[tuple[str, int]]:
        """Ranked ``(area or buurt slug, score 0-100)``, best first; ``[]`` when nothing fits."""
        toks = tokens(text)
        scores: dict[str, int] = {}
        spans: dict[str, tuple[int, int]] = {}
        munis: set[str] = set()
        covered: set[int] = set()
        n_toks = len(toks)
        # Exact names, longest n-grams first.
        for n in range(min(MAX_NGRAM, n_toks), 0, -1):
            for i in range(n_toks - n + 1):
                gram_toks = toks[i : i + n]
                gram = " ".join(gram_toks)
                for key in (gram, "".join(gram_toks)):
                    for slug in self._exact.get(key, ()):
                        inside = any(a <= i and i + n <= b and (a, b) != (i, i + n) for a, b in spans.values())
                        score = CONTAINED_SCORE if inside else 100
                        if score > scores.get(slug, 0):
                            scores[slug] = score
                            spans[slug] = (i, i + n)
                        covered.update(range(i, i + n))
                if gram in self._municipalities:
                    munis.add(self._municipalities[gram])
                    covered.update(range(i, i + n))
        # Typos, on n-grams that are not already explained and are not just filler words.
        for n in range(1, min(MAX_NGRAM - 1, n_toks) + 1):
            for i in range(n_toks - n + 1):
                gram_toks = toks[i : i + n]
                if covered.issuperset(range(i, i + n)) or all(t in self._filler for t in gram_toks):
                    continue
                gram = " ".join(gram_toks)
                if len(gram) < 4:
                    continue
                best = process.extractOne(gram, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if best is not None:
                    score = min(FUZZY_MAX, round(best[1]))
                    for slug in self._names[best[0]]:
                        if score > scores.get(slug, 0):
                            scores[slug] = score
                muni = process.extractOne(gram, self._muni_names, scorer=fuzz.ratio, score_cutoff=88)
                if muni is not None:
                    munis.add(self._municipalities[muni[0]])
        self._prefer_specific(scores, spans)
        for muni in munis:
            if any(self.places[s].municipality == muni for s in scores):
                continue
            for slug in self._areas_by_muni.get(muni, ()):
                scores.setdefault(slug, MUNICIPALITY_SCORE)
        return sorted(scores.items(), key=lambda item: (-item[1], self._order[item[0]]))

    def _prefer_specific(self, scores: dict[str, int], spans: dict[str, tuple[int, int]]) -> None:
        """ "Hoensbroek Mariarade": the buurt beats its area; "Kunraad Voerendaal": the place
        that only repeats the municipality's name drops below the other place named."""
        matched = list(scores)
        for slug in matched:
            parent = self.places[slug].parent
            if parent in scores and scores[parent] >= scores[slug]:
                scores[parent] = SPECIFIC_PARENT_SCORE
        for slug in matched:
            place = self.places[slug]
            span = spans.get(slug)
            if span is None or not self._is_municipality_name(slug, place.municipality):
                continue
            if any(o != slug and self.places[o].municipality == place.municipality for o in matched):
                scores[slug] = min(scores[slug], QUALIFIER_SCORE)

    def _is_municipality_name(self, slug: str, muni: str) -> bool:
        return any(m == muni and slug in self._names.get(name, ()) for name, m in self._municipalities.items())
