"""The coordinators' inbox in words: one item with its age, request, person and note, and its buttons."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from babel.dates import format_timedelta
from telegram import InlineKeyboardMarkup

from bot.buttons import InboxAction
from bot.i18n import N_, Translator
from bot.render.call_backs import call_moment
from bot.render.danger import danger_kinds_text
from bot.render.keyboards import button_rows
from bot.render.requests import contact_html, summary
from bot.services.inbox import ItemView
from db.models import InboxKind

KIND_LABELS = {
    InboxKind.DANGER: ("🚨", N_("Dringend: woorden van gevaar")),
    InboxKind.ESCALATION: ("⏰", N_("Geen vrijwilliger gevonden")),
    InboxKind.ZORGVRAAG: ("🩺", N_("Zorgvraag")),
    InboxKind.NO_GROUP: ("📥", N_("Vraag zonder groep")),
    InboxKind.CALLBACK: ("📞", N_("Bel terug")),
    InboxKind.VOICE: ("🎤", N_("Spraakbericht")),
    InboxKind.AUDIO: ("🎧", N_("Geluidsbericht")),
    InboxKind.PHOTO: ("📷", N_("Foto")),
    InboxKind.VIDEO: ("🎬", N_("Filmpje")),
    InboxKind.DOCUMENT: ("📄", N_("Bestand")),
    InboxKind.FEEDBACK: ("👎", N_("Klacht of opmerking")),
}
OTHER = ("📌", N_("Bericht"))
# What a resident wrote, under whichever name the item keeps it.
WORDS = ("reason", "text", "caption", "comment", "transcript")


def age_text(created_at: datetime, now: datetime, _: Translator) -> str:
    """How long ago, in words: "2 uur geleden"."""
    age = now - created_at
    if age < timedelta(minutes=1):
        return _("zojuist")
    return format_timedelta(-age, add_direction=True, locale=_.locale)


def render_item(item: ItemView, now: datetime, _: Translator) -> str:
    """One inbox item as the coordinator sees it: what, how old, who, where, when to call, and any note."""
    emoji, label = KIND_LABELS.get(item.kind, OTHER)
    lines = [f"{emoji} <b>{escape(_(label))}</b> #{item.id} · {escape(age_text(item.created_at, now, _))}"]
    details = item.details
    if item.kind == InboxKind.DANGER and details.get("kinds"):
        lines.append("⚠️ " + escape(danger_kinds_text(details["kinds"], _)))
    if item.request is not None:
        lines.append(summary(item.request, _))
    if item.person is not None:
        lines.append(contact_html(item.person, _))
    if item.place_name:
        lines.append("📍 " + escape(item.place_name))
    call_day = _call_day(details)
    if call_day is not None:
        lines.append("📅 " + escape(call_moment(call_day, str(details.get("part", "")), _)))
    lines += ["💬 " + escape(str(details[key])) for key in WORDS if details.get(key)]
    if item.kind == InboxKind.DANGER:
        lines.append(_("De bewoner kreeg de noodnummers. Neem zo snel mogelijk contact op."))
    if item.note:
        lines.append("📝 " + escape(item.note))
    return "\n".join(lines)


def _call_day(details: dict) -> date | None:
    try:
        return date.fromisoformat(str(details["day"])) if details.get("day") else None
    except ValueError:
        return None


def item_markup(item: ItemView, _: Translator) -> InlineKeyboardMarkup:
    """The actions on one open item."""
    options = []
    if item.request is not None:
        options.append(("🙋 " + _("Vrijwilliger kiezen"), InboxAction(item.id, "assign")))
    options += [
        ("📨 " + _("Doorverwijzen"), InboxAction(item.id, "refer")),
        ("📝 " + _("Notitie"), InboxAction(item.id, "note")),
        ("✅ " + _("Sluiten"), InboxAction(item.id, "close")),
    ]
    return button_rows(options, per_row=2)
