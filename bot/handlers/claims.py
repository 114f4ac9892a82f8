""" "🙋 Ik help": a volunteer claims a request on its card in the group, or a weekly request offered to them."""

from __future__ import annotations

from html import escape

from bot.buttons import Claim, TakeOffer
from bot.flows.turn import Turn
from bot.i18n import Translator
from bot.render.requests import helper_details, helper_name, lifecycle_keyboard, request_card
from bot.services.request_states import release_request
from bot.services.requests import ClaimOutcome, claim_outlook, claim_request, claimed_request, confirm_claim

START_LINK = "https://t.me/{bot}?start=helpen"


def claim(turn: Turn, button: Claim | TakeOffer) -> None:
    """The request becomes theirs (the database decides races) and the details come privately, in one go.

    A volunteer the bot cannot write to privately must not hold a request: one who never started a chat (or
    whose messages bounced before) is asked to start one and nothing is claimed; when the details bounce now
    (the bot was blocked since), the request goes straight back to the group.
    """
    _ = turn._
    request_id, volunteer_id = button.request_id, turn.user_id
    if not (turn.profile.has_private_chat and turn.profile.reachable):
        outcome = claim_outlook(turn.session, request_id=request_id, volunteer_id=volunteer_id)
        if outcome is ClaimOutcome.CLAIMED:
            _ask_to_start_a_chat(turn)
            return
    else:
        outcome = claim_request(turn.session, request_id=request_id, volunteer_id=volunteer_id, now=turn.now)
    if outcome is not ClaimOutcome.CLAIMED:
        turn.answer(_refusal(outcome, _), alert=True)
        return
    claimed = claimed_request(turn.session, request_id=request_id, volunteer_id=volunteer_id)
    turn.say_to(volunteer_id, helper_details(claimed.request, claimed.resident, _), lifecycle_keyboard(request_id, _))
    turn.unless_delivered(volunteer_id, _give_back_unreached)
    confirm_claim(
        turn.session,
        request_id=request_id,
        volunteer_id=volunteer_id,
        pressed_in=(turn.chat_id, turn.message.message_id),
        now=turn.now,
        settings=turn.runtime.settings,
    )
    turn.answer("🙏 " + _("Dank u wel! Ik heb u de gegevens gestuurd."))
    if turn.in_private:
        turn.edit(turn.message.text_html + "\n\n✅ " + _("U helpt. Dank u wel!"))
        return
    group_ = turn.group_translator()
    text, markup = request_card(claimed.request, group_, helper=helper_name(claimed.helper_name, group_))
    turn.edit(text, markup)


def _give_back_unreached(turn: Turn) -> None:
    """The details did not reach the volunteer (they blocked the bot): the request goes back to the group."""
    release_request(
        turn.session,
        request_id=turn.button.request_id,
        volunteer_id=turn.user_id,
        now=turn.now,
        settings=turn.runtime.settings,
    )
    _ask_to_start_a_chat(turn)


def _ask_to_start_a_chat(turn: Turn) -> None:
    """The details can only come in a private chat: ask to start one (in the group too, with a link)."""
    _ = turn._
    turn.answer(_("Start eerst een chat met mij. Druk daarna opnieuw op 'Ik help'."), alert=True)
    if turn.in_private:
        return
    link = START_LINK.format(bot=turn.update.get_bot().username)
    turn.say(
        _("{name}, start eerst een privégesprek met mij: {link} Druk daarna opnieuw op 'Ik help'.").format(
            name=escape(turn.update.effective_user.first_name), link=link
        )
    )


def _refusal(outcome: ClaimOutcome, _: Translator) -> str:
    if outcome is ClaimOutcome.ALREADY_YOURS:
        return _("U helpt al met deze vraag. Dank u wel!")
    if outcome is ClaimOutcome.TAKEN:
        return _("Iemand anders helpt al. Dank u wel!")
    if outcome is ClaimOutcome.NOT_VOLUNTEER:
        return _("Alleen vrijwilligers uit deze wijk kunnen helpen. Wilt u ook helpen? Meld u aan met /aanbieden.")
    return _("Deze vraag is niet meer open.")
