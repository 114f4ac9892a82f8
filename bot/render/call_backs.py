"""A call-back in words: the parts of the day a coordinator may phone."""

from __future__ import annotations

from bot.i18n import N_

PART_LABELS = {
    "morning": N_("in de ochtend"),
    "afternoon": N_("in de middag"),
    "any": N_("de hele dag"),
}
