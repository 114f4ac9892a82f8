"""Put a person in each question of the conversation through the bot, and read back what kind of answer came.

Each `REACH` step drives the bot update by update until the question is open and returns who is asked. A test
snapshots the conversation row then (`snapshot`), and before each message puts it back (`restore`), so every
message meets the same question without driving there again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from telegram import User as TgUser

from bot.flows.states import State
from db.models import Conversation, Survey, SurveyQuestion, Timer, TimerKind, User
from tests.support.app import World
from tests.support.scenarios import new_request

IDLE = "idle"
IDLE_WITH_REQUEST = "idle_with_request"
"""Idle, with a request of theirs still open (the moment after a request is placed)."""

Reach = Callable[[World], Awaitable[TgUser]]


def lives_in_klimmen(world: World, user: TgUser) -> None:
    """The user is known to live in Klimmen."""
    with world.session() as session:
        row = session.get(User, user.id) or User(id=user.id, first_name=user.first_name, created_at=world.clock.now())
        row.neighbourhood_slug = "klimmen"
        session.add(row)
        session.commit()


async def presses(world: World, user: TgUser, *labels: str) -> None:
    for label in labels:
        await world.harness.press(user, label)


async def _idle(world: World) -> TgUser:
    lives_in_klimmen(world, world.resident)
    return world.resident


async def _idle_with_request(world: World) -> TgUser:
    new_request(world)
    return world.resident


async def _start_place(world: World) -> TgUser:
    await world.harness.command(world.resident, "/start")
    return world.resident


async def _news(world: World) -> TgUser:
    await _start_place(world)
    await presses(world, world.resident, "Voerendaal", "Klimmen")
    return world.resident


async def _category(world: World) -> TgUser:
    anna = await _idle(world)
    await world.harness.send(anna, "kan iemand mijn boodschappen doen")
    return anna


async def _place(world: World) -> TgUser:
    anna = world.resident
    await world.harness.send(anna, "kan iemand mijn boodschappen doen")
    await presses(world, anna, "Ja")
    return anna


async def _when(world: World) -> TgUser:
    anna = await _category(world)
    await presses(world, anna, "Ja")
    return anna


async def _details(world: World) -> TgUser:
    anna = await _when(world)
    await presses(world, anna, "Maakt niet uit")
    return anna


async def _confirm(world: World) -> TgUser:
    anna = await _details(world)
    await presses(world, anna, "Nee, verder")
    return anna


async def _behalf_name(world: World) -> TgUser:
    anna = await _confirm(world)
    await presses(world, anna, "Voor iemand anders")
    return anna


async def _behalf_consent(world: World) -> TgUser:
    anna = await _behalf_name(world)
    await world.harness.send(anna, "Mia")
    return anna


async def _second_need(world: World) -> TgUser:
    anna = await _idle(world)
    await world.harness.send(anna, "kan iemand mijn boodschappen doen en ook de tuin bijhouden")
    await presses(world, anna, "Ja", "Maakt niet uit", "Nee, verder", "Ja, versturen")
    return anna


async def _callback_phone(world: World) -> TgUser:
    anna = await _idle(world)
    await world.harness.send(anna, "bel mij terug")
    return anna


async def _callback_time(world: World) -> TgUser:
    anna = await _callback_phone(world)
    await world.harness.share_contact(anna, "+31612345678")
    return anna


async def _sign_up_categories(world: World) -> TgUser:
    anna = await _idle(world)
    await world.harness.command(anna, "/aanbieden")
    return anna


async def _sign_up_places(world: World) -> TgUser:
    anna = await _sign_up_categories(world)
    await presses(world, anna, "Boodschappen", "Klaar")
    return anna


async def _sign_up_availability(world: World) -> TgUser:
    anna = await _sign_up_places(world)
    await presses(world, anna, "Voerendaal", "Klimmen", "Klaar")
    return anna


async def _sign_up_phone(world: World) -> TgUser:
    anna = await _sign_up_availability(world)
    await presses(world, anna, "maandag", "ochtend", "Klaar")
    return anna


async def _sign_up_reintegration(world: World) -> TgUser:
    anna = await _sign_up_phone(world)
    await world.harness.share_contact(anna, "+31612345678")
    return anna


async def _sign_up_consent(world: World) -> TgUser:
    anna = await _sign_up_reintegration(world)
    await presses(world, anna, "Nee")
    return anna


async def _minutes(world: World) -> TgUser:
    new_request(world)
    await world.deliver()
    await world.harness.press(world.volunteer, "Ik help", chat_id=world.group_id)
    await presses(world, world.volunteer, "Gedaan")
    return world.volunteer


async def _survey_answer(world: World) -> TgUser:
    """Anna takes part in a survey of Klimmen and is at its first question, a mark from 1 to 5."""
    now = world.clock.now()
    with world.session() as session:
        row = session.get(User, world.resident.id) or User(id=world.resident.id, created_at=now)
        row.neighbourhood_slug, row.activity_news, row.has_private_chat = "klimmen", True, True
        survey = Survey(
            municipality_slug="voerendaal",
            neighbourhoods=["klimmen"],
            title="Wonen in Klimmen",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=7),
            status="published",
            created_by=world.coordinator.id,
            created_at=now,
            published_at=now,
        )
        session.add_all([row, survey])
        session.flush()
        session.add(SurveyQuestion(survey_id=survey.id, position=0, kind="scale", text="Hoe woont u hier?"))
        session.add(Timer(kind=TimerKind.SURVEY_START, ref_id=survey.id, due_at=now))
        session.commit()
    world.fire_timers()
    await world.deliver()
    await presses(world, world.resident, "Meedoen")
    return world.resident


REACH: dict[str, Reach] = {
    IDLE: _idle,
    IDLE_WITH_REQUEST: _idle_with_request,
    State.START_PLACE: _start_place,
    State.NEWS: _news,
    State.ASK_CATEGORY: _category,
    State.ASK_PLACE: _place,
    State.ASK_WHEN: _when,
    State.ASK_DETAILS: _details,
    State.ASK_CONFIRM: _confirm,
    State.BEHALF_NAME: _behalf_name,
    State.BEHALF_CONSENT: _behalf_consent,
    State.SECOND_NEED: _second_need,
    State.CALLBACK_PHONE: _callback_phone,
    State.CALLBACK_TIME: _callback_time,
    State.SIGN_UP_CATEGORIES: _sign_up_categories,
    State.SIGN_UP_PLACES: _sign_up_places,
    State.SIGN_UP_AVAILABILITY: _sign_up_availability,
    State.SIGN_UP_PHONE: _sign_up_phone,
    State.SIGN_UP_REINTEGRATION: _sign_up_reintegration,
    State.SIGN_UP_CONSENT: _sign_up_consent,
    State.MINUTES: _minutes,
    State.SURVEY_ANSWER: _survey_answer,
}
"""How to reach each question a resident or volunteer is asked (the coordinators' questions are work: see
`Question.for_work`), and idle with and without an open request."""


def state_of(name: str) -> str:
    """The conversation state a `REACH` name stands for."""
    return State.IDLE if name in (IDLE, IDLE_WITH_REQUEST) else name


@dataclass(frozen=True)
class Snapshot:
    """A conversation row as a question left it."""

    user_id: int
    state: str
    draft: dict[str, Any]


def snapshot(world: World, user: TgUser) -> Snapshot:
    with world.session() as session:
        row = session.get(Conversation, user.id)
        if row is None:
            return Snapshot(user.id, State.IDLE, {})
        return Snapshot(user.id, row.state, dict(row.draft))


def restore(world: World, saved: Snapshot) -> None:
    """Put the question back as it was asked a minute ago, with nothing misunderstood and no messages counted."""
    with world.session() as session:
        values = {
            "state": saved.state,
            "draft": saved.draft,
            "misunderstood": 0,
            "window_count": 0,
            "updated_at": world.clock.now() - timedelta(minutes=1),
            "last_press": "",
        }
        if session.get(Conversation, saved.user_id) is None:
            session.add(Conversation(user_id=saved.user_id, **values))
        else:
            session.exec(update(Conversation).where(Conversation.user_id == saved.user_id).values(**values))
        session.commit()


async def reply_to(world: World, user: TgUser, text: str) -> str:
    """What the bot shows after `user` types `text`: its new messages and edits, as one text."""
    await world.harness.send(user, text)
    shown = [
        call.params.get("text", "")
        for call in world.harness.last_calls
        if call.method in ("sendMessage", "editMessageText") and call.chat_id == user.id
    ]
    return "\n\n".join(shown)


# The marks of each kind of answer, most telling first: a short answer comes above the question asked again.
KINDS = (
    ("danger", ("🚨",)),
    ("call_back_made", ("Wij bellen u op", "stuurt u op", "U had al gevraagd om terug te bellen")),
    ("greeting", ("👋 Dag!",)),
    ("thanks", ("😊 Graag gedaan!",)),
    ("about", ("Ik ben de hulpbot",)),
    ("cost", ("💶",)),
    ("cant_help", ("Daar kan ik u helaas niet mee helpen",)),
    ("stopped", ("Gestopt.",)),
    ("withdraw_offer", ("Wilt u deze vraag intrekken?",)),
    ("steunpunt", ("Hier kunt u terecht", "Ik ken nog geen steunpunt", "Ik weet nog niet waar u woont")),
    ("sign_up", ("Fijn dat u wilt helpen!",)),
    ("misunderstood", ("Dat begrijp ik niet goed", "Die plaats ken ik niet")),
    ("call_back_offer", ("Zal iemand u bellen?",)),
    ("call_back", ("Wij bellen u graag terug",)),
    ("category_question", ("Ik denk dat u hulp zoekt bij", "Waar zoekt u hulp bij?")),
    ("menu", ("Typ gewoon wat u nodig heeft",)),
)


def kind_of(reply: str) -> str:
    """What kind of answer `reply` is; "moved_on" for an answer to the open question, "silence" for none."""
    if not reply.strip():
        return "silence"
    return next((kind for kind, marks in KINDS if any(mark in reply for mark in marks)), "moved_on")
