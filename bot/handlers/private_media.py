"""Other kinds of messages in a private chat: voice and photos, a shared location, stickers."""

from __future__ import annotations

from html import escape

from bot.buttons import ConfirmLocation, Menu
from bot.flows.menu import call_me_markup, menu_markup
from bot.flows.turn import Turn
from bot.i18n import N_
from bot.render.keyboards import button_rows
from bot.services.media import forward_to_inbox
from bot.services.places import nearest_neighbourhood
from db.models import InboxKind

MEDIA_KINDS = (InboxKind.VOICE, InboxKind.PHOTO, InboxKind.VIDEO, InboxKind.AUDIO, InboxKind.DOCUMENT)
# What Telegram sends when the attachment names no type of its own (voice is Opus in Ogg, photos are JPEG).
MIME_TYPES = {InboxKind.VOICE: "audio/ogg", InboxKind.PHOTO: "image/jpeg", InboxKind.VIDEO: "video/mp4"}
WHO_LOOKS = {
    InboxKind.VOICE: N_("Dank u. Een medewerker luistert naar uw bericht."),
    InboxKind.AUDIO: N_("Dank u. Een medewerker luistert naar uw bericht."),
    InboxKind.PHOTO: N_("Dank u. Een medewerker bekijkt uw foto."),
    InboxKind.VIDEO: N_("Dank u. Een medewerker bekijkt uw filmpje."),
    InboxKind.DOCUMENT: N_("Dank u. Een medewerker leest uw bestand."),
}


def forward_media(turn: Turn) -> None:
    """A voice message or photo (with its caption): a coordinator gets it and answers."""
    message = turn.message
    kind = next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), InboxKind.VOICE)
    attachment = message.photo[-1] if kind == InboxKind.PHOTO else message.effective_attachment
    forward_to_inbox(
        turn.session,
        user_id=turn.user_id,
        kind=kind,
        chat_id=message.chat_id,
        message_id=message.message_id,
        now=turn.now,
        caption=message.caption or "",
        file_id=getattr(attachment, "file_id", ""),
        mime_type=getattr(attachment, "mime_type", None) or MIME_TYPES.get(kind, ""),
    )
    _ = turn._
    text = "🙏 " + _(WHO_LOOKS[kind])
    if turn.profile.phone:
        turn.say(text + " " + _("Wij bellen u terug."))
    else:
        turn.say(
            text + " " + _("Wij schrijven u terug, hier in Telegram. Liever gebeld worden? Druk op de knop."),
            call_me_markup(_),
        )


def suggest_place(turn: Turn) -> None:
    """A shared location: suggest the nearest neighbourhood, to confirm with one button."""
    location = turn.message.location
    _ = turn._
    place = nearest_neighbourhood(turn.session, location.latitude, location.longitude)
    if place is None:
        turn.say(_("Deze plek ligt niet in Parkstad. Typ de naam van uw wijk of dorp."))
        return
    options = [("✅ " + _("Ja"), ConfirmLocation(place.slug)), ("🏘️ " + _("Nee, iets anders"), Menu("place"))]
    turn.say("📍 " + _("Woont u in {place}?").format(place=escape(place.name)), button_rows(options, per_row=2))


def sticker(turn: Turn) -> None:
    """Stickers get a friendly nudge towards what the bot can do."""
    _ = turn._
    turn.say("😊 " + _("Leuk! Typ gerust wat u nodig heeft."), menu_markup(_))
