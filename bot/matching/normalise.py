"""Text normalisation shared by the category and place matchers.

Everything here is pure and cheap: folding (case, diacritics), tokenising (punctuation and numbers
dropped, an emoji becomes a word of its own, stretched letters "hellllp" squeezed), Dutch stemming
with a cache, and spelling-variant rules for Limburgish / German-ish spelling. The word lists (words
that carry no evidence, particles, dialect) are data: see :mod:`bot.matching.language`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

__all__ = [
    "EMOJI_PREFIX",
    "fold",
    "normalise",
    "spelling_variants",
    "stem",
    "tokens",
]

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ĳ": "ij", "’": "'", "‘": "'", "`": "'"})
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_ARTICLE = re.compile(r"(?:(?<=\bzo)|(?<![a-z]))'n\b")  # "zo'n", "'n" (een)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_DIGITS = re.compile(r"[0-9]+")


def fold(text: str) -> str:
    """Lower-case and strip diacritics: "Überlast Café" -> "uberlast cafe"."""
    text = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Folded text as space separated word tokens.

    The article "'n" is "een" ("zo'n" -> "zo een", not the sun), other apostrophes inside words
    disappear ("auto's" -> "autos", "d'r" -> "dr"), every other
    non-letter (punctuation, emoji) becomes a space, letters repeated three or more times are
    squeezed to one ("hellllp" -> "help"), digits are dropped ("2x" -> "x", "85" -> "").
    """
    text = _APOSTROPHE.sub("", _ARTICLE.sub(" een", fold(text)))
    text = _NON_WORD.sub(" ", text)
    text = _STRETCH.sub(r"\1", text)
    text = _DIGITS.sub(" ", text)
    return " ".join(text.split())


#: Emoji tokens start with this: "🐕" -> "emojidog", "🛒" -> "emojishoppingtrolley".
EMOJI_PREFIX = "emoji"


@lru_cache(maxsize=4096)
def _emoji_word(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f" {EMOJI_PREFIX}{''.join(c for c in name.lower() if 'a' <= c <= 'z')} " if name else " "


def _emoji_words(text: str) -> str:
    """Each pictograph (Unicode "So": 🛒 ❄ ☕ ✂ 👍) as a word, in place; skin tones, joiners dropped."""
    if text.isascii():
        return text
    return "".join(_emoji_word(ch) if unicodedata.category(ch) == "So" else ch for ch in text)


def tokens(text: str) -> list[str]:
    """Word tokens of ``text`` (see :func:`normalise`); single letters are dropped.

    Unlike :func:`normalise`, an emoji is kept as a word ("🐕 uitlaten?" -> ["emojidog", "uitlaten"]),
    so categories.toml can list emoji like words: people write "🛒 morgen?" instead of a sentence.
    """
    return [t for t in normalise(_emoji_words(text)).split() if len(t) > 1]


_STEMMER = snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Dutch Snowball stem of a folded token, cached."""
    return _STEMMER.stemWord(word)


# Spelling rules for Limburgish, German-ish and phonetic spelling. Each is tried alone and in
# combination with the others on a word the lexicon does not know.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"sj(?=[tpnlmk])"), "s"),  # sjtoep -> stoep, sjnee -> snee, sjpele -> spele
    (re.compile(r"sjw"), "zw"),  # sjwaar -> zwaar
    (re.compile(r"sj"), "sch"),  # boodsjappe -> boodschappe, sjoon -> schoon
    (re.compile(r"ie"), "ij"),  # mien -> mijn, tied -> tijd
    (re.compile(r"ei"), "ij"),  # reiden -> rijden, bleiven -> blijven
    (re.compile(r"oe"), "ui"),  # hoes -> huis, oet -> uit
    (re.compile(r"uu"), "ui"),  # kruud -> kruid, huus -> huis
    (re.compile(r"ao"), "aa"),  # laote -> laate, haole -> haale
    (re.compile(r"au"), "ou"),  # vrauw -> vrouw
    (re.compile(r"oo"), "o"),  # hoond -> hond
    (re.compile(r"ee"), "ei"),  # klee -> klei
    (re.compile(r"ck"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=[aeiou])ch$"), "g"),  # hech -> heg, wech -> weg
    (re.compile(r"(?<=[^e])e$"), "en"),  # boodschappe -> boodschappen, tille -> tillen
    (re.compile(r"(?<=[^e])e$"), ""),  # kaske -> kask
)


@lru_cache(maxsize=16384)
def spelling_variants(word: str) -> tuple[str, ...]:
    """Candidate standard spellings of a (dialect) word, most plausible first, without ``word``."""
    applicable = [(pattern, repl) for pattern, repl in _RULES if pattern.search(word)]
    seen = {word}
    out: list[str] = []
    frontier = [word]
    # Breadth first over rule combinations, at most three rules deep.
    for _depth in range(3):
        next_frontier: list[str] = []
        for current in frontier:
            for pattern, repl in applicable:
                variant = pattern.sub(repl, current)
                if variant not in seen and len(variant) > 1:
                    seen.add(variant)
                    out.append(variant)
                    next_frontier.append(variant)
        frontier = next_frontier
        if len(out) > 48:
            break
    return tuple(out)
