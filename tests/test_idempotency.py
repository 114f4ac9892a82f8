"""The same update, or the same button press, handled twice changes nothing twice; old update ids are pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from telegram import Update

from bot.services.erasure import anonymise_expired
from bot.services.idempotency import callback_key
from db.models import HelpRequest, ProcessedUpdate, RequestStatus
from tests.support.app import World
from tests.support.scenarios import (
    settings_of,
)
from tests.support.updates import callback, next_update_id, private_text

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def button_press(world: World, user, chat_id: int, label: str) -> Update:
    """The update of `user` pressing the newest button labelled `label` in `chat_id`."""
    for message in reversed(world.api.messages(chat_id)):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label in button.get("text", ""):
                    return callback(user, message, button["callback_data"], bot=world.harness.bot)
    raise AssertionError(f"no button {label!r} in chat {chat_id}")


def with_new_update_id(update: Update) -> Update:
    """The same content (the same callback query id) in a new update."""
    data = update.to_dict()
    data["update_id"] = next_update_id()
    return Update.de_json(data, update.get_bot())


async def up_to_the_summary(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "kan iemand morgen mijn boodschappen doen?")
    await h.press(anna, "Ja")
    await h.press(anna, "Nee, verder")
    assert "Klopt dit?" in h.last_text(anna)


def requests(world: World) -> list[HelpRequest]:
    with world.session() as session:
        return list(session.exec(select(HelpRequest)))


async def test_a_repeated_send_update_creates_one_request(world: World) -> None:
    await up_to_the_summary(world)
    press = button_press(world, world.resident, world.resident.id, "Ja, versturen")

    await world.harness.process(press)
    calls_after_first = len(world.api.all_calls)
    await world.harness.process(press)

    assert len(requests(world)) == 1
    assert len(world.api.all_calls) == calls_after_first  # the repeat made no call at all
    await world.deliver()
    assert len(world.api.messages(world.group_id)) == 1  # one card


async def test_the_same_press_in_another_update_creates_one_request(world: World) -> None:
    await up_to_the_summary(world)
    press = button_press(world, world.resident, world.resident.id, "Ja, versturen")

    await world.harness.process(press)
    calls_after_first = len(world.api.all_calls)
    await world.harness.process(with_new_update_id(press))

    assert len(requests(world)) == 1
    assert len(world.api.all_calls) == calls_after_first
    with world.session() as session:
        assert session.get(ProcessedUpdate, callback_key(press.callback_query.id)) is not None


async def test_a_double_tap_on_send_creates_one_request(world: World) -> None:
    """Two presses (two query ids) of one button: the conversation has moved on after the first."""
    await up_to_the_summary(world)
    first = button_press(world, world.resident, world.resident.id, "Ja, versturen")
    second = button_press(world, world.resident, world.resident.id, "Ja, versturen")
    assert first.callback_query.id != second.callback_query.id

    await world.harness.process(first)
    await world.harness.process(second)

    assert len(requests(world)) == 1
    assert "Dank u wel" in world.harness.last_text(world.resident)
    await world.deliver()
    assert len(world.api.messages(world.group_id)) == 1  # one card


@pytest.mark.parametrize("redelivery", ["same update", "same press, new update", "double tap"])
async def test_ik_help_twice_claims_once(world: World, redelivery: str) -> None:
    await up_to_the_summary(world)
    await world.harness.press(world.resident, "Ja, versturen")
    await world.deliver()
    first = button_press(world, world.volunteer, world.group_id, "Ik help")
    second = {
        "same update": first,
        "same press, new update": with_new_update_id(first),
        "double tap": button_press(world, world.volunteer, world.group_id, "Ik help"),
    }[redelivery]

    await world.harness.process(first)
    await world.harness.process(second)
    await world.deliver()

    (request,) = requests(world)
    assert request.status == RequestStatus.CLAIMED and request.claimed_by == world.volunteer.id
    # One set of details for the volunteer, one "who helps" message for the resident.
    assert len([t for t in world.harness.texts(world.volunteer) if "Neem contact op" in t]) == 1
    assert len([t for t in world.harness.texts(world.resident) if "Piet helpt u" in t]) == 1


async def test_a_repeated_text_message_is_answered_once(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    message = private_text(anna, "/start", bot=h.bot)
    assert await h.process(message) != []
    assert await h.process(message) == []


async def test_retention_prunes_processed_updates_older_than_two_days(world: World) -> None:
    now = world.clock.now()
    with world.session() as session:
        session.add(ProcessedUpdate(update_id=1, processed_at=now - timedelta(days=3)))
        session.add(ProcessedUpdate(update_id=2, processed_at=now - timedelta(hours=1)))
        session.commit()
        anonymise_expired(session, now=now, settings=settings_of(world))
        session.commit()
        assert [row.update_id for row in session.exec(select(ProcessedUpdate))] == [2]
