""" "Bel mij terug" / "Ik weet het niet": share a phone number, pick a part of the day, done.

It works in every state: what the person wrote before (a request's words) goes with the call-back, so the
coordinator knows what it is about.
"""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.buttons import CallTime
from bot.flows import sign_up
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.flows.welcome import stop
from bot.i18n import Translator
from bot.render.call_backs import PART_LABELS
from bot.render.keyboards import button_rows
from bot.services.call_backs import request_call_back
from bot.understanding import PHONE_NUMBER, Expecting, Intent, Understanding, default_vocabulary


def _stop_label(_: Translator) -> str:
    return "❌ " + _("Stoppen")


def ask_phone(turn: Turn) -> None:
    """Offer Telegram's share-contact button (a typed number works too)."""
    _ = turn._
    if turn.state != State.CALLBACK_PHONE:
        reason = turn.draft.get("details") or turn.draft.get("reason") or turn.text
        turn.end()
        turn.draft["reason"] = reason
    turn.goto(State.CALLBACK_PHONE)
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📞 " + _("Deel mijn nummer"), request_contact=True)], [_stop_label(_)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    turn.say("📞 " + _("Geen probleem. Wij bellen u graag terug. Druk op de knop om uw nummer te delen."), keyboard)


def read_phone(turn: Turn, meaning: Understanding) -> bool:
    """A typed number; "nee" (or not knowing it) means: write to me here instead."""
    text = turn.text
    if text in (_stop_label(turn._), turn._("Stoppen")):
        stop(turn)
        return True
    if PHONE_NUMBER.match(text):
        take_phone(turn, text)
        return True
    if meaning.intent in (Intent.NO, Intent.DONT_KNOW):
        _ = turn._
        turn.say("👍 " + _("Goed, dan bellen wij niet."), ReplyKeyboardRemove())
        finish(turn, part="any", phone=None)
        return True
    return False


def receive_contact(turn: Turn) -> None:
    """A shared contact: only the person's own number counts, for the question that asked it."""
    contact = turn.update.effective_message.contact
    taker = CONTACT_TAKERS.get(turn.state)
    if taker is None or contact is None or contact.user_id != turn.user_id:
        turn.say(turn._("Dank u. Dat nummer heb ik nu niet nodig."))
        return
    taker(turn, contact.phone_number)


def take_phone(turn: Turn, phone: str) -> None:
    """The number is known: ask when to call."""
    _ = turn._
    turn.draft["phone"] = phone
    turn.say("✅ " + _("Dank u."), ReplyKeyboardRemove())
    ask_time(turn)


def ask_time(turn: Turn) -> None:
    _ = turn._
    turn.goto(State.CALLBACK_TIME)
    options = [("🌅 " + _("Ochtend"), CallTime("morning")), ("🌇 " + _("Middag"), CallTime("afternoon"))]
    turn.say(_("Wanneer kunnen wij u het beste bellen?"), button_rows(options, per_row=2))


def choose_time(turn: Turn, button: CallTime) -> None:
    """A morning/afternoon button."""
    if turn.state != State.CALLBACK_TIME or "phone" not in turn.draft:
        turn.answer(turn._("Deze knop werkt niet meer."))
        return
    turn.drop_buttons()
    finish(turn, part=button.part, phone=turn.draft["phone"])


ANY_TIME = (Intent.ANSWER, Intent.YES, Intent.DONT_KNOW, Intent.THANKS)
"""Said to "Wanneer kunnen wij u het beste bellen?", these mean: any time of the day."""


def read_time(turn: Turn, meaning: Understanding) -> bool:
    """A typed answer: morning, afternoon, or "maakt niet uit", "ja", "weet ik niet": any time of the day.

    Anything else ("laat maar", a new request) is read for what it means.
    """
    text = turn.text.lower()
    _ = turn._
    if _("Ochtend").lower() in text or "morning" in text or "ochtend" in text:
        part = "morning"
    elif _("Middag").lower() in text or "afternoon" in text or "middag" in text:
        part = "afternoon"
    elif meaning.intent in ANY_TIME or default_vocabulary().any_day_will_do(text):
        part = "any"
    else:
        return False
    finish(turn, part=part, phone=turn.draft.get("phone"))
    return True


def settle(turn: Turn) -> None:
    """Not understood twice at the call-back's own questions: make it as far as it got (a message without a number,
    or a call at any time), so that a person who is stuck is reached by a coordinator."""
    phone = turn.draft.get("phone") if turn.state == State.CALLBACK_TIME else None
    finish(turn, part="any", phone=phone, markup=ReplyKeyboardRemove())


def finish(turn: Turn, *, part: str, phone: str | None, markup: ReplyKeyboardRemove | None = None) -> None:
    """Store the call-back and tell the resident when to expect it."""
    _ = turn._
    reason = turn.draft.get("reason", "")
    call = request_call_back(
        turn.session,
        user_id=turn.user_id,
        phone=phone,
        part=part,
        now=turn.now,
        settings=turn.runtime.settings,
        reason=reason,
    )
    turn.end()
    if phone is None:
        text = _("Een coördinator stuurt u op {day} een bericht, hier in Telegram.")
    elif part == "any":
        text = _("Wij bellen u op {day}.")
    else:
        text = _("Wij bellen u op {day} {part}.")
    text = text.format(day=_.day(call.day), part=_(PART_LABELS[part])) + " " + _("U hoeft verder niets te doen.")
    if call.joined:
        text = _("U had al gevraagd om terug te bellen. Dat blijft staan.") + " " + text
    turn.say("📞 " + text, markup)


# Who takes a shared phone number, by the question that is open.
CONTACT_TAKERS = {State.CALLBACK_PHONE: take_phone, State.SIGN_UP_PHONE: sign_up.take_phone}

QUESTIONS = {
    State.CALLBACK_PHONE: Question(Expecting.PHONE, read_phone, ask_phone),
    State.CALLBACK_TIME: Question(Expecting.DAY, read_time, ask_time),
}
