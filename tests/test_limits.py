"""Anti-spam: messages per minute and new requests per day, counted in the database, answered kindly."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from bot.config import Settings
from bot.services.limits import count_message
from db.models import HelpRequest
from tests.support.app import World, make_world
from tests.support.scenarios import (
    ask_for_groceries_like,
)


@pytest.fixture
async def world(engine, clock, settings):
    world = make_world(engine, clock, replace(settings, messages_per_minute=3, requests_per_day=2))
    async with world.harness:
        yield world


def request_count(world: World) -> int:
    with world.session() as session:
        return session.exec(select(func.count()).select_from(HelpRequest)).one()


def test_limits_come_from_the_environment() -> None:
    settings = Settings.from_env({"REQUESTS_PER_DAY": "3", "MESSAGES_PER_MINUTE": "7", "RETENTION_DAYS": "30"})
    assert (settings.requests_per_day, settings.messages_per_minute, settings.retention_days) == (3, 7, 30)
    assert (Settings().requests_per_day, Settings().messages_per_minute, Settings().retention_days) == (10, 20, 365)


async def test_too_many_messages_in_a_minute_are_answered_once_then_ignored(world: World) -> None:
    h, anna = world.harness, world.resident
    for _ in range(3):
        assert await h.send(anna, "hallo") != []
    replies = await h.send(anna, "hallo")
    assert len(replies) == 1 and "Wacht even een minuut" in replies[0].params["text"]
    assert await h.send(anna, "hallo") == []
    assert await h.command(anna, "/start") == []

    world.clock.advance(timedelta(minutes=1))
    assert "Welkom" in (await h.command(anna, "/start"))[0].params["text"]


async def test_one_users_flood_does_not_slow_down_another(world: World) -> None:
    h = world.harness
    for _ in range(6):
        await h.send(world.resident, "hallo")
    assert await h.send(world.volunteer, "hallo") != []


def counted(session: Session, **arguments) -> int:
    """Count a message and commit, as each update's unit of work does."""
    count = count_message(session, **arguments)
    session.commit()
    return count


def test_the_count_is_shared_by_every_process(engine, clock) -> None:
    """Two sessions stand for two bot processes on one database."""
    now = clock.now()
    with Session(engine) as first, Session(engine) as second:
        assert counted(first, user_id=7, now=now) == 1
        assert counted(second, user_id=7, now=now) == 2
        assert counted(first, user_id=7, now=now + timedelta(seconds=30)) == 3
        assert counted(second, user_id=7, now=now + timedelta(minutes=1)) == 1
        assert counted(first, user_id=8, now=now) == 1


async def test_requests_per_day_are_limited_with_a_way_out(world: World) -> None:
    h, anna = world.harness, world.resident
    for _ in range(2):
        await ask_for_groceries_like(world, "kan iemand mijn boodschappen doen")
        world.clock.advance(timedelta(minutes=5))
    assert request_count(world) == 2

    await h.send(anna, "kan iemand mijn hond uitlaten")
    assert "maximum per dag" in h.last_text(anna)
    assert any("Bel mij terug" in label for label in h.buttons(anna))
    await h.press(anna, "Bel mij terug")
    assert "nummer" in h.last_text(anna)
    await h.command(anna, "/stop")
    await h.command(anna, "/hulp")
    assert "maximum per dag" in h.last_text(anna)
    assert request_count(world) == 2

    world.clock.advance(timedelta(hours=24))
    await ask_for_groceries_like(world, "kan iemand mijn boodschappen doen")
    assert request_count(world) == 3


async def test_the_limit_is_checked_again_when_sending(world: World) -> None:
    """A resident who starts two questions side by side cannot pass the limit at the last step."""
    h, anna = world.harness, world.resident
    await ask_for_groceries_like(world, "kan iemand mijn boodschappen doen")
    world.clock.advance(timedelta(minutes=1))
    await h.send(anna, "kan iemand mijn boodschappen doen")
    await h.press(anna, "Ja")
    await h.press(anna, "Maakt niet uit")
    world.clock.advance(timedelta(minutes=1))
    await h.press(anna, "Nee, verder")
    with world.session() as session:  # meanwhile another request arrived (another device, another process)
        first = session.exec(select(HelpRequest)).one()
        session.add(HelpRequest.model_validate(first.model_dump(exclude={"id"})))
        session.commit()
    await h.press(anna, "Ja, versturen")
    assert "maximum per dag" in h.last_text(anna)
    assert request_count(world) == 2
