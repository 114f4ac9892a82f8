"""A button that no longer fits: say so, and say in the chat what to do next (never a dead end)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.buttons import Button
from bot.flows.menu import menu_markup
from bot.flows.turn import Turn

ButtonStep = Callable[[Turn, Any], None]


def expired(turn: Turn) -> None:
    """An old or unknown button: a short answer, and (unless it was a double tap) the menu in the chat."""
    _ = turn._
    turn.answer(_("Deze knop werkt niet meer."))
    if turn.in_private and not turn.pressed_again:
        turn.say(
            _("Die knop hoort bij een eerdere vraag. Typ gewoon wat u nodig heeft, of kies hieronder."), menu_markup(_)
        )


def only_in(*states: str) -> Callable[[ButtonStep], ButtonStep]:
    """A button that answers one of these questions; pressed at any other moment it has expired."""

    def wrap(step: ButtonStep) -> ButtonStep:
        def guarded(turn: Turn, button: Button) -> None:
            if turn.state in states:
                step(turn, button)
            else:
                expired(turn)

        guarded.__name__ = guarded.__qualname__ = step.__name__
        guarded.__doc__ = step.__doc__
        return guarded

    return wrap
