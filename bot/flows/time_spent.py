"""After "✅ Gedaan": how long helping took, with a button or typed ("20 minuten", "anderhalf uur"), once."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.buttons import Minutes
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.i18n import Translator
from bot.render.keyboards import button_rows
from bot.services.request_states import MAX_MINUTES, record_minutes
from bot.understanding import Expecting, Intent, Understanding, default_durations

MINUTE_BUTTONS = (30, 60, 120)


def duration_text(minutes: int, _: Translator) -> str:
    """ "30 minuten", "1 uur", "1 uur en 20 minuten"."""
    hours, rest = divmod(minutes, 60)
    rest_text = _.plural("{count} minuut", "{count} minuten", rest).format(count=rest)
    if not hours:
        return rest_text
    text = _.plural("{count} uur", "{count} uur", hours).format(count=hours)
    return _("{hours} en {minutes}").format(hours=text, minutes=rest_text) if rest else text


def minutes_markup(request_id: int, _: Translator) -> InlineKeyboardMarkup:
    """30 minutes, 1 hour, 2 hours, or rather not say."""
    options = [(duration_text(minutes, _), Minutes(request_id, minutes)) for minutes in MINUTE_BUTTONS]
    options.append((_("Overslaan"), Minutes(request_id, 0)))
    return button_rows(options, per_row=2)


def ask_after_done(turn: Turn, request_id: int, done_text: str) -> None:
    """Put the question under the message whose "Gedaan" was pressed; a typed answer counts too."""
    _ = turn._
    turn.end()
    turn.goto(State.MINUTES)
    turn.draft["request_id"] = request_id
    question = _("Hoeveel tijd kostte het? Dat hoeft u niet te zeggen.")
    turn.edit(done_text + "\n" + question, minutes_markup(request_id, _))


def ask_again(turn: Turn) -> None:
    """The question once more, after a typed answer that was not a time."""
    request_id = turn.draft.get("request_id")
    if request_id is None:
        turn.end()
        return
    _ = turn._
    turn.say(
        "⏱️ " + _("Hoeveel tijd kostte het? Typ het, bijvoorbeeld: een half uur. Of druk op een knop."),
        minutes_markup(request_id, _),
    )


def choose(turn: Turn, button: Minutes) -> None:
    """A button, once, by the helper who finished the request; the message says what was noted."""
    if not record_minutes(
        turn.session, request_id=button.request_id, volunteer_id=turn.user_id, minutes=button.minutes
    ):
        turn.answer(turn._("Dat kan niet (meer)."), alert=True)
        return
    if turn.draft.get("request_id") == button.request_id:
        turn.end()
    turn.answer("👍")
    turn.edit(turn.message.text_html + "\n\n" + noted(button.minutes, turn._))


def read(turn: Turn, meaning: Understanding) -> bool:
    """A typed time; "nee" or "weet ik niet" says no time, and that is fine."""
    if meaning.intent in (Intent.NO, Intent.DONT_KNOW):
        spent = 0
    else:
        spent = default_durations().minutes(turn.text)
        if spent is None or spent > MAX_MINUTES:
            return False
    request_id = turn.draft.get("request_id")
    turn.end()
    recorded = request_id is not None and record_minutes(
        turn.session, request_id=request_id, volunteer_id=turn.user_id, minutes=spent
    )
    turn.say(noted(spent, turn._) if recorded else turn._("Dat kan niet (meer)."))
    return True


def noted(spent: int, _: Translator) -> str:
    """What was noted: the time, or nothing (and thanks either way)."""
    if not spent:
        return "👍 " + _("Goed. Dank u wel!")
    return "⏱️ " + _("Genoteerd: {time}. Dank u wel!").format(time=duration_text(spent, _))


QUESTIONS: dict[str, Question] = {
    State.MINUTES: Question(Expecting.NUMBER, read, ask_again, new_request=True),
}
