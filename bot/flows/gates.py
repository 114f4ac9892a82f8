"""What a coordinator's step starts with: where this person coordinates, or a polite refusal."""

from __future__ import annotations

from bot.flows.turn import Turn
from bot.services.access import Scope, scope_of


def coordinator_scope(turn: Turn) -> Scope | None:
    """Where the person behind this turn coordinates, or None after a polite refusal."""
    scope = scope_of(turn.session, turn.user_id)
    if scope is None:
        refuse(turn)
    return scope


def refuse(turn: Turn) -> None:
    """Say that only a coordinator (of this municipality) can do this: a box for a button, else a message."""
    text = turn._("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente.")
    if turn.button is not None:
        turn.answer(text, alert=True)
    else:
        turn.say(text)
