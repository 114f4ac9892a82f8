"""Match a free-text help request to the categories in ``data/categories.toml``."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .language import Language
from .lexicon import MEDIUM, PHRASE, STRONG, WEAK, WEAK_PHRASE, Lexicon, Scan
from .needs import MatchResult, Need, Part, main_and_second, parts
from .non_requests import is_offer, is_statement
from .normalise import tokens

__all__ = ["CONFIDENT", "OUT_OF_SCOPE", "POSSIBLE", "Category", "CategoryMatcher", "MatchResult"]

#: Score at or above which the bot confirms the top match with a single "Ja" button.
CONFIDENT = 70
#: Score at or above which a category is offered as a choice; below it nothing is returned.
POSSIBLE = 35

OUT_OF_SCOPE = "out_of_scope"
# Greetings, "ja", "nee", thumbs ([social] in categories.toml): out of scope on their own, but no evidence
# against a category that is there too ("ja hallo eh ... kan iemand boodschappen doen").
SOCIAL = "social"

# Evidence -> score: 100 * (1 - exp(-evidence / SCALE)). One strong word (5) scores 71,
# one medium word (3) 53, one weak word (1.5) 31 (not enough on its own), strong + phrase 89.
SCALE = 4.0
# The top match is not "confident" when the runner-up has at least this share of its evidence.
AMBIGUOUS_SHARE = 0.75
# Secondary matches need at least this share of the top evidence (several needs in one message).
SECONDARY_SHARE = 0.2
MAX_RESULTS = 5
# Greetings, thanks, chit-chat: the message is out of scope when that evidence is at least the best
# category's, unless the category evidence reaches this (so "Goedemiddag, ik ben Truus, ... de
# dakgoot is verstopt" is still a request).
OOS_OVERRIDE = 5.0
# ... or when the out-of-scope evidence beats it by this much: "kan ik hier een hond adopteren",
# "mijn kat is weggelopen" mention a category word but ask for something else.
OOS_MARGIN = 4.0
# Both exceptions only hold for a message that asks for help ("wie kan", "iemand", "nodig", "lukt
# niet meer": the [request] section of language.toml). Without such a cue a tie goes to out of scope:
# "ik verkoop een grasmaaier", "is de Jumbo zondag open", "zoek werk als schoonmaakster" name a category
# word but do not ask anybody for anything.
REQUEST = "request"
# Saying that something does not work out ("lukt niet meer", "snap het niet": the [problem] section) is a
# help cue too, but only a message part that asks (REQUEST) makes the main need (needs.py).
PROBLEM = "problem"
# Without such a cue, out of scope also wins at this share of the best category's evidence: "ik heb
# lekker in de tuin gewerkt", "de bus rijdt weer niet op tijd, schandalig".
NO_CUE_SHARE = 0.75
# An information question ("waar is de apotheek", "is de Jumbo zondag open", "weet iemand of ...":
# the message opens with a word from ``question_openers`` in language.toml) without a help cue needs more category
# evidence than this, i.e. more than one strong word.
QUESTION = 5.0
# A part of a message (see needs.py) names a need when its best category has at least this evidence (about
# one strong word) and this many times the evidence of the part's runner-up.
NEED_EVIDENCE = 4.0
NEED_LEAD = 1.5
# The need asked for goes first only when the whole message backs it this much (a share of the best
# category's evidence): "... kapotte wc-bril ... deur die niet dichtgaat. Kan iemand even langs?" stays a repair.
MAIN_SHARE = 0.2

_LISTS = (("strong", STRONG), ("medium", MEDIUM), ("weak", WEAK))


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    emoji: str
    for_volunteers: bool
    name: dict[str, str]
    description: dict[str, str]


def _word_entries(section: dict[str, Any]) -> list[tuple[str, float]]:
    words: list[tuple[str, float]] = []
    for key, weight in _LISTS:
        words.extend((w, weight) for w in section.get(key, ()))
    words.extend((w, float(v)) for w, v in section.get("words", {}).items())
    return words


def _phrase_entries(section: dict[str, Any]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    lists = (("strong_phrases", STRONG), ("phrases", PHRASE), ("problems", PHRASE), ("weak_phrases", WEAK_PHRASE))
    for key, default in lists:
        phrases = section.get(key, ())
        if isinstance(phrases, dict):
            out.extend((p, float(v)) for p, v in phrases.items())
        else:
            out.extend((p, default) for p in phrases)
    return out


def _sequence_entries(section: dict[str, Any]) -> list[tuple[str, float]]:
    sequences = section.get("sequences", ())
    if isinstance(sequences, dict):
        return [(words, float(v)) for words, v in sequences.items()]
    return [(words, STRONG) for words in sequences]


def score_of(evidence: float) -> int:
    return round(100 * (1 - math.exp(-evidence / SCALE)))


class CategoryMatcher:
    """Ranks categories for a message. Build with :meth:`from_file` or :meth:`from_dict`."""

    def __init__(
        self,
        categories: list[Category],
        lexicon: Lexicon,
        cues: Lexicon | None = None,
        language: Language | None = None,
    ) -> None:
        self.categories = categories
        self.lexicon = lexicon
        self.cues = cues
        self.language = language or Language()
        self._slugs = {c.slug for c in categories}

    @classmethod
    def from_file(cls, path: Path, language: Language | None = None) -> CategoryMatcher:
        """The matcher for a categories file; ``language`` defaults to the language files beside it."""
        path = Path(path)
        if language is None:
            language = Language.from_directory(path.parent)
        with path.open("rb") as fh:
            return cls.from_dict(tomllib.load(fh), language)

    @classmethod
    def from_dict(cls, data: dict[str, Any], language: Language | None = None) -> CategoryMatcher:
        """The matcher for parsed categories (``[[category]]`` and ``[out_of_scope]``) read with ``language``."""
        language = language or Language()
        categories: list[Category] = []
        entries: dict[str, list[tuple[str, float]]] = {}
        phrases: dict[str, list[tuple[str, float]]] = {}
        sequences: dict[str, list[tuple[str, float]]] = {}
        for section in data.get("category", ()):
            slug = section["slug"]
            categories.append(
                Category(
                    slug=slug,
                    emoji=section.get("emoji", ""),
                    for_volunteers=bool(section.get("for_volunteers", True)),
                    name=dict(section.get("name", {})),
                    description=dict(section.get("description", {})),
                )
            )
            entries[slug] = _word_entries(section)
            phrases[slug] = _phrase_entries(section)
            sequences[slug] = _sequence_entries(section)
        for label in (OUT_OF_SCOPE, SOCIAL):
            section = data.get(label, {})
            entries[label] = _word_entries(section)
            phrases[label] = _phrase_entries(section)
            sequences[label] = _sequence_entries(section)
        cues = None
        if language.request or language.problem:
            sections = {REQUEST: language.request, PROBLEM: language.problem}
            cues = Lexicon.build(
                {label: _word_entries(section) for label, section in sections.items()},
                {label: _phrase_entries(section) for label, section in sections.items()},
                language,
                {label: _sequence_entries(section) for label, section in sections.items()},
            )
        lexicon = Lexicon.build(entries, phrases, language, sequences)
        if cues is not None:
            cues.known = frozenset(lexicon.forms) | frozenset(lexicon.stems)
        return cls(categories, lexicon, cues, language)

    def asks_for_help(self, toks: list[str]) -> bool:
        """Whether the message asks for help or says something does not work out; always true without cues."""
        if self.cues is None:
            return True
        return any(v > 0 for v in self.cues.evidence(toks).values())

    def is_question(self, toks: list[str]) -> bool:
        """Whether the message opens (after a greeting) like an information question."""
        labels = self.lexicon.labels
        chit_chat = {labels.index(label) for label in (OUT_OF_SCOPE, SOCIAL) if label in labels}
        for tok in toks:
            hits = self.lexicon.resolve(tok)
            if hits and all(set(h.weights) <= chit_chat for h in hits):
                continue  # "hallo", "goedemorgen"
            return tok in self.language.question_openers
        return False

    def _out_of_scope(self, toks: list[str], top: float, oos: float, social: float, asks: bool) -> bool:
        if is_offer(toks, self.language):
            return True
        if top < OOS_OVERRIDE:
            oos += social  # "hallo, fijn" with one weak category word
        if asks:
            return oos >= top and (top < OOS_OVERRIDE or oos - top >= OOS_MARGIN)
        if is_statement(toks, self.language):
            return True
        if top <= QUESTION and self.is_question(toks):
            return True
        return oos > 0 and oos >= NO_CUE_SHARE * top

    def evidence(self, text: str) -> dict[str, float]:
        """Raw evidence per label (including ``out_of_scope``), for debugging and tuning."""
        labels = self.lexicon.labels
        toks = tokens(text)
        out = {labels[i]: round(v, 2) for i, v in self.lexicon.evidence(toks).items()}
        if self.cues is not None:
            cue = sum(self.cues.evidence(toks).values())
            if cue:
                out[REQUEST] = round(cue, 2)
        return out

    def match(self, text: str) -> list[tuple[str, int]]:
        """Ranked ``(slug, score 0-100)``, best first (the main need); ``[]`` when nothing fits."""
        return self.match_needs(text).matches

    def second_need(self, text: str) -> str | None:
        """A clear second need in the message (to offer as a further request), or None."""
        return self.match_needs(text).second

    def match_needs(self, text: str) -> MatchResult:
        """The ranked categories with the main need first, and a clear second need if the message has one."""
        language = self.language
        # Filler words of speech ("eh", "ehm") are dropped, so they do not keep a phrase's words apart.
        pieces = [
            Part([word for word in piece.words if word not in language.fillers], piece.sentence, piece.lead)
            for piece in parts(text, language.opens | language.reasons, language.questions, language.further_pairs)
        ]
        words = [piece.words for piece in pieces]
        toks = [token for piece in words for token in piece]
        if not toks:
            return MatchResult([])
        scan = self.lexicon.scan(words)
        cues = self.cues.scan(words) if self.cues is not None else None
        evidence = scan.total()
        ranked, oos = self._ranked(evidence)
        social = evidence.get(self.lexicon.labels.index(SOCIAL), 0.0)
        asks = cues is None or any(value > 0 for value in cues.total().values())
        if not ranked or self._out_of_scope(toks, ranked[0][0], oos, social, asks):
            return MatchResult([])
        # A part has no more evidence than the whole message: with one part, or with no other category as
        # strong as a need, the ranking already says everything.
        contested = len(pieces) > 1 and len(ranked) > 1 and ranked[1][0] >= NEED_EVIDENCE
        needs = (
            [need for i, piece in enumerate(pieces) if (need := self._need_in(piece, scan, cues, i)) is not None]
            if contested
            else []
        )
        main, second = main_and_second(needs, ranked[0][1])
        top = ranked[0][0]
        if main is not None and main != ranked[0][1] and self._goes_first(main, second, ranked, needs):
            # The need asked for goes first, at the top's score: "... woon ik alleen ... Wie gaat naar de Jumbo?"
            ranked = [(top, main), *(item for item in ranked if item[1] != main)]
        asked = {need.slug for need in needs if need.asks}
        result: list[tuple[str, int]] = []
        for rank, (value, slug) in enumerate(ranked[:MAX_RESULTS]):
            score = score_of(value)
            if score < POSSIBLE or (rank and value < SECONDARY_SHARE * top):
                break
            if rank == 0 and len(ranked) > 1 and ranked[1][0] >= AMBIGUOUS_SHARE * top:
                runner_up = ranked[1][1]
                # A close runner-up is a toss-up, unless the parts of the message tell them apart.
                if main is None or (runner_up in asked and runner_up != second):
                    score = min(score, CONFIDENT - 1)
            if result:
                score = min(score, result[-1][1])
            result.append((slug, score))
        found = {slug for slug, _ in result}
        return MatchResult(result, second if second in found else None)

    def _ranked(self, evidence: dict[int, float]) -> tuple[list[tuple[float, str]], float]:
        """``(evidence, slug)`` per category, best first, and the out-of-scope evidence."""
        labels = self.lexicon.labels
        oos = 0.0
        ranked: list[tuple[float, str]] = []
        for i, value in evidence.items():
            if labels[i] == OUT_OF_SCOPE:
                oos = value
            elif labels[i] in self._slugs:
                ranked.append((value, labels[i]))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        return ranked, oos

    @staticmethod
    def _goes_first(main: str, second: str | None, ranked: list[tuple[float, str]], needs: list[Need]) -> bool:
        """Whether the need asked for goes before the best category.

        It does when the best category is the second need, or is named only in other sentences (context:
        "Sinds mijn man is overleden ... Wie gaat voor mij naar de Jumbo?") and the whole message backs the need
        asked for. Named in the same sentence ("naar de dierenarts met mijn kat, wie kan mij brengen") the best
        category stays first.
        """
        top_value, top = ranked[0]
        if second == top:
            return True
        backing = next(value for value, slug in ranked if slug == main)
        sentence = next(need.sentence for need in needs if need.slug == main)
        return backing >= MAIN_SHARE * top_value and all(
            need.sentence != sentence for need in needs if need.slug == top
        )

    def _need_in(self, part: Part, scan: Scan, cues: Scan | None, index: int) -> Need | None:
        """The category part ``index`` of a message clearly names, if any."""
        piece = part.words
        ranked, _ = self._ranked(scan.part(index))
        if not ranked or ranked[0][0] < NEED_EVIDENCE:
            return None
        if len(ranked) > 1 and ranked[0][0] < NEED_LEAD * ranked[1][0]:
            return None
        asks, problem = True, False  # without cues every message asks
        if piece[0] in self.language.reasons:
            asks = False  # "... omdat mijn man een nieuw bed nodig heeft" explains, it does not ask
        elif cues is not None:
            found = cues.part(index)
            asks, problem = (found.get(cues.lexicon.labels.index(label), 0.0) > 0 for label in (REQUEST, PROBLEM))
        language = self.language
        # "En vrijdag moet ik naar de huisarts, wie kan mij brengen?": the whole sentence is a further need.
        further = (
            piece[0] in language.opens or part.lead in language.begins or any(token in language.also for token in piece)
        )
        return Need(ranked[0][1], asks, problem, further, part.sentence)
