"""`/mijnvragen`: a resident's open and recent requests, each open one with a button to withdraw it."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.i18n import N_
from bot.render import summary
from bot.services.lifecycle import cancel_request, requests_of_resident
from db.models import Category, HelpRequest, Neighbourhood, RequestStatus, User

CANCEL = re.compile(r"^cancel:(\d{1,12})(?::(yes|no))?$")
STATUS_LABELS = {
    RequestStatus.OPEN: N_("Wij zoeken nog een vrijwilliger."),
    RequestStatus.CLAIMED: N_("{name} helpt u."),
    RequestStatus.ESCALATED: N_("Een coördinator kijkt wat wij nu kunnen doen."),
    RequestStatus.DONE: N_("Klaar."),
    RequestStatus.CANCELLED: N_("Ingetrokken."),
    RequestStatus.REFERRED: N_("Doorgestuurd."),
}


def _describe(session, request: HelpRequest, _) -> str:
    category = session.get(Category, request.category_slug)
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    helper = session.get(User, request.claimed_by) if request.claimed_by else None
    status = _(STATUS_LABELS.get(request.status, N_("Klaar."))).format(
        name=escape(helper.first_name) if helper else _("Een vrijwilliger")
    )
    lines = [summary(request, category, place, _), "ℹ️ " + status]
    if request.repeat_weekly:
        lines.append("🔁 " + _("Elke week"))
    return "\n".join(lines)


async def my_requests(update: Update, context: BotContext) -> None:
    """One message per open request (with "Intrekken"), then the recent ones together."""
    _ = context._
    runtime = context.runtime
    with context.session() as session:
        open_, recent = requests_of_resident(session, resident_id=update.effective_user.id, now=runtime.clock.now())
        open_texts = [(request.id, _describe(session, request, _)) for request in open_]
        recent_texts = [_describe(session, request, _) for request in recent]
    chat = update.effective_chat
    if not open_texts and not recent_texts:
        await chat.send_message(_("U heeft nog geen vragen gesteld. Typ gewoon wat u nodig heeft."))
        return
    if open_texts:
        await chat.send_message("📋 <b>" + _("Uw open vragen") + "</b>")
    for request_id, text in open_texts:
        await chat.send_message(text, reply_markup=button_rows([("❌ " + _("Intrekken"), f"cancel:{request_id}")]))
    if recent_texts:
        await chat.send_message("🗂️ <b>" + _("Eerdere vragen") + "</b>\n\n" + "\n\n".join(recent_texts))


async def cancel(update: Update, context: BotContext) -> None:
    """ "Intrekken" asks once more; "Ja" withdraws the request (only its resident may)."""
    query = update.callback_query
    found = CANCEL.match(query.data)
    request_id, answer = int(found.group(1)), found.group(2)
    _ = context._
    runtime = context.runtime
    user_id = update.effective_user.id
    if answer is None:
        with context.session() as session:
            request = session.get(HelpRequest, request_id)
            mine = request is not None and request.resident_id == user_id
        if not mine:
            await query.answer(_("Dat kan niet (meer)."), show_alert=True)
            return
        await query.answer()
        options = [
            ("✅ " + _("Ja, intrekken"), f"cancel:{request_id}:yes"),
            ("↩️ " + _("Nee"), f"cancel:{request_id}:no"),
        ]
        await query.edit_message_reply_markup(button_rows(options, per_row=2))
        return
    if answer == "no":
        await query.answer()
        await query.edit_message_reply_markup(button_rows([("❌ " + _("Intrekken"), f"cancel:{request_id}")]))
        return
    with context.session() as session:
        cancelled = cancel_request(
            session, request_id=request_id, resident_id=user_id, now=runtime.clock.now(), settings=runtime.settings
        )
    if not cancelled:
        await query.answer(_("Dat kan niet (meer)."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        query.message.text_html + "\n\n❌ " + _("Uw vraag is gestopt. Wij laten de helpers dat weten."),
        reply_markup=None,
    )
