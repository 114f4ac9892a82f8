"""Database timers with an injected clock: bump, escalation, reminders, weekly offers, restarts, timing rules,
and a failing timer that does not hold up the others."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.config import REPO_ROOT, Settings
from bot.services import timers as timer_service
from bot.services.places import link_group
from bot.services.requests import create_request
from bot.services.timers import fire_due_timers
from bot.services.timing import TIMING_FILE, Hours, TimingRules, hours_for, parse_timing, reminder_moment
from db.models import (
    Category,
    HelpRequest,
    InboxItem,
    Outbox,
    RequestStatus,
    Timer,
    User,
)
from tests.support.app import World, make_world
from tests.support.databases import sqlite_engine_at
from tests.support.scenarios import (
    new_request,
    settings_of,
)


async def test_never_claimed_is_bumped_then_escalated(world: World) -> None:
    h = world.harness
    request_id = new_request(world)
    await world.deliver()
    world.clock.advance(timedelta(hours=3, minutes=59))
    assert world.fire_timers() == 0
    world.clock.advance(timedelta(minutes=1))
    assert world.fire_timers() == 1
    await world.deliver()
    assert "zoekt nog een helper" in h.last_text(world.group_id)
    assert any("Ik help" in label for label in h.buttons(world.group_id))

    world.clock.advance(timedelta(hours=20))
    assert world.fire_timers() == 1
    assert world.fire_timers() == 0
    await world.deliver()
    coordinator = h.last_text(world.coordinator)
    assert "Geen vrijwilliger gevonden" in coordinator and "Anna" in coordinator
    assert h.buttons(world.coordinator) == [
        "➡️ Sociaal Wijk Team Voerendaal",  # the next level on the sociale kaart
        "Woonservice",
        "Particuliere hulp",
        "Bedrijf",
        "Bewoner bellen",
    ]
    assert "coördinator zoekt nu een andere oplossing" in h.last_text(world.resident)
    with world.session() as session:
        assert session.get(HelpRequest, request_id).status == RequestStatus.ESCALATED
        assert session.exec(select(InboxItem).where(InboxItem.kind == "escalation")).one().request_id == request_id
    await h.press(world.coordinator, "Woonservice")
    await world.deliver()
    assert "woonserviceproject" in h.last_text(world.resident)


async def test_no_group_bump_at_night(world: World) -> None:
    world.clock.set(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))  # 20:30 in Parkstad
    new_request(world)
    await world.deliver()
    world.clock.advance(timedelta(hours=4))  # 00:30
    assert world.fire_timers() == 0
    world.clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))  # 08:00
    assert world.fire_timers() == 1
    await world.deliver()
    assert "zoekt nog een helper" in world.harness.last_text(world.group_id)


async def test_a_claim_stops_the_bump_and_a_release_rearms_it(world: World) -> None:
    h = world.harness
    new_request(world)
    await world.deliver()
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    world.clock.advance(timedelta(days=2))
    assert world.fire_timers() == 0
    await h.press(world.volunteer, "Ik kan toch niet")
    world.clock.advance(timedelta(hours=4))
    assert world.fire_timers() == 1
    await world.deliver()
    assert "zoekt nog een helper" in h.last_text(world.group_id)


async def test_the_volunteer_is_reminded_the_day_before(world: World) -> None:
    h = world.harness
    with world.unit_of_work() as uow:
        session = uow.session
        anna = User(id=world.resident.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=world.clock.now())
        session.add(anna)
        uow.commit()
        create_request(
            session,
            resident_id=anna.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="date",
            when_date=date(2026, 11, 26),
            details="",
            now=world.clock.now(),
            settings=world.harness.app.bot_data["runtime"].settings,
        )
        uow.commit()
    await world.deliver()
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    with world.session() as session:
        reminder = session.exec(select(Timer).where(Timer.kind == "reminder")).one()
        assert reminder.due_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 17:00 in Parkstad
    world.clock.set(datetime(2026, 11, 25, 15, 59, tzinfo=UTC))
    assert world.fire_timers() == 0
    world.clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert world.fire_timers() == 1
    await world.deliver()
    assert "Herinnering" in h.last_text(world.volunteer) and "Anna" in h.last_text(world.volunteer)
    assert h.buttons(world.volunteer) == ["✅ Gedaan", "↩️ Ik kan toch niet"]


async def test_a_weekly_offer_goes_to_the_group_when_unanswered(world: World) -> None:
    h = world.harness
    new_request(world)
    await world.deliver()
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    await h.press(world.volunteer, "Gedaan")
    await world.deliver()
    await h.press(world.resident, "Ja, gelukt")
    await h.press(world.resident, "Ja, elke week")
    await world.deliver()
    cards = len(h.api.sent_messages(world.group_id))
    world.clock.advance(timedelta(hours=24))
    assert world.fire_timers() == 1
    await world.deliver()
    assert len(h.api.sent_messages(world.group_id)) == cards + 1
    assert any("Ik help" in label for label in h.buttons(world.group_id))
    # The old private offer no longer works for someone else... but the group card does, for anyone there.
    with world.session() as session:
        following = session.exec(select(HelpRequest).where(HelpRequest.series_id.is_not(None))).one()
        assert following.preferred_volunteer_id is None


async def test_timers_due_while_down_fire_exactly_once_after_a_restart(
    seeded_sqlite_file: Path, clock, settings
) -> None:
    engine = sqlite_engine_at(seeded_sqlite_file)
    world = make_world(engine, clock, settings)
    async with world.harness:
        new_request(world)
        await world.deliver()
    engine.dispose()  # the bot goes down; a day passes

    clock.advance(timedelta(days=1, hours=1))
    engine = sqlite_engine_at(seeded_sqlite_file)
    world = make_world(engine, clock, settings)
    async with world.harness:
        assert world.fire_timers() == 2
        assert world.fire_timers() == 0
        await world.deliver()
        assert len(world.harness.api.sent_messages(world.group_id)) == 1  # one bump
        assert "Geen vrijwilliger gevonden" in world.harness.last_text(world.coordinator)
    with Session(engine) as session:
        assert all(timer.fired_at is not None for timer in session.exec(select(Timer)))
        assert len(session.exec(select(Outbox).where(Outbox.chat_id == settings.coordinator_ids[0])).all()) == 1
    engine.dispose()


def test_hours_per_category_and_urgency() -> None:
    settings = Settings(bump_after_hours=4, escalate_after_hours=24)
    rules = parse_timing(
        {
            "category": {"vervoer": {"bump_hours": 2, "escalate_hours": 12}, "tuin": {"bump_hours": 8}},
            "urgency": {"today": {"bump_hours": 1, "escalate_hours": 3}},
        }
    )
    assert hours_for("boodschappen", "any", settings, rules) == Hours(4, 24)
    assert hours_for("vervoer", "week", settings, rules) == Hours(2, 12)
    assert hours_for("tuin", "any", settings, rules) == Hours(8, 24)
    assert hours_for("tuin", "today", settings, rules) == Hours(1, 3)
    assert hours_for("boodschappen", "any", settings, TimingRules()) == Hours(4, 24)


def test_the_category_timing_is_used_for_new_requests(tmp_path: Path, sqlite_engine, clock) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / TIMING_FILE).write_text("[category.boodschappen]\nbump_hours = 1\nescalate_hours = 2\n")
    settings = Settings(data_dir=data)

    with Session(sqlite_engine) as session:
        anna = User(id=1, first_name="Anna", created_at=clock.now())
        session.add(anna)
        link_group(session, chat_id=-5, title="", neighbourhood_slug="klimmen", linked_by=1, now=clock.now())
        session.commit()
        placement = create_request(
            session,
            resident_id=anna.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details="",
            now=clock.now(),
            settings=settings,
        )
        due = {t.kind: t.due_at - clock.now() for t in session.exec(select(Timer)) if t.ref_id == placement.request_id}
    assert due == {"bump": timedelta(hours=1), "escalate": timedelta(hours=2)}


@pytest.mark.parametrize(
    "raw",
    [
        {"category": {"vervoer": {"bump_hours": -1}}},
        {"category": {"vervoer": {"bump": 2}}},
        {"reminder": {"hour": 25}},
        {"recurring": {"offer_hours": 0}},
    ],
)
def test_wrong_timing_values_are_refused(raw: dict) -> None:
    with pytest.raises(ValueError):
        parse_timing(raw)


def test_the_timing_file_is_valid_and_names_real_categories(sqlite_engine) -> None:
    import tomllib

    with (REPO_ROOT / "data" / TIMING_FILE).open("rb") as handle:
        rules = parse_timing(tomllib.load(handle))
    with Session(sqlite_engine) as session:
        known = {c.slug for c in session.exec(select(Category))}
    assert set(rules.categories) <= known
    assert set(rules.urgency) <= {"today", "tomorrow", "week", "any", "date"}


def test_reminder_moment_is_the_evening_before_in_local_time() -> None:
    settings = Settings()
    assert reminder_moment(date(2026, 7, 10), settings, TimingRules(reminder_hour=17)) == datetime(
        2026, 7, 9, 15, 0, tzinfo=UTC
    )


async def test_a_failing_timer_is_retried_later_and_the_others_fire(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(session, timer, now, settings):
        session.add(InboxItem(kind="half", created_at=now))
        session.flush()
        raise RuntimeError("Anna 0612345678")

    monkeypatch.setitem(timer_service.TIMER_KINDS, "boom", boom)
    now = world.clock.now()
    with world.session() as session:
        session.add(Timer(kind="boom", ref_id=1, due_at=now - timedelta(hours=2)))
        session.add(Timer(kind="unknown-kind", ref_id=2, due_at=now - timedelta(hours=1)))
        session.commit()
    with caplog.at_level(logging.WARNING), world.unit_of_work() as uow:
        fired = fire_due_timers(uow.session, now=now, settings=settings_of(world))
        uow.commit()
    assert fired == 1
    with world.session() as session:
        failed = session.exec(select(Timer).where(Timer.kind == "boom")).one()
        assert failed.fired_at is None and failed.due_at > now
        assert session.exec(select(Timer).where(Timer.kind == "unknown-kind")).one().fired_at is not None
        assert session.exec(select(InboxItem).where(InboxItem.kind == "half")).all() == []
    assert "RuntimeError" in caplog.text and "0612345678" not in caplog.text
