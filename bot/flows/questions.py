"""An open question: what its answer looks like, how a typed answer is read, how it is asked (again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.flows.turn import Turn
from bot.i18n import N_
from bot.matching.normalise import normalise
from bot.services.places import Place
from bot.understanding import Expecting, Intent, Understanding

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


def ask_again(turn: Turn, meaning: Understanding, hint: str, ask: Callable[[Turn], None]) -> bool:
    """Not an answer: "stop" stops (the dispatcher does it); anything else gets a hint and the question again."""
    if meaning.intent is Intent.STOP:
        return False
    turn.preface(hint)
    ask(turn)
    return True


def named_place(places: list[Place], text: str) -> str | None:
    """The place whose name is the typed text (case and accents do not matter)."""
    typed = normalise(text)
    return next((place.slug for place in places if normalise(place.name) == typed), None)
