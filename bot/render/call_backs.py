"""A call-back in words: the parts of the day a coordinator may phone, and when the call is due."""

from __future__ import annotations

from datetime import date

from bot.i18n import N_, Translator

PART_LABELS = {
    "morning": N_("in de ochtend"),
    "afternoon": N_("in de middag"),
    "any": N_("de hele dag"),
}


def call_moment(day: date, part: str, _: Translator) -> str:
    """ "maandag 30 november, in de ochtend": when a coordinator should call (not escaped)."""
    label = PART_LABELS.get(part)
    return _.day(day) + (", " + _(label) if label else "")
