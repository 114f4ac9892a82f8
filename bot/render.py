"""Texts and buttons that more than one place sends: request cards and their labels."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, Translator
from bot.privacy import redact
from db.models import Category, HelpRequest, Neighbourhood

ANY_TIME = N_("Maakt niet uit")
# A message holds 4,096 characters; a request keeps 1,000 of the resident's own.
MAX_DETAILS_SHOWN = 1000
WHEN_LABELS = {
    "today": N_("Vandaag"),
    "tomorrow": N_("Morgen"),
    "week": N_("Deze week"),
    "any": ANY_TIME,
}


def category_label(category: Category, _: Translator) -> str:
    """Emoji and name of a category in the reader's language."""
    name = category.names.get(_.locale) or category.names.get("nl") or category.slug
    return f"{category.emoji} {name}".strip()


def when_text(request: HelpRequest, _: Translator) -> str:
    """When help is wanted, e.g. "Morgen (dinsdag 24 november)"."""
    if request.when_kind in WHEN_LABELS:
        label = _(WHEN_LABELS[request.when_kind])
        return f"{label} ({_.day(request.when_date)})" if request.when_date else label
    return _.day(request.when_date) if request.when_date else _(ANY_TIME)


def request_card(
    request: HelpRequest,
    category: Category,
    place: Neighbourhood,
    _: Translator,
    helper_name: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The card volunteers see in their group: no name, no contact, redacted details."""
    lines = [
        f"{escape(category_label(category, _))} · <b>{escape(place.name)}</b>",
        "📅 " + escape(when_text(request, _)),
    ]
    if request.details:
        lines.append("💬 " + escape(redact(request.details)))
    if helper_name is not None:
        lines.append("")
        lines.append("✅ " + _("{name} helpt al. Dank u wel!").format(name=escape(helper_name)))
        return "\n".join(lines), InlineKeyboardMarkup([])
    lines.append("")
    lines.append(_("Kunt u helpen? Druk op de knop."))
    button = InlineKeyboardButton("🙋 " + _("Ik help"), callback_data=f"claim:{request.id}")
    return "\n".join(lines), InlineKeyboardMarkup([[button]])


def summary(request: HelpRequest, category: Category, place: Neighbourhood, _: Translator) -> str:
    """What the resident asked, for the resident and the volunteer."""
    lines = [
        f"{escape(category_label(category, _))} · {escape(place.name)}",
        "📅 " + escape(when_text(request, _)),
    ]
    if request.details:
        lines.append("💬 " + escape(request.details[:MAX_DETAILS_SHOWN]))
    return "\n".join(lines)
