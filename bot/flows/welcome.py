"""`/start`: a short welcome, the neighbourhood once, the question about activity news, then what the bot can do."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove

from bot.flows.menu import news_question, show_menu
from bot.flows.place_picker import ask_place, place_from_text, remember_place
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.survey import stop_survey
from bot.flows.turn import Turn
from bot.i18n import N_
from bot.services.people import set_activity_news
from bot.understanding import Expecting, Intent, Understanding


def start(turn: Turn) -> None:
    """Welcome; ask the neighbourhood if we do not know it yet."""
    _ = turn._
    turn.end()
    turn.say(
        "👋 "
        + _("Welkom bij Samen voor Elkaar. Hier helpen buren elkaar. Zoals met boodschappen, een klusje of een ritje.")
    )
    if turn.profile.neighbourhood_slug is None:
        ask_place(turn, State.START_PLACE)
    else:
        show_menu(turn)


def take_start_place(turn: Turn, slug: str) -> bool:
    """A place chosen at /start (button, typed name or shared location): remember it, then ask about the news."""
    name = remember_place(turn, slug)
    if name is None:
        return False
    _ = turn._
    turn.acknowledge("📍 " + _("Dank u. U woont in {place}.").format(place=name))
    ask_news(turn)
    return True


def ask_news(turn: Turn) -> None:
    """The one question about activity news after /start; its answer brings the menu."""
    turn.goto(State.NEWS)
    text, markup = news_question(turn._, then_menu=True)
    turn.say(text, markup)


def set_news(turn: Turn, wanted: bool, *, then_menu: bool) -> None:
    """Store the choice about activity news and confirm it."""
    _ = turn._
    set_activity_news(turn.session, turn.user_id, wanted)
    text = (
        _("Goed. U krijgt berichten over activiteiten in uw buurt.")
        if wanted
        else _("Goed. U krijgt geen bericht als er iets te doen is.")
    )
    text = "📰 " + text + " " + _("Wijzigen kan altijd met /nieuws.")
    if turn.state == State.NEWS:
        turn.end()
    turn.acknowledge(text)
    if then_menu:
        show_menu(turn)
    else:
        turn.flush_preface()


def read_start_place(turn: Turn, meaning: Understanding) -> bool:
    """A typed kern or wijk at /start."""
    slug = place_from_text(turn, turn.text)
    return slug is not None and take_start_place(turn, slug)


def read_news(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no to the news question."""
    if meaning.intent not in (Intent.YES, Intent.NO):
        return False
    set_news(turn, meaning.intent is Intent.YES, then_menu=True)
    return True


def stop(turn: Turn) -> None:
    """`/stop`, `/annuleer`: leave whatever question is open (in a survey: stop taking part)."""
    if turn.state == State.SURVEY_ANSWER:
        stop_survey(turn, turn.draft.get("survey_id"))
        return
    turn.end()
    turn.say("👍 " + turn._("Gestopt. Typ gerust een nieuwe vraag als u iets nodig heeft."), ReplyKeyboardRemove())


QUESTIONS = {
    State.START_PLACE: Question(
        Expecting.PLACE,
        read_start_place,
        lambda turn: ask_place(turn, State.START_PLACE),
        unclear=N_("Die plaats ken ik niet."),
        new_request=True,
    ),
    State.NEWS: Question(Expecting.YES_NO, read_news, ask_news, new_request=True),
}
