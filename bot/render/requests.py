"""Texts and buttons about requests that more than one place sends: cards, summaries, contacts and labels."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.buttons import Claim, Done, Release
from bot.i18n import N_, Translator
from bot.privacy import redact
from bot.render.keyboards import button_rows
from bot.services.catalogue import CategoryView
from bot.services.views import ContactView, RequestView

ANY_TIME = N_("Maakt niet uit")
# A message holds 4,096 characters; a request keeps 1,000 of the resident's own.
MAX_DETAILS_SHOWN = 1000
NAME_LIMIT = 64  # Telegram's own limit for names; stored values could be longer only if forged
WHEN_LABELS = {
    "today": N_("Vandaag"),
    "tomorrow": N_("Morgen"),
    "week": N_("Deze week"),
    "any": ANY_TIME,
}


def category_label(category: CategoryView, _: Translator) -> str:
    """Emoji and name of a category in the reader's language."""
    name = category.names.get(_.locale) or category.names.get("nl") or category.slug
    return f"{category.emoji} {name}".strip()


def when_text(request: RequestView, _: Translator) -> str:
    """When help is wanted, e.g. "Morgen (dinsdag 24 november)"."""
    if request.when_kind in WHEN_LABELS:
        label = _(WHEN_LABELS[request.when_kind])
        return f"{label} ({_.day(request.when_date)})" if request.when_date else label
    return _.day(request.when_date) if request.when_date else _(ANY_TIME)


def helper_name(name: str, _: Translator) -> str:
    """A helper's first name, or "Een vrijwilliger" when it is unknown."""
    return name or _("Een vrijwilliger")


def request_card(request: RequestView, _: Translator, helper: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The card volunteers see in their group: no name, no contact, redacted details."""
    lines = [
        f"{escape(category_label(request.category, _))} · <b>{escape(request.place_name)}</b>",
        "📅 " + escape(when_text(request, _)),
    ]
    if request.details:
        lines.append("💬 " + escape(redact(request.details)))
    if helper is not None:
        lines.append("")
        lines.append("✅ " + _("{name} helpt al. Dank u wel!").format(name=escape(helper)))
        return "\n".join(lines), InlineKeyboardMarkup([])
    lines.append("")
    lines.append(_("Kunt u helpen? Druk op de knop."))
    return "\n".join(lines), claim_keyboard(request.id, _)


def claim_keyboard(request_id: int, _: Translator) -> InlineKeyboardMarkup:
    """The "Ik help" button under a card or a bump."""
    return button_rows([("🙋 " + _("Ik help"), Claim(request_id))])


def withdrawn_card(request: RequestView, _: Translator, *, bare: bool) -> str:
    """The card of a withdrawn request; `bare` leaves out even category and place."""
    if bare:
        return "🗑️ " + _("Deze vraag is ingetrokken. Dank u wel!")
    return "\n".join(
        [
            f"{escape(category_label(request.category, _))} · <b>{escape(request.place_name)}</b>",
            "",
            "❌ " + _("Deze vraag is ingetrokken. Er is geen hulp meer nodig."),
        ]
    )


def summary(request: RequestView, _: Translator) -> str:
    """What the resident asked, for the resident and the volunteer."""
    lines = [
        f"{escape(category_label(request.category, _))} · {escape(request.place_name)}",
        "📅 " + escape(when_text(request, _)),
    ]
    if request.details:
        lines.append("💬 " + escape(request.details[:MAX_DETAILS_SHOWN]))
    return "\n".join(lines)


def contact_html(contact: ContactView, _: Translator) -> str:
    """How to reach a user: a mention link, @username and phone where known."""
    name = (contact.first_name or _("Bewoner"))[:NAME_LIMIT]
    parts = [f'<a href="tg://user?id={contact.user_id}">{escape(name)}</a>']
    if contact.username:
        parts.append("@" + escape(contact.username[:NAME_LIMIT]))
    if contact.phone:
        parts.append("📞 " + escape(contact.phone[:NAME_LIMIT]))
    return " · ".join(parts)


def lifecycle_keyboard(request_id: int, _: Translator) -> InlineKeyboardMarkup:
    """The buttons under a claimed request in the volunteer's private chat."""
    buttons = [("✅ " + _("Gedaan"), Done(request_id)), ("↩️ " + _("Ik kan toch niet"), Release(request_id))]
    return button_rows(buttons)


def helper_details(request: RequestView, resident: ContactView | None, _: Translator) -> str:
    """What a volunteer who claimed a request gets: the request, for whom, and whom to contact."""
    return "\n\n".join(
        [
            "🤝 <b>" + _("Dank u wel! U helpt met deze vraag:") + "</b>",
            summary(request, _),
            *(
                ["👪 " + _("Voor: {name}").format(name=escape(request.on_behalf_name))]
                if request.on_behalf_name
                else []
            ),
            _("Neem contact op met:") + " " + (contact_html(resident, _) if resident else _("(onbekend)")),
        ]
    )
