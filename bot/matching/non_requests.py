"""Messages that name a category's words but ask for nothing: news and offers of help.

News: "ik heb vandaag de hele zolder opgeruimd", "mijn hond heeft zijn diploma gehaald", "vandaag heerlijk met de
hond gewandeld" name a category's words but ask nothing. Such a message has a past participle with an auxiliary
or a time gone by ("vandaag", "gisteren") and no sign of a need: no help cue (checked by the caller), no negation
("het gras is niet gemaaid"), no modal or future verb ("de hond moet uitgelaten worden", "de kast wordt
geleverd") and no participle of trouble ("gevallen", "vastgelopen"). The word lists are the [statements]
section of language.toml; the shape of a participle is a spelling rule and stays here.

An offer: "ik kan wel boodschappen doen voor iemand", "ik wil graag klusjes doen voor ouderen in de buurt"
is written in the first person, does a task for someone else ("voor iemand", "bij ouderen": the [offers]
section) and asks nobody for anything before that ("wie kan voor iemand ..." asks).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .language import Language

__all__ = ["is_offer", "is_statement"]


@lru_cache(maxsize=4)
def _participle(particles: frozenset[str]) -> re.Pattern[str]:
    """ge- ... -d/-t/-en, after a separable particle or not: "gekocht", "opgeruimd", "schoongemaakt"."""
    prefix = "|".join(sorted(particles, key=len, reverse=True))
    return re.compile(rf"^(?:{prefix})?ge[a-z]{{2,}}(?:d|t|en)$")


def is_statement(toks: list[str], language: Language) -> bool:
    """Whether the tokens tell what happened, with nothing that needs doing (the caller checks help cues)."""
    words = set(toks)
    if not words & (language.auxiliaries | language.times) or words & (language.modals | language.negations):
        return False
    pattern = _participle(language.particles)
    return any(pattern.match(word) and word not in language.troubles for word in toks)


def is_offer(toks: list[str], language: Language) -> bool:
    """Whether the writer offers to do something for others rather than asking for it."""
    words = set(toks)
    if not words & language.first_person:
        return False
    starts = language.beneficiary_words
    at = next(
        (
            i
            for i, word in enumerate(toks)
            if word in starts and any(tuple(toks[i : i + len(seq)]) == seq for seq in language.for_others)
        ),
        None,
    )
    # After "voor iemand" comes what the other needs; only a question before it makes this a request.
    return at is not None and not any(word in language.askers for word in toks[:at])
