"""A volunteer presses "Ik help" on a request card in their group."""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import BotContext
from bot.render import request_card, summary
from bot.services.lifecycle import lifecycle_keyboard, show_helper_on_card
from bot.services.requests import (
    ClaimOutcome,
    claim_request,
    confirm_claim,
    contact_html,
    resident_of,
    undo_claim,
)
from db.models import Category, HelpRequest, Neighbourhood, User

log = logging.getLogger(__name__)
# "take:" is the same claim from a private offer (a weekly request offered to its usual helper).
CLAIM = re.compile(r"^(?:claim|take):(\d{1,12})$")


async def claim(update: Update, context: BotContext) -> None:
    """Claim atomically, then give the volunteer the details privately; undo if we cannot reach them."""
    query = update.callback_query
    request_id = int(CLAIM.match(query.data).group(1))
    volunteer_id = update.effective_user.id
    runtime = context.runtime
    _ = context._
    with context.session() as session:
        outcome = claim_request(session, request_id=request_id, volunteer_id=volunteer_id, now=runtime.clock.now())
    if outcome is not ClaimOutcome.CLAIMED:
        await query.answer(_refusal(outcome, context), show_alert=True)
        return
    with context.session() as session:
        request = session.get(HelpRequest, request_id)
        category = session.get(Category, request.category_slug)
        place = session.get(Neighbourhood, request.neighbourhood_slug)
        resident = resident_of(session, request)
        volunteer = session.get(User, volunteer_id)
        details = "\n\n".join(
            [
                "🤝 <b>" + _("Dank u wel! U helpt met deze vraag:") + "</b>",
                summary(request, category, place, _),
                *(
                    ["👪 " + _("Voor: {name}").format(name=escape(request.on_behalf_name))]
                    if request.on_behalf_name
                    else []
                ),
                _("Neem contact op met:") + " " + (contact_html(resident, _) if resident else _("(onbekend)")),
            ]
        )
    try:
        await context.bot.send_message(volunteer_id, details, reply_markup=lifecycle_keyboard(request_id, _))
    except (Forbidden, BadRequest) as error:
        log.info(
            "claim of request %s undone: volunteer %s not reachable (%s)",
            request_id,
            volunteer_id,
            type(error).__name__,
        )
        with context.session() as session:
            undo_claim(session, request_id=request_id, volunteer_id=volunteer_id)
        await query.answer(_("Start eerst een chat met mij. Druk daarna opnieuw op 'Ik help'."), show_alert=True)
        await update.effective_chat.send_message(
            _("{name}, start eerst een privégesprek met mij: {link} Druk daarna opnieuw op 'Ik help'.").format(
                name=escape(update.effective_user.first_name),
                link=f"https://t.me/{context.bot.username}?start=helpen",
            )
        )
        return
    except TelegramError as error:
        # A timeout or network error: the message probably arrived. Keep the claim, or the request is lost.
        log.warning(
            "claim of request %s kept: sending the details to volunteer %s failed (%s)",
            request_id,
            volunteer_id,
            type(error).__name__,
        )
    await query.answer("🙏 " + _("Dank u wel! Ik heb u de gegevens gestuurd."))
    with context.session() as session:
        now = runtime.clock.now()
        if not confirm_claim(session, request=request, volunteer=volunteer, now=now, settings=runtime.settings):
            return  # withdrawn at this very moment: the withdrawal already told the card and the helper
        request = session.get(HelpRequest, request_id)
        if request.card_message_id != query.message.message_id or request.card_chat_id != query.message.chat.id:
            # Pressed on a bump or a private offer: the card itself shows the helper too.
            show_helper_on_card(
                session, request=request, helper=volunteer, now=runtime.clock.now(), settings=runtime.settings
            )
    if query.message.chat.type == ChatType.PRIVATE:
        await query.edit_message_text(
            query.message.text_html + "\n\n✅ " + _("U helpt. Dank u wel!"), reply_markup=None
        )
        return
    group_text, markup = request_card(
        request, category, place, context.group_translator(), helper_name=volunteer.first_name
    )
    await query.edit_message_text(group_text, reply_markup=markup)


def _refusal(outcome: ClaimOutcome, context: BotContext) -> str:
    _ = context._
    if outcome is ClaimOutcome.TAKEN:
        return _("Iemand anders helpt al. Dank u wel!")
    if outcome is ClaimOutcome.NOT_VOLUNTEER:
        return _("Alleen vrijwilligers uit deze wijk kunnen helpen. Wilt u ook helpen? Meld u aan met /aanbieden.")
    return _("Deze vraag is niet meer open.")
