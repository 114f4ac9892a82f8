"""Asking for someone else (a parent, a neighbour): their first name, and whether they agree."""

from __future__ import annotations

from html import escape

from bot.buttons import OnBehalf
from bot.flows import help_request
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.render.keyboards import button_rows
from bot.understanding import Expecting, Intent, Understanding

NAME_LIMIT = 100


def ask_name(turn: Turn) -> None:
    """ "Voor iemand anders" at the summary: for whom is the help?"""
    turn.drop_buttons()
    turn.goto(State.BEHALF_NAME)
    turn.say("👪 " + turn._("Voor wie is de hulp? Typ de voornaam."))


def read_name(turn: Turn, meaning: Understanding) -> bool:
    """The first name of the person the help is for."""
    name = " ".join(turn.text.split())[:NAME_LIMIT]
    if meaning.intent is not Intent.ANSWER or not name:
        return False
    turn.draft["pending_name"] = name
    ask_consent(turn)
    return True


def ask_consent(turn: Turn) -> None:
    _ = turn._
    name = escape(turn.draft.get("pending_name", ""))
    turn.goto(State.BEHALF_CONSENT)
    options = [("✅ " + _("Ja, dat is goed"), OnBehalf("yes")), ("❌ " + _("Nee, nog niet"), OnBehalf("no"))]
    turn.say(_("Weet {name} van deze vraag? En vindt {name} het goed?").format(name=name), button_rows(options, 2))


def read_consent(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no to the consent question."""
    if meaning.intent not in (Intent.YES, Intent.NO):
        return False
    take_consent(turn, agreed=meaning.intent is Intent.YES)
    return True


def choose(turn: Turn, button: OnBehalf) -> None:
    """The buttons: "Voor iemand anders" under the summary, then that person's consent."""
    if button.answer == "start":
        ask_name(turn)
    elif turn.state == State.BEHALF_CONSENT:
        take_consent(turn, agreed=button.answer == "yes")
    else:
        turn.answer(turn._("Deze knop werkt niet meer."))


def take_consent(turn: Turn, *, agreed: bool) -> None:
    """With consent the name goes with the request; without it, nothing about that person is kept."""
    _ = turn._
    name = turn.draft.pop("pending_name", "")
    if agreed and name:
        turn.draft["on_behalf_name"] = name
        turn.acknowledge("👪 " + _("Voor: {name}").format(name=escape(name)))
    else:
        turn.draft.pop("on_behalf_name", None)
        turn.acknowledge(
            _("Vraag het eerst aan {name}. Zonder toestemming zetten wij de naam er niet bij.").format(
                name=escape(name)
            )
        )
    help_request.ask_confirm(turn)


QUESTIONS = {
    State.BEHALF_NAME: Question(Expecting.NAME, read_name, ask_name),
    State.BEHALF_CONSENT: Question(Expecting.YES_NO, read_consent, ask_consent),
}
