""" "Weet ik niet", typed into every question or pressed where it is a button, ends at the call-back, and no
conversation repeats itself: no message of the bot three times in a row."""

from __future__ import annotations

import pytest
from sqlmodel import select
from telegram import User as TgUser

from bot.flows.states import State
from db.models import InboxItem, InboxKind
from tests.support.app import World
from tests.support.conversation_table import REACH, kind_of, lives_in_klimmen, reply_to, snapshot

CALL_BACK_QUESTIONS = ("callback_phone", "callback_time")
SKIPPED = {"minutes": "the time a volunteer spent need not be told: 'weet ik niet' skips it"}


def sent_texts(world: World, user: TgUser) -> list[str]:
    """Every message the bot sent this person, in order (as sent, before any edit)."""
    return [call.params.get("text", "") for call in world.api.calls_to("sendMessage") if call.chat_id == user.id]


def assert_no_loop(world: World, user: TgUser) -> None:
    texts = sent_texts(world, user)
    for i in range(len(texts) - 2):
        assert not texts[i] == texts[i + 1] == texts[i + 2], f"three times in a row: {texts[i]!r}"


def call_backs(world: World) -> int:
    with world.session() as session:
        return len(session.exec(select(InboxItem).where(InboxItem.kind == InboxKind.CALLBACK)).all())


async def ends_at_the_call_back(world: World, user: TgUser) -> None:
    """At the phone question: "weet ik niet" once more makes the call-back (by message, without a number)."""
    assert snapshot(world, user).state == State.CALLBACK_PHONE
    assert kind_of(await reply_to(world, user, "weet ik niet")) == "call_back_made"
    assert snapshot(world, user).state == State.IDLE
    assert call_backs(world) == 1


@pytest.mark.parametrize("name", [name for name in REACH if name not in SKIPPED])
async def test_typed_dont_know_in_every_question_ends_at_the_call_back(world: World, name: str) -> None:
    user = await REACH[name](world)
    if name not in CALL_BACK_QUESTIONS:
        assert kind_of(await reply_to(world, user, "weet ik niet")) == "call_back"
        await ends_at_the_call_back(world, user)
    else:
        assert kind_of(await reply_to(world, user, "weet ik niet")) == "call_back_made"
    assert_no_loop(world, user)


@pytest.mark.parametrize("name", [name for name in REACH if name not in SKIPPED])
async def test_confusion_in_every_question_offers_the_call_back_and_never_loops(world: World, name: str) -> None:
    user = await REACH[name](world)
    kinds = [kind_of(await reply_to(world, user, "blabla")) for _ in range(4)]
    assert {"call_back", "call_back_made"} & set(kinds), kinds  # the call-back comes, not the same question again
    assert_no_loop(world, user)


async def reach_the_category_question(world: World, how: str) -> TgUser:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world, anna)
    if how == "open":
        await h.command(anna, "/hulp")
    elif how == "guess":
        await h.send(anna, "kan iemand mijn boodschappen doen")
    else:
        await h.command(anna, "/hulp")
        await h.press(anna, "Alle soorten hulp")
    return anna


@pytest.mark.parametrize("how", ["open", "guess", "all"])
async def test_pressed_dont_know_at_the_category_question_ends_at_the_call_back(world: World, how: str) -> None:
    anna = await reach_the_category_question(world, how)
    await world.harness.press(anna, "Ik weet het niet")
    assert kind_of(world.harness.last_text(anna)) == "call_back"
    await ends_at_the_call_back(world, anna)
    assert_no_loop(world, anna)
