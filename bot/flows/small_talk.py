"""Greetings, thanks, "who are you?", "what does it cost?" and what we cannot help with: a short, kind answer.

In the middle of a question the answer comes above the same question once more, so nobody loses their place.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.flows.menu import menu_markup
from bot.flows.prices import cost_answer
from bot.flows.turn import Turn


def _then(turn: Turn, text: str, ask_again: Callable[[Turn], None] | None, idle: str) -> None:
    """Say `text`; then the open question again, or (with none open) `idle` with the menu."""
    if ask_again is not None:
        turn.preface(text)
        ask_again(turn)
    else:
        turn.say(text + "\n\n" + idle, menu_markup(turn._))


def greet(turn: Turn, ask_again: Callable[[Turn], None] | None) -> None:
    _ = turn._
    _then(turn, "👋 " + _("Dag! Fijn dat u er bent."), ask_again, _("Typ gewoon wat u nodig heeft."))


def thank(turn: Turn, ask_again: Callable[[Turn], None] | None) -> None:
    _ = turn._
    _then(turn, "😊 " + _("Graag gedaan!"), ask_again, _("Heeft u nog een vraag? Typ het gerust."))


def about(turn: Turn, ask_again: Callable[[Turn], None] | None) -> None:
    _ = turn._
    text = "\n".join(
        [
            "ℹ️ " + _("Ik ben de hulpbot van Samen voor Elkaar. Hier helpen buren elkaar in Parkstad."),
            _("U typt wat u nodig heeft. Een vrijwilliger uit uw buurt ziet uw vraag, zonder uw naam."),
            _("Alleen de vrijwilliger die helpt krijgt uw naam en nummer."),
        ]
    )
    _then(turn, text, ask_again, _("Waarmee kan ik u helpen?"))


def cost(turn: Turn, ask_again: Callable[[Turn], None] | None, category_slug: str | None = None) -> None:
    """ "Wat kost het?": for the kind of help being asked, else for the resident's municipality."""
    _ = turn._
    _then(turn, cost_answer(turn, category_slug), ask_again, _("Waarmee kan ik u helpen?"))


def out_of_scope(turn: Turn) -> None:
    """Something we cannot help with: say so kindly, and offer the call-back."""
    _ = turn._
    turn.say(
        _("Daar kan ik u helaas niet mee helpen. Ik help bij klusjes, boodschappen en bezoek in uw buurt.")
        + "\n\n"
        + _("Wilt u iemand spreken? Druk op 'Bel mij terug'."),
        menu_markup(_),
    )
