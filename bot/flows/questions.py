"""An open question: what its answer looks like, how a typed answer is read, how it is asked (again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.flows.turn import Turn
from bot.i18n import N_
from bot.understanding import Expecting, Understanding

Read = Callable[[Turn, Understanding], bool]


@dataclass(frozen=True)
class Question:
    """One state of the conversation.

    `read` takes a typed message that may answer the question and returns True when it did (it moved the
    conversation on). Anything else is read for what the person means (`bot.flows.conversation`), and if that
    is unclear the question is asked once more (`ask`, below `unclear`) before a call-back is offered. Where
    `new_request` is set, a typed help request starts a new request instead (the person moved on). Words of danger
    are answered first, except where `for_work` is set: a coordinator's note or activity text ("EHBO-cursus",
    "mevrouw was gevallen, de ambulance is geweest") is work, not a call for help.
    """

    expecting: Expecting
    read: Read
    ask: Callable[[Turn], None]
    unclear: str = N_("Dat begrijp ik niet goed.")
    new_request: bool = False
    for_work: bool = False


def buttons_only(_turn: Turn, _meaning: Understanding) -> bool:
    """A question answered with its buttons: typed text is never the answer itself."""
    return False
