"""Volunteers in words: their times and their offer."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.i18n import N_, Translator
from bot.render.requests import category_label
from bot.services.views import OfferView

DAYS = {
    "ma": N_("maandag"),
    "di": N_("dinsdag"),
    "wo": N_("woensdag"),
    "do": N_("donderdag"),
    "vr": N_("vrijdag"),
    "za": N_("zaterdag"),
    "zo": N_("zondag"),
}
PARTS = {"ochtend": N_("ochtend"), "middag": N_("middag"), "avond": N_("avond")}


def availability_text(keys: Iterable[str], _: Translator) -> str:
    """E.g. "maandag, woensdag · ochtend"; "altijd" when nothing was chosen."""
    chosen = list(keys)
    days = [_(DAYS[key]) for key in DAYS if key in chosen]
    parts = [_(PARTS[key]) for key in PARTS if key in chosen]
    return " · ".join(part for part in (", ".join(days), ", ".join(parts)) if part) or _("wanneer het uitkomt")


def offer_text(offer: OfferView, _: Translator) -> str:
    """A volunteer's offer in a few lines: what, where, when."""
    categories = [category_label(c, _) for c in offer.categories]
    lines = [
        "🧰 " + escape(", ".join(categories) or _("alles")),
        "📍 " + escape(", ".join(offer.place_names)),
        "🗓️ " + escape(availability_text(offer.availability, _)),
    ]
    if offer.reintegration:
        lines.append("📋 " + _("Via re-integratie (Kompas/UWV)"))
    return "\n".join(lines)
