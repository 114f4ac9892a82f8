"""`/mijnvragen`: a resident's open and recent requests, each open one with a button to withdraw it."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.render.keyboards import button_rows
from bot.render.requests import summary
from bot.services.request_states import OwnRequest, is_own_request, requests_of_resident, withdraw_request
from db.models import RequestStatus

CANCEL = re.compile(r"^cancel:(\d{1,12})(?::(yes|no))?$")
STATUS_LABELS = {
    RequestStatus.OPEN: N_("Wij zoeken nog een vrijwilliger."),
    RequestStatus.CLAIMED: N_("{name} helpt u."),
    RequestStatus.ESCALATED: N_("Een coördinator kijkt wat wij nu kunnen doen."),
    RequestStatus.DONE: N_("Klaar."),
    RequestStatus.CANCELLED: N_("Ingetrokken."),
    RequestStatus.REFERRED: N_("Doorgestuurd."),
}


def _describe(own: OwnRequest, _: Translator) -> str:
    request = own.request
    status = _(STATUS_LABELS.get(request.status, N_("Klaar."))).format(
        name=escape(own.helper_name) if own.helper_name is not None else _("Een vrijwilliger")
    )
    lines = [summary(request, _), "ℹ️ " + status]
    if request.repeat_weekly:
        lines.append("🔁 " + _("Elke week"))
    return "\n".join(lines)


async def my_requests(update: Update, context: BotContext) -> None:
    """One message per open request (with "Intrekken"), then the recent ones together."""
    _ = context._
    runtime = context.runtime
    with context.unit_of_work() as uow:
        open_, recent = requests_of_resident(uow.session, resident_id=update.effective_user.id, now=runtime.clock.now())
    chat = update.effective_chat
    if not open_ and not recent:
        await chat.send_message(_("U heeft nog geen vragen gesteld. Typ gewoon wat u nodig heeft."))
        return
    if open_:
        await chat.send_message("📋 <b>" + _("Uw open vragen") + "</b>")
    for own in open_:
        markup = button_rows([("❌ " + _("Intrekken"), f"cancel:{own.request.id}")])
        await chat.send_message(_describe(own, _), reply_markup=markup)
    if recent:
        texts = [_describe(own, _) for own in recent]
        await chat.send_message("🗂️ <b>" + _("Eerdere vragen") + "</b>\n\n" + "\n\n".join(texts))


async def cancel(update: Update, context: BotContext) -> None:
    """ "Intrekken" asks once more; "Ja" withdraws the request (only its resident may)."""
    query = update.callback_query
    found = CANCEL.match(query.data)
    request_id, answer = int(found.group(1)), found.group(2)
    _ = context._
    runtime = context.runtime
    user_id = update.effective_user.id
    if answer is None:
        with context.unit_of_work() as uow:
            mine = is_own_request(uow.session, request_id=request_id, resident_id=user_id)
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
    with context.unit_of_work() as uow:
        cancelled = withdraw_request(uow.session, request_id=request_id, resident_id=user_id, now=runtime.clock.now())
        uow.commit()
    if not cancelled:
        await query.answer(_("Dat kan niet (meer)."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        query.message.text_html + "\n\n❌ " + _("Uw vraag is gestopt. Wij laten de helpers dat weten."),
        reply_markup=None,
    )
