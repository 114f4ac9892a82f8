"""What a message can mean, which danger it names, and what the open question expects."""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    """What a private message means (see ``bot.understanding.reader`` for the order in which they win)."""

    DANGER = "danger"
    DONT_KNOW = "dont_know"
    CALL_BACK = "call_back"
    GREETING = "greeting"
    THANKS = "thanks"
    ABOUT = "about"
    COST = "cost"
    STOP = "stop"
    YES = "yes"
    NO = "no"
    VOLUNTEER = "volunteer"
    STEUNPUNT = "steunpunt"
    HELP_REQUEST = "help_request"
    OUT_OF_SCOPE = "out_of_scope"
    ANSWER = "answer"


class DangerKind(StrEnum):
    """A kind of danger; each has its help lines in ``data/danger.toml``."""

    MEDICAL = "medical"
    FALL = "fall"
    FIRE = "fire"
    VIOLENCE = "violence"
    SUICIDE = "suicide"
    ABUSE_NEGLECT = "abuse_neglect"
    CHILD = "child"
    EMERGENCY = "emergency"  # no kind named: "112", "bel 112!", "SOS", "help help"


class Expecting(StrEnum):
    """What the question the bot asked last expects as an answer."""

    NOTHING = "nothing"
    YES_NO = "yes_no"
    CHOICE = "choice"
    DAY = "day"
    NUMBER = "number"
    PLACE = "place"
    PHONE = "phone"
    NAME = "name"
    FREE_TEXT = "free_text"
