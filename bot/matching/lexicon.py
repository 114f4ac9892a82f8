"""The weighted lexicon and the token resolver (exact, stem, dialect, compound, fuzzy).

A :class:`Lexicon` holds, per label (a category slug), weighted single words and phrases. At load
time everything is normalised, stemmed and indexed; at match time each message token is resolved
through dictionary lookups first and only falls back to rapidfuzz for unknown words, with a small
per-token cache, so a message costs roughly "number of tokens" dictionary lookups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .language import Language
from .normalise import EMOJI_PREFIX, spelling_variants, stem, tokens

# Weights of the word lists in categories.toml.
STRONG = 5.0
MEDIUM = 3.0
WEAK = 1.5
PHRASE = 4.0
WEAK_PHRASE = 2.0

# Multipliers for indirect evidence.
VARIANT_FACTOR = 0.9  # dialect / spelling rule
COMPOUND_FACTOR = 0.9  # part of a compound word
PARTICLE_FACTOR = 1.0  # separable verb put back together
FUZZY_FACTOR = {1: 0.8, 2: 0.65}  # by edit distance

PHRASE_WINDOW = 10  # tokens between the first and last word of a phrase
# A multi-word entry ("niemand meer", "kan het niet meer aan") is one expression: its words may come in
# any order, but within (number of words + ENTRY_SLACK) tokens of each other, not anywhere in the
# message ("de deur niet meer uit en heeft niemand die voor haar naar de winkel gaat" is no "niemand meer").
ENTRY_SLACK = 1
_CACHE_LIMIT = 50_000

Weights = dict[int, float]  # label index -> weight


# Phrases of one category mostly say the same thing again ("hele dag alleen", "alleen thuis", "zit
# alleen thuis"): the strongest counts in full, each further one this share of the one before, so five
# loneliness phrases about a dog left at home do not bury the word "hond".
PHRASE_DECAY = 0.5


def _total(per_key: dict[str, float]) -> float:
    words = sum(v for k, v in per_key.items() if not k.startswith("#"))
    phrases = sorted((v for k, v in per_key.items() if k.startswith("#")), reverse=True)
    return words + sum(v * PHRASE_DECAY**i for i, v in enumerate(phrases))


@dataclass(slots=True)
class Hit:
    """One piece of evidence found in a message."""

    key: str  # stem of the lexicon word, used for phrases
    weights: Mapping[int, float]
    factor: float


@dataclass(slots=True)
class Scan:
    """The evidence found in one message: each hit at its position and where each key occurs, per part."""

    lexicon: Lexicon
    hits: list[tuple[int, Hit]]
    positions: dict[str, list[int]]
    part_hits: list[list[tuple[int, Hit]]]  # the same, per part
    part_positions: list[dict[str, list[int]]]
    phrases: set[int] | None = None  # the phrases found in the whole message, once total() ran

    def total(self) -> dict[int, float]:
        """Evidence per label in the whole message."""
        evidence, self.phrases = self._sum(self.hits, self.positions, None)
        return evidence

    def part(self, index: int) -> dict[int, float]:
        """Evidence per label in one part: its own words and phrases only."""
        if self.phrases is None:
            self.total()
        # A phrase a part holds is one the whole message holds.
        return self._sum(self.part_hits[index], self.part_positions[index], self.phrases)[0]

    def _sum(
        self, hits: list[tuple[int, Hit]], positions: dict[str, list[int]], candidates: set[int] | None
    ) -> tuple[dict[int, float], set[int]]:
        best: dict[int, dict[str, float]] = defaultdict(dict)
        for _pos, hit in hits:
            for label, weight in hit.weights.items():
                per_key = best[label]
                value = weight * hit.factor
                if value > per_key.get(hit.key, 0.0):
                    per_key[hit.key] = value
        found = self.lexicon.match_phrases(positions, best, candidates)
        return {label: _total(per_key) for label, per_key in best.items()}, found


@dataclass(slots=True)
class Phrase:
    label: int
    weight: float
    slots: tuple[frozenset[str], ...]  # every slot needs one of its stems in the message
    key: str = ""  # evidence key; a multi-word entry shares it with its joined form (counted once)


@dataclass
class Lexicon:
    labels: list[str]
    forms: dict[str, Weights] = field(default_factory=dict)  # normalised word -> weights
    stems: dict[str, Weights] = field(default_factory=dict)  # stem -> weights
    form_key: dict[str, str] = field(default_factory=dict)  # normalised word -> its key (stem)
    phrases: list[Phrase] = field(default_factory=list)
    phrase_index: dict[str, list[int]] = field(default_factory=dict)  # stem -> phrase ids
    # Word sequences that only count in this order, word after word ("te koop", "dank aan"): first word ->
    # (the words, label, weight).
    sequences: dict[str, list[tuple[tuple[str, ...], int, float]]] = field(default_factory=dict)
    rewrites: dict[str, list[str]] = field(default_factory=dict)  # dialect / abbreviation -> words
    stopwords: frozenset[str] = frozenset()  # words that carry no evidence unless listed exactly
    particles: frozenset[str] = frozenset()  # separable-verb particles: "laat de hond uit"
    particle_verbs: frozenset[str] = frozenset()  # stopwords that still join a particle ("laat", "haal")
    # Words known elsewhere (the categories, for the help-cue lexicon): never split or fuzzy-matched.
    known: frozenset[str] = frozenset()
    _fuzzy_pool: dict[int, list[str]] = field(default_factory=dict)
    _cache: dict[str, tuple[Hit, ...]] = field(default_factory=dict)

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        entries: Mapping[str, Iterable[tuple[str, float]]],
        phrases: Mapping[str, Iterable[tuple[str, float]]] = (),  # type: ignore[assignment]
        language: Language | None = None,
        sequences: Mapping[str, Iterable[tuple[str, float]]] = (),  # type: ignore[assignment]
    ) -> Lexicon:
        """``entries``: label -> (word, weight); multi-word entries become phrases.

        ``phrases``: label -> (phrase, weight) where a phrase is space separated slots and each
        slot is "|"-separated alternatives. ``sequences``: label -> (words, weight), words that count
        only in this order, one after the other. ``language``: the words without evidence, the
        particles and the dialect and abbreviation rewrites.
        """
        language = language or Language()
        lex = cls(
            labels=list(entries),
            stopwords=language.stopwords,
            particles=language.particles,
            particle_verbs=language.particle_verbs,
        )
        index = {label: i for i, label in enumerate(lex.labels)}
        for source, target in language.rewrites.items():
            src = tokens(source)
            if len(src) == 1:
                lex.rewrites[src[0]] = tokens(target)
        for label, words in entries.items():
            li = index[label]
            for word, weight in words:
                toks = lex._expand(tokens(word))
                if len(toks) == 1:
                    lex._add_word(toks[0], li, weight)
                elif toks:
                    joined = "".join(toks)  # "albert heijn" -> "albertheijn"
                    lex._add_word(joined, li, weight)
                    # Typed together or apart, close together (ENTRY_SLACK): one piece of evidence, not two.
                    lex._add_phrase(li, weight, [[t] for t in toks], key=lex.form_key[joined])
        for label, items in dict(sequences or {}).items():
            for text, weight in items:
                words = tuple(lex._expand(tokens(text)))
                if words:
                    lex.sequences.setdefault(words[0], []).append((words, index[label], weight))
        for label, items in dict(phrases or {}).items():
            li = index.setdefault(label, len(lex.labels))
            if li == len(lex.labels):
                lex.labels.append(label)
            for text, weight in items:
                slots = [lex._expand(tokens(alt.replace("|", " "))) for alt in text.split()]
                slots = [s for s in slots if s]
                if slots:
                    lex._add_phrase(li, weight, slots)
        # A place name is no evidence, unless it is also a word here ("lange" in Langeberg, "gras" in Grasbroek).
        lex.stopwords |= frozenset(word for word in language.places if lex.lookup(word) is None)
        pool: dict[int, list[str]] = defaultdict(list)
        for form in lex.forms:
            if len(form) >= 4:
                pool[len(form)].append(form)
        lex._fuzzy_pool = dict(pool)
        return lex

    def _expand(self, toks: list[str]) -> list[str]:
        out: list[str] = []
        for t in toks:
            out.extend(self.rewrites.get(t, (t,)))
        return out

    def _add_word(self, form: str, label: int, weight: float) -> None:
        key = stem(form)
        for table, k in ((self.forms, form), (self.stems, key)):
            slot = table.setdefault(k, {})
            slot[label] = max(slot.get(label, 0.0), weight)
        self.form_key.setdefault(form, key)

    def _add_phrase(self, label: int, weight: float, slots: list[list[str]], key: str = "") -> None:
        stems = tuple(frozenset(stem(t) for t in slot) for slot in slots)
        pid = len(self.phrases)
        self.phrases.append(Phrase(label, weight, stems, key))
        for s in stems[0]:
            self.phrase_index.setdefault(s, []).append(pid)

    # ------------------------------------------------------------------ resolving
    def lookup(self, word: str) -> Hit | None:
        """Exact lookup: the word itself, its stem, or its stem without a verb ending -t/-d.

        Without the ending a doubled last letter is undoubled too, as the stemmer does ("aufpasst" ->
        "aufpas", the stem of "aufpassen"); a last f/s may be the v/z of the stem ("geef" -> "gev").
        """
        weights = self.forms.get(word)
        if weights is not None:
            return Hit(self.form_key[word], weights, 1.0)
        key = stem(word)
        weights = self.stems.get(key)
        if weights is not None:
            return Hit(key, weights, 1.0)
        if len(key) > 4 and key[-1] in "td":
            base = key[:-1]
            for candidate in (base, base[:-1] if base[-1] == base[-2] else None):
                weights = self.stems.get(candidate) if candidate else None
                if weights is not None:
                    return Hit(candidate, weights, 1.0)
        if len(key) > 3 and key[-1] in "fs":
            # A verb form ends in f/s where the stem has v/z: "geef" (geven), "verhuis" (verhuizen).
            base = key[:-2] if key[-2] == key[-3] else key[:-1]
            candidate = base + ("v" if key[-1] == "f" else "z")
            weights = self.stems.get(candidate)
            if weights is not None:
                return Hit(candidate, weights, 1.0)
        return None

    def resolve(self, word: str) -> tuple[Hit, ...]:
        """Evidence for one token (cached). Stopwords only count when they are lexicon words."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        hits = self._resolve(word)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = hits
        return hits

    def _resolve(self, word: str) -> tuple[Hit, ...]:
        if word in self.stopwords:
            # Only an exact lexicon entry counts ("alleen", "was"), not a stem collision
            # ("jaar" ~ "jarig", "zoon" ~ "zoontje").
            weights = self.forms.get(word)
            return (Hit(self.form_key[word], weights, 1.0),) if weights is not None else ()
        hit = self.lookup(word)
        if hit is not None:
            return (hit,)
        if len(word) < 4 or word.startswith(EMOJI_PREFIX) or word in self.known:
            # An emoji is listed or means nothing; a word the other lexicon knows is not a typo
            # ("gekocht" is not "gezocht").
            return ()
        for variant in spelling_variants(word):
            hit = self.lookup(variant)
            if hit is not None:
                return (Hit(hit.key, hit.weights, VARIANT_FACTOR),)
        parts = self.split_compound(word)
        if parts:
            return tuple(Hit(h.key, h.weights, COMPOUND_FACTOR) for h in parts)
        return self.fuzzy(word)

    def split_compound(self, word: str, depth: int = 0) -> list[Hit]:
        """Split a compound against the lexicon: "boodschappenlijstje", "hondenuitlater".

        Longest known prefix first (with linking -s-/-e-/-en- tolerated), then the rest
        recursively; failing that the longest known head (suffix) of at least four letters.
        """
        n = len(word)
        partial: list[Hit] = []
        for i in range(n - 3, 2, -1):
            # A three-letter head must be a lexicon word itself ("bed", "kat"), not just share a stem
            # with one ("zel" is the Snowball stem of "gezellig", not the start of "zelfgemaakt").
            head = self.lookup(word[:i]) if i > 3 or word[:i] in self.forms else None
            if head is None or (len(head.key) < 4 and head.key not in self.forms and word[:i] not in self.forms):
                # Nor a four-letter start whose stem is a three-letter word's ("hers" -> "her", the
                # stem of "herder": "herstellende" is no dog).
                continue
            rest = word[i:]
            for link in ("", "s", "en", "e"):
                if link and not rest.startswith(link):
                    continue
                tail = rest[len(link) :]
                if len(tail) < 3:
                    continue
                tail_hit = self.lookup(tail)
                if tail_hit is not None:
                    return [head, tail_hit]
                if depth == 0 and len(tail) >= 6:
                    more = self.split_compound(tail, depth + 1)
                    if more:
                        return [head, *more]
            if not partial and i >= 4 and len(rest) >= 3:
                partial = [head]
        if partial:
            return partial
        for i in range(3, n - 3):
            # An unknown start needs a tail that is a word itself or long: "bloeddrukpillen" is pills, but
            # "freitagabend" is no "bende".
            tail = word[i:]
            tail_hit = self.lookup(tail) if tail in self.forms or len(tail) >= 6 else None
            if tail_hit is not None:
                return [tail_hit]
        return []

    def fuzzy(self, word: str) -> tuple[Hit, ...]:
        """Typo tolerance: optimal-string-alignment distance 1 (2 for words of 8+ letters)."""
        n = len(word)
        if n < 5:
            return ()
        max_dist = 2 if n >= 9 else 1
        pool: list[str] = []
        for length in range(n - max_dist, n + max_dist + 1):
            pool.extend(self._fuzzy_pool.get(length, ()))
        if not pool:
            return ()
        best = process.extractOne(word, pool, scorer=OSA.distance, score_cutoff=max_dist)
        if best is None:
            return ()
        form, dist, _ = best
        if dist == 0:
            dist = 1
        # A different first letter is a strong sign of a different word unless the word is long;
        # two edits are only trusted when the word starts the same.
        if (form[0] != word[0] and n < 7) or (dist == 2 and form[:2] != word[:2]):
            return ()
        return (Hit(self.form_key[form], self.forms[form], FUZZY_FACTOR[int(dist)]),)

    # ------------------------------------------------------------------ messages
    def evidence(self, toks: list[str]) -> dict[int, float]:
        """Sum of evidence per label over a tokenised message."""
        return self.scan([toks]).total()

    def scan(self, parts: list[list[str]]) -> Scan:
        """Every piece of evidence in a message given in parts (their tokens), found once for all of them."""
        toks: list[str] = []
        bounds: list[tuple[int, int]] = []
        for part in parts:
            expanded = self._expand(part)
            bounds.append((len(toks), len(toks) + len(expanded)))
            toks.extend(expanded)
        hits: list[tuple[int, Hit]] = []
        positions: dict[str, list[int]] = defaultdict(list)
        part_of = [index for index, (lo, hi) in enumerate(bounds) for _ in range(lo, hi)]
        part_hits: list[list[tuple[int, Hit]]] = [[] for _ in bounds]
        part_positions: list[dict[str, list[int]]] = [defaultdict(list) for _ in bounds]

        def add(hit: Hit, pos: int) -> None:
            positions[hit.key].append(pos)
            hits.append((pos, hit))
            part_positions[part_of[pos]][hit.key].append(pos)
            part_hits[part_of[pos]].append((pos, hit))

        for pos, tok in enumerate(toks):
            key = stem(tok)
            positions[key].append(pos)
            part_positions[part_of[pos]][key].append(pos)
            for hit in self.resolve(tok):
                add(hit, pos)
            for words, label, weight in self.sequences.get(tok, ()):
                if tuple(toks[pos : pos + len(words)]) == words:
                    add(Hit("=" + " ".join(words), {label: weight}, 1.0), pos)
            # Separable verbs: "laat de hond uit", "de hond uit te laten".
            if tok in self.particles:
                for other in toks[max(0, pos - 8) : pos] + toks[pos + 1 : pos + 4]:
                    if other in self.stopwords and other not in self.particle_verbs:
                        continue
                    hit = self.lookup(tok + other)
                    if hit is not None:
                        add(Hit(hit.key, hit.weights, PARTICLE_FACTOR), pos)
            # Words split by a space: "zieken huis".
            if pos + 1 < len(toks):
                joined = tok + toks[pos + 1]
                if len(joined) >= 7 and joined in self.forms:
                    add(Hit(self.form_key[joined], self.forms[joined], 1.0), pos)
        return Scan(self, hits, positions, part_hits, part_positions)

    def match_phrases(
        self, positions: dict[str, list[int]], best: dict[int, dict[str, float]], candidates: set[int] | None = None
    ) -> set[int]:
        """Add the phrases whose words are near enough in ``positions`` to ``best`` (label -> key -> value).

        Only ``candidates`` are tried when given (the phrases of the whole message, for one of its parts);
        returns the phrases found.
        """
        if candidates is None:
            candidates = {pid for key in positions for pid in self.phrase_index.get(key, ())}
        found: set[int] = set()
        for pid in candidates:
            phrase = self.phrases[pid]
            others = [[p for alt in slot for p in positions.get(alt, ())] for slot in phrase.slots[1:]]
            if not all(others):
                continue  # a word of the phrase is missing
            window = len(phrase.slots) + ENTRY_SLACK if phrase.key else PHRASE_WINDOW
            for anchor in (p for alt in phrase.slots[0] for p in positions.get(alt, ())):
                # Every other slot needs a word near the anchor, and not the anchor itself: one
                # word ("wassen") must not fill two slots ("was" + "wassen").
                if all(any(p != anchor and abs(p - anchor) <= window for p in slot) for slot in others):
                    found.add(pid)
                    per_key = best[phrase.label]
                    name = phrase.key or f"#phrase{pid}"
                    per_key[name] = max(per_key.get(name, 0.0), phrase.weight)
                    break
        return found
