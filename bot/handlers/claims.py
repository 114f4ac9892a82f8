"""A volunteer presses "Ik help" on a request card in their group."""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import BotContext
from bot.render.requests import helper_details, helper_name, lifecycle_keyboard, request_card
from bot.services.requests import ClaimOutcome, claim_request, claimed_request, confirm_claim, undo_claim

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
    with context.unit_of_work() as uow:
        outcome = claim_request(uow.session, request_id=request_id, volunteer_id=volunteer_id, now=runtime.clock.now())
        claimed = claimed_request(uow.session, request_id=request_id, volunteer_id=volunteer_id)
        uow.commit()
    if outcome is not ClaimOutcome.CLAIMED:
        await query.answer(_refusal(outcome, context), show_alert=True)
        return
    details = helper_details(claimed.request, claimed.resident, _)
    try:
        await context.bot.send_message(volunteer_id, details, reply_markup=lifecycle_keyboard(request_id, _))
    except (Forbidden, BadRequest) as error:
        log.info(
            "claim of request %s undone: volunteer %s not reachable (%s)",
            request_id,
            volunteer_id,
            type(error).__name__,
        )
        with context.unit_of_work() as uow:
            undo_claim(uow.session, request_id=request_id, volunteer_id=volunteer_id)
            uow.commit()
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
    with context.unit_of_work() as uow:
        confirmed = confirm_claim(
            uow.session,
            request_id=request_id,
            volunteer_id=volunteer_id,
            pressed_in=(query.message.chat.id, query.message.message_id),
            now=runtime.clock.now(),
            settings=runtime.settings,
        )
        uow.commit()
    if not confirmed:
        return  # withdrawn at this very moment: the withdrawal already told the card and the helper
    if query.message.chat.type == ChatType.PRIVATE:
        await query.edit_message_text(
            query.message.text_html + "\n\n✅ " + _("U helpt. Dank u wel!"), reply_markup=None
        )
        return
    group_ = context.group_translator()
    group_text, markup = request_card(claimed.request, group_, helper=helper_name(claimed.helper_name, group_))
    await query.edit_message_text(group_text, reply_markup=markup)


def _refusal(outcome: ClaimOutcome, context: BotContext) -> str:
    _ = context._
    if outcome is ClaimOutcome.TAKEN:
        return _("Iemand anders helpt al. Dank u wel!")
    if outcome is ClaimOutcome.NOT_VOLUNTEER:
        return _("Alleen vrijwilligers uit deze wijk kunnen helpen. Wilt u ook helpen? Meld u aan met /aanbieden.")
    return _("Deze vraag is niet meer open.")
