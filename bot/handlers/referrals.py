"""Coordinators choose where an unclaimed request goes next (PuntExtra's order)."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.render.referrals import PUNTEXTRA_LABELS
from bot.services.referrals import refer_request

REFER = re.compile(r"^px:(\d{1,12}):([a-z]{1,12})$")


async def refer(update: Update, context: BotContext) -> None:
    """A route button under an escalated request; authorised on every press."""
    query = update.callback_query
    found = REFER.match(query.data)
    request_id, route = int(found.group(1)), found.group(2)
    runtime = context.runtime
    _ = context._
    with context.unit_of_work() as uow:
        done = refer_request(
            uow.session,
            request_id=request_id,
            coordinator_id=update.effective_user.id,
            route=route,
            now=runtime.clock.now(),
        )
        uow.commit()
    if not done:
        await query.answer(
            _("Dat kan niet (meer). Alleen een coördinator van deze gemeente kan dit doen."), show_alert=True
        )
        return
    await query.answer()
    label = _(PUNTEXTRA_LABELS[route])
    await query.edit_message_text(
        query.message.text_html + "\n\n✅ " + _("Gekozen: {route}").format(route=escape(label)),
        reply_markup=None,
    )
