"""Typed answers where a button was expected: yes, no, "I don't know", in Dutch, English, German and dialect."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

# A typed telephone number: digits with spaces, dots, dashes or brackets, optionally starting with "+".
PHONE_NUMBER = re.compile(r"^\+?[\d\s().-]{9,20}$")

_YES = ("ja", "jawel", "jazeker", "klopt", "dat klopt", "goed", "ok", "oke", "prima", "yes", "yep", "sure", "jo", "jao")
_NO = ("nee", "neen", "nein", "no", "nope", "klopt niet", "dat klopt niet", "neet", "nae")
_DONT_KNOW = (
    "weet ik niet",
    "ik weet het niet",
    "weet niet",
    "geen idee",
    "geen flauw idee",
    "ik snap het niet",
    "begrijp het niet",
    "help",
    "i dont know",
    "dont know",
    "no idea",
    "weiss nicht",
    "ich weiss nicht",
    "keine ahnung",
    "wees neet",
    "ich wees neet",
    "weet neet",
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    text = text.replace("ß", "ss")
    return re.sub(r"[^a-z ]+", " ", text).strip()


def _is(text: str, phrases: tuple[str, ...], cutoff: int) -> bool:
    cleaned = _normalise(text)
    if not cleaned or len(cleaned) > 40:
        return False
    return process.extractOne(cleaned, phrases, scorer=fuzz.ratio, score_cutoff=cutoff) is not None


def _yes_or_no(text: str) -> bool | None:
    """True for yes, False for no, judged on the first words ("Ja, graag", "Nee, dank u"); None if neither.

    Each phrase is compared with as many leading words as it has; on a tie the longer phrase wins,
    so "klopt niet" is a no although it starts with "klopt".
    """
    words = _normalise(text).split()
    if not words or len(" ".join(words)) > 40:
        return None
    best: tuple[float, int, bool] | None = None
    for phrases, meaning in ((_YES, True), (_NO, False)):
        for phrase in phrases:
            size = len(phrase.split())
            score = fuzz.ratio(" ".join(words[:size]), phrase)
            if score >= 85 and (best is None or (score, size) > best[:2]):
                best = (score, size, meaning)
    return None if best is None else best[2]


def is_yes(text: str) -> bool:
    """ "ja", "Ja, graag", "klopt", "ok" and their typos."""
    return _yes_or_no(text) is True


def is_no(text: str) -> bool:
    """ "nee", "Nee, dank u", "klopt niet", "nein" and their typos."""
    return _yes_or_no(text) is False


def is_dont_know(text: str) -> bool:
    """ "weet ik niet", "geen idee", "keine Ahnung", "wees neet" and their typos."""
    return _is(text, _DONT_KNOW, 80)
