"""Words of danger in the coordinators' words: what kind of danger a resident's message spoke of."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import N_, Translator

DANGER_LABELS = {
    "emergency": N_("noodgeval"),
    "medical": N_("medisch noodgeval"),
    "fall": N_("gevallen"),
    "fire": N_("brand of gas"),
    "violence": N_("geweld"),
    "suicide": N_("gedachten aan zelfdoding"),
    "abuse_neglect": N_("mishandeling of verwaarlozing"),
    "child": N_("een kind in gevaar"),
}


def danger_kinds_text(kinds: Iterable[str], _: Translator) -> str:
    """ "gevallen, medisch noodgeval": the kinds of danger, in words (not escaped)."""
    return ", ".join(_(DANGER_LABELS[kind]) if kind in DANGER_LABELS else kind for kind in kinds)
