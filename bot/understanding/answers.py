"""Typed answers where a button was expected: yes, no, "I don't know", a phone number, "waar kan ik terecht"."""

from __future__ import annotations

from .kinds import Intent
from .loaders import default_reader, default_vocabulary
from .patterns import PHONE_NUMBER

__all__ = ["PHONE_NUMBER", "asks_for_steunpunt", "is_dont_know", "is_no", "is_yes"]


def is_yes(text: str) -> bool:
    """ "ja", "Ja, graag", "klopt", "ok" and their typos."""
    return default_vocabulary().yes_or_no(text) is True


def is_no(text: str) -> bool:
    """ "nee", "Nee, dank u", "klopt niet", "nein" and their typos."""
    return default_vocabulary().yes_or_no(text) is False


def is_dont_know(text: str) -> bool:
    """ "weet ik niet", "geen idee", "keine Ahnung", "wees neet" and their typos."""
    return default_vocabulary().sounds_like_dont_know(text)


def asks_for_steunpunt(text: str) -> bool:
    """Whether free text asks where to go for help in the neighbourhood ("waar kan ik terecht?")."""
    return default_reader().says(Intent.STEUNPUNT, text)
