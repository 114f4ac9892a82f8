"""The coordinators' inbox in words: one item with its age, request, person and note, and its buttons."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from babel.dates import format_timedelta
from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from bot.render.keyboards import button_rows
from bot.render.requests import contact_html, summary
from bot.services.inbox import ItemView
from db.models import InboxKind

KIND_LABELS = {
    InboxKind.ESCALATION: ("⏰", N_("Geen vrijwilliger gevonden")),
    InboxKind.ZORGVRAAG: ("🩺", N_("Zorgvraag")),
    InboxKind.NO_GROUP: ("📥", N_("Vraag zonder groep")),
    InboxKind.CALLBACK: ("📞", N_("Bel terug")),
    InboxKind.VOICE: ("🎤", N_("Spraakbericht")),
    InboxKind.PHOTO: ("📷", N_("Foto")),
    InboxKind.FEEDBACK: ("👎", N_("Klacht of opmerking")),
}


def age_text(created_at: datetime, now: datetime, _: Translator) -> str:
    """How long ago, in words: "2 uur geleden"."""
    age = now - created_at
    if age < timedelta(minutes=1):
        return _("zojuist")
    return format_timedelta(-age, add_direction=True, locale=_.locale)


def render_item(item: ItemView, now: datetime, _: Translator) -> str:
    """One inbox item as the coordinator sees it: what, how old, who, and any note."""
    emoji, label = KIND_LABELS.get(item.kind, ("📌", item.kind))
    lines = [f"{emoji} <b>{escape(_(label))}</b> #{item.id} · {escape(age_text(item.created_at, now, _))}"]
    if item.request is not None:
        lines.append(summary(item.request, _))
    if item.person is not None:
        lines.append(contact_html(item.person, _))
    details = item.details
    if details.get("day"):
        lines.append("📅 " + escape(str(details["day"])) + " " + escape(str(details.get("part", ""))))
    for key in ("reason", "text", "caption", "comment", "transcript"):
        if details.get(key):
            lines.append("💬 " + escape(str(details[key])))
    if item.note:
        lines.append("📝 " + escape(item.note))
    return "\n".join(lines)


def item_markup(item: ItemView, _: Translator) -> InlineKeyboardMarkup:
    """The actions on one open item."""
    options = []
    if item.request is not None:
        options.append(("🙋 " + _("Vrijwilliger kiezen"), f"ibx:{item.id}:assign"))
    options += [
        ("📨 " + _("Doorverwijzen"), f"ibx:{item.id}:refer"),
        ("📝 " + _("Notitie"), f"ibx:{item.id}:note"),
        ("✅ " + _("Sluiten"), f"ibx:{item.id}:close"),
    ]
    return button_rows(options, per_row=2)
