"""Every intent in every question: a typical typed message, and the kind of answer it gets, on both databases.

Each question is reached through the bot once; before each message its conversation row is put back (see
`tests/support/conversation_table.py`), so one test per question runs every intent against it.
"""

from __future__ import annotations

import pytest

from bot.flows.conversation import QUESTIONS
from tests.support.app import World
from tests.support.conversation_table import REACH, kind_of, reply_to, restore, snapshot, state_of

TEXTS = {
    "greeting": "goedemorgen",
    "thanks": "dank u wel",
    "about": "wie zijn jullie eigenlijk",
    "cost": "wat kost dat",
    "stop": "laat maar",
    "yes": "ja",
    "no": "nee",
    "volunteer": "ik wil graag vrijwilliger worden",
    "steunpunt": "waar kan ik terecht",
    "dont_know": "weet ik niet",
    "cant_help": "kunt u mijn huur betalen",
    "help_request": "kan iemand mijn hond uitlaten",
    "danger": "ik ben gevallen en kan niet opstaan",
}

IN_A_QUESTION = {
    "greeting": "greeting",  # a short answer above the same question
    "thanks": "thanks",
    "about": "about",
    "cost": "cost",
    "stop": "stopped",
    "yes": "misunderstood",  # "Dat begrijp ik niet goed" above the question; the second time the call-back
    "no": "misunderstood",
    "volunteer": "sign_up",
    "steunpunt": "steunpunt",
    "dont_know": "call_back",
    "cant_help": "misunderstood",
    "help_request": "misunderstood",  # in the middle of a request or a sign-up: not a new request
    "danger": "danger",
}
"""What each intent gets at a question, unless the question reads it as its answer (below)."""

NEW_REQUEST = {"help_request": "category_question"}
YES_NO = {"yes": "moved_on", "no": "moved_on"}

ANSWERS = {
    "idle": {"yes": "menu", "no": "menu", "cant_help": "cant_help", **NEW_REQUEST},
    "idle_with_request": {
        "stop": "withdraw_offer",
        "yes": "menu",
        "no": "menu",
        "cant_help": "cant_help",
        **NEW_REQUEST,
    },
    "start_place": NEW_REQUEST,  # a request before the place is known: the place is asked later
    "news": {"yes": "menu", "no": "menu", **NEW_REQUEST},
    "ask_category": {**YES_NO, **NEW_REQUEST},
    "ask_place": {},
    "ask_when": {},
    "ask_details": {**YES_NO, "cant_help": "moved_on", "help_request": "moved_on"},  # more words for the volunteer
    "ask_confirm": YES_NO,
    "behalf_name": {},
    "behalf_consent": YES_NO,
    "second_need": {**YES_NO, **NEW_REQUEST},
    "callback_phone": {"no": "call_back_made", "dont_know": "call_back_made"},  # then a message instead of a call
    "callback_time": {"yes": "call_back_made", "thanks": "call_back_made", "dont_know": "call_back_made"},
    "sign_up_categories": {"no": "moved_on", "help_request": "moved_on"},  # "nee": done; a task names a category
    "sign_up_places": {},
    "sign_up_availability": {"no": "moved_on"},
    "sign_up_phone": {"no": "moved_on"},
    "sign_up_reintegration": YES_NO,
    "sign_up_consent": YES_NO,
    # The time a volunteer spent need not be told: "nee" and "weet ik niet" skip it.
    "minutes": {"no": "moved_on", "dont_know": "moved_on", **NEW_REQUEST},
    # A survey's mark from 1 to 5: "laat maar" stops taking part (what was answered still counts).
    "survey_answer": {},
}


def test_every_question_a_resident_or_volunteer_meets_is_in_the_table() -> None:
    not_for_work = {state for state, question in QUESTIONS.items() if not question.for_work}
    assert not_for_work == {state_of(name) for name in REACH} - {""}
    assert set(ANSWERS) == set(REACH)


@pytest.mark.parametrize("name", list(REACH))
async def test_every_intent_in_every_question(world: World, name: str) -> None:
    user = await REACH[name](world)
    saved = snapshot(world, user)
    assert saved.state == state_of(name)
    observed = {}
    for intent, text in TEXTS.items():
        restore(world, saved)
        observed[intent] = kind_of(await reply_to(world, user, text))
    assert observed == IN_A_QUESTION | ANSWERS[name]
