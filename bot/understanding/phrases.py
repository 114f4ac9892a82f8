"""Find the phrases of the data files in a message: word order, small gaps, typos, stems, wildcards.

A phrase is written as people say it: ``"bel mij|me terug"`` (words in this order, ``|`` between the
choices for one word, at most ``GAP`` other words in between), ``"kind|baby + geslagen|alleen thuis"``
(parts close together in any order, within ``NEAR`` words), ``"hallo*"`` / ``"*steunpunt"`` (a word
that starts or ends like this). A message word matches a phrase word when it is the same word, has
the same Dutch stem, is a dialect spelling of it (the ``[dialect]`` table of language.toml), starts
or ends as its wildcard says, or is a typo of a long word (one edit for six letters or more, two from
nine). All phrases of all labels share one index, so each message word is looked up once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matching.normalise import stem, tokens

#: Other words allowed between two words of a phrase ("kunt u mij even terugbellen").
GAP = 2
#: Parts of a "a + b" phrase lie within this many words of each other.
NEAR = 12
# Typo tolerance: one edit from six letters, two from nine (then the first two letters must agree).
FUZZY_MIN = 6
FUZZY_TWO = 9
# Stems of shorter words collide too often ("wil" / "wild").
STEM_MIN = 4
_CACHE_LIMIT = 50_000

Ref = tuple[int, int, int]  # phrase id, part, slot


@dataclass(frozen=True, slots=True)
class Found:
    """One phrase found in a message: its label and the word positions it covers."""

    label: Hashable
    start: int
    end: int
    positions: frozenset[int]

    def gap_to(self, other: Found) -> int:
        """Words between the two spans; 0 when they touch or overlap."""
        return max(0, other.start - self.end - 1, self.start - other.end - 1)


@dataclass(frozen=True, slots=True)
class _Phrase:
    label: Hashable
    parts: tuple[int, ...]  # per part: the number of its slots (words)
    anchor: tuple[int, int]  # (part, slot) of its rarest word: a message without it cannot hold the phrase


@dataclass
class PhraseBook:
    """Every phrase of every label, indexed by word. Build with :meth:`build`."""

    phrases: list[_Phrase] = field(default_factory=list)
    exact: dict[str, list[Ref]] = field(default_factory=lambda: defaultdict(list))
    stems: dict[str, list[Ref]] = field(default_factory=lambda: defaultdict(list))
    prefixes: list[tuple[str, Ref]] = field(default_factory=list)
    suffixes: list[tuple[str, Ref]] = field(default_factory=list)
    infixes: list[tuple[str, Ref]] = field(default_factory=list)
    fuzzy_pool: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    rewrites: Mapping[str, Sequence[str]] = field(default_factory=dict)
    known: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()  # words without evidence (language.toml): never a typo, common
    anchors: set[Ref] = field(default_factory=set)
    _cache: dict[str, tuple[frozenset[Ref], frozenset[int]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[Hashable, str]],
        rewrites: Mapping[str, Sequence[str]] | None = None,
        known: Iterable[str] = (),
        stopwords: Iterable[str] = (),
    ) -> PhraseBook:
        """``entries``: (label, phrase). ``rewrites``: dialect word -> standard words; ``known``: words never
        taken for a typo of a phrase word (they mean something else); ``stopwords``: words in every message."""
        book = cls(rewrites=dict(rewrites or {}), known=frozenset(known), stopwords=frozenset(stopwords))
        for label, text in entries:
            book._add(label, text)
        for form in book.exact:
            if len(form) >= FUZZY_MIN:
                book.fuzzy_pool[len(form)].append(form)
        return book

    def _add(self, label: Hashable, text: str) -> None:
        pid = len(self.phrases)
        parts: list[int] = []
        rarity: dict[tuple[int, int], int] = {}
        for part_index, part in enumerate(text.split(" + ")):
            # A word of one letter ("dank u", "s morgens") is dropped, as it is from messages; so is a slot
            # with such a choice ("u|jullie").
            slots = [word.split("|") for word in part.split()]
            slots = [alternatives for alternatives in slots if all(_word(a) for a in alternatives)]
            if not slots:
                raise ValueError(f"{label}: {text!r} has a part without a word of two letters or more")
            for slot, alternatives in enumerate(slots):
                for alternative in alternatives:
                    self._add_word(alternative, (pid, part_index, slot), label, text)
                rarity[(part_index, slot)] = -sum(_commonness(a, self.stopwords) for a in alternatives)
            parts.append(len(slots))
        anchor = max(rarity, key=rarity.__getitem__)
        self.anchors.add((pid, *anchor))
        self.phrases.append(_Phrase(label, tuple(parts), anchor))

    def _add_word(self, alternative: str, ref: Ref, label: Hashable, text: str) -> None:
        word = _word(alternative)
        if len(tokens(alternative.strip("*"))) > 1:
            raise ValueError(f"{label}: {alternative!r} in {text!r} is more than one word")
        if alternative.startswith("*") and alternative.endswith("*") and len(alternative) > 2:
            self.infixes.append((word, ref))
        elif alternative.endswith("*"):
            self.prefixes.append((word, ref))
        elif alternative.startswith("*"):
            self.suffixes.append((word, ref))
        else:
            self.exact[word].append(ref)
            if len(word) >= STEM_MIN:
                self.stems[_stem_key(word)].append(ref)

    # ------------------------------------------------------------------ words
    def resolve(self, word: str) -> tuple[frozenset[Ref], frozenset[int]]:
        """Every (phrase, part, slot) a message word can fill, and the phrases whose anchor it is (cached)."""
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            refs = frozenset(self._resolve(word))
            cached = self._cache[word] = (refs, frozenset(ref[0] for ref in refs & self.anchors))
        return cached

    def _resolve(self, word: str) -> set[Ref]:
        refs: set[Ref] = set()
        for form in (word, *self.rewrites.get(word, ())):
            refs.update(self.exact.get(form, ()))
            if len(form) >= STEM_MIN and form not in self.stopwords:
                # A word in every message only counts as itself, not by its stem ("weinig" is no "weinen");
                # a participle also fills the words of its verb ("geslapen": "slapen").
                refs.update(self.stems.get(stem(form), ()))
                refs.update(self.stems.get(_stem_key(form), ()))
        for affixes, fits in (
            (self.prefixes, word.startswith),
            (self.suffixes, word.endswith),
            (self.infixes, word.__contains__),
        ):
            refs.update(ref for affix, ref in affixes if fits(affix))
        if not refs and len(word) >= FUZZY_MIN and word not in self.stopwords and word not in self.known:
            refs.update(self._fuzzy(word))
        return refs

    def _fuzzy(self, word: str) -> list[Ref]:
        n = len(word)
        limit = 2 if n >= FUZZY_TWO else 1
        pool = [form for size in range(n - limit, n + limit + 1) for form in self.fuzzy_pool.get(size, ())]
        best = process.extractOne(word, pool, scorer=OSA.distance, score_cutoff=limit) if pool else None
        if best is None:
            return []
        form, distance, _ = best
        if form[0] != word[0] or (distance == 2 and form[:2] != word[:2]):
            return []
        return self.exact[form]

    # ------------------------------------------------------------------ messages
    def find(self, words: Sequence[str]) -> list[Found]:
        """Every phrase found in the tokenised message, at most once per phrase and start."""
        resolved = [self.resolve(word) for word in words]
        candidates = frozenset().union(*(anchored for _, anchored in resolved))
        hits: dict[int, dict[tuple[int, int], list[int]]] = {}
        for position, (refs, _) in enumerate(resolved):
            for pid, part, slot in refs:
                if pid in candidates:
                    hits.setdefault(pid, {}).setdefault((part, slot), []).append(position)
        found: list[Found] = []
        for pid in sorted(hits):
            phrase, positions = self.phrases[pid], hits[pid]
            if len(positions) < sum(phrase.parts):
                continue  # some word of the phrase is not in the message
            occurrences = [
                _ordered([positions[(part, slot)] for slot in range(size)]) for part, size in enumerate(phrase.parts)
            ]
            if not all(occurrences):
                continue
            if len(occurrences) == 1:
                found.extend(Found(phrase.label, min(p), max(p), frozenset(p)) for p in occurrences[0])
                continue
            for combination in product(*occurrences):
                covered = frozenset().union(*combination)
                if max(covered) - min(covered) <= NEAR:
                    found.append(Found(phrase.label, min(covered), max(covered), covered))
                    break
        return found


def _stem_key(word: str) -> str:
    """The stem, marked when the stemmer took off the "ge" of a participle: "geschopt" (kicked) is no "schop"
    (a shovel), "gesmeten" no "Smeets"."""
    key = stem(word)
    return f"ge-{key}" if word.startswith("ge") and not key.startswith("ge") else key


def _commonness(alternative: str, stopwords: frozenset[str]) -> int:
    """How often a phrase word is in messages, roughly: function words and wildcards often, others rarely."""
    word = _word(alternative)
    return 1 if word in stopwords or len(word) <= 3 or "*" in alternative else 0


def _word(alternative: str) -> str:
    """The normalised word of one choice ("Hallo*" -> "hallo"); "" for a single letter."""
    found = tokens(alternative.strip("*"))
    return found[0] if found else ""


def _ordered(slots: Sequence[list[int]]) -> list[tuple[int, ...]]:
    """Occurrences of one part: a position per slot, increasing, at most GAP words apart."""
    size = len(slots)
    out: list[tuple[int, ...]] = []

    def extend(chosen: tuple[int, ...]) -> bool:
        if len(chosen) == size:
            out.append(chosen)
            return True
        last = chosen[-1]
        return any(extend((*chosen, position)) for position in slots[len(chosen)] if last < position <= last + GAP + 1)

    for start in slots[0]:
        extend((start,))
    return out


def with_groups(phrase: str, groups: Mapping[str, Sequence[str]], source: str, used: set[str]) -> str:
    """ "@child + geslagen" -> "kind|kindje|baby + geslagen" (a group of single words); notes the names used."""

    def expand(alternative: str) -> str:
        if not alternative.startswith("@"):
            return alternative
        name = alternative[1:]
        if name not in groups:
            raise ValueError(f"{source}: {phrase!r} names an unknown group @{name}")
        if any(len(word.split()) != 1 for word in groups[name]):
            raise ValueError(f"{source}: @{name} in {phrase!r} has phrases of more than one word")
        used.add(name)
        return "|".join(groups[name])

    return " ".join("|".join(expand(a) for a in word.split("|")) for word in phrase.split(" "))


def phrase_list(name: str, items: Any) -> tuple[str, ...]:
    """A list from a data file, checked: not empty, only non-blank strings."""
    if not items or not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise ValueError(f"{name}: expected a non-empty list of words or phrases")
    return tuple(items)
