"""Monitoring: figures counted in the database, the chart as PNG, `/overzicht` and its refusals; steunpunten."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.handlers import monitoring
from bot.i18n import translator
from bot.render.monitoring import overview_chart, overview_text
from bot.services.monitoring import Overview, overview
from db.models import Coordinator, HelpRequest, RequestStatus, User
from tests.support.app import World
from tests.support.updates import make_user

VERA = make_user(902, "Vera")


def add_requests(world: World) -> None:
    """Four requests in Voerendaal (two claimed after 30 and 90 minutes, one done, one escalated), one in Heerlen."""
    now = world.clock.now()
    with world.session() as session:
        session.add(User(id=VERA.id, first_name="Vera", created_at=now))
        session.add(Coordinator(user_id=VERA.id, municipality_slug="voerendaal", added_at=now))
        rows = [
            ("boodschappen", "klimmen", RequestStatus.DONE, 30, 202, None),
            ("boodschappen", "klimmen", RequestStatus.CLAIMED, 90, 203, None),
            ("vervoer", "klimmen", RequestStatus.OPEN, None, None, None),
            ("vervoer", "ransdaal", RequestStatus.ESCALATED, None, None, now - timedelta(hours=1)),
            ("boodschappen", "heerlen-centrum", RequestStatus.CLAIMED, 10, 204, None),
        ]
        for category, place, status, minutes, helper, escalated in rows:
            created = now - timedelta(days=2)
            session.add(
                HelpRequest(
                    category_slug=category,
                    neighbourhood_slug=place,
                    status=status,
                    created_at=created,
                    claimed_at=created + timedelta(minutes=minutes) if minutes else None,
                    claimed_by=helper,
                    escalated_at=escalated,
                    details="Mevrouw Jansen, bel 0612345678",
                )
            )
        session.commit()


async def test_overview_counts_in_the_database(world: World) -> None:
    add_requests(world)
    now = world.clock.now()
    with world.session() as session:
        result = overview(session, start=now - timedelta(days=30), end=now, municipality_slug="voerendaal")
        everywhere = overview(session, start=now - timedelta(days=30), end=now, municipality_slug=None)
        month_ago = now - timedelta(days=30)
        earlier = overview(session, start=month_ago - timedelta(days=30), end=month_ago, municipality_slug=None)
    assert (result.total, result.claimed, result.done, result.escalated) == (4, 2, 1, 1)
    assert result.active_volunteers == 2
    assert result.median_minutes_to_claim == pytest.approx(60)
    assert dict((name.split(" ", 1)[-1], n) for name, n, _c in result.per_category) == {
        "Boodschappen": 2,
        "Vervoer": 2,
    }
    assert dict(result.per_neighbourhood) == {"Klimmen": 3, "Ransdaal": 1}
    assert everywhere.total == 5 and everywhere.median_minutes_to_claim == pytest.approx(30)
    assert earlier.total == 0 and earlier.median_minutes_to_claim is None
    text = overview_text(result, "Voerendaal", translator("nl"))
    assert "Vragen: 4" in text and "Opgepakt: 50%" in text and "60 minuten" in text


def test_chart_renders_to_png(sqlite_engine) -> None:
    from datetime import UTC, datetime

    from sqlmodel import Session

    now = datetime(2026, 11, 23, tzinfo=UTC)
    with Session(sqlite_engine) as session:
        empty = overview(session, start=now - timedelta(days=7), end=now, municipality_slug=None)
    empty.per_category = [("🛒 Boodschappen", 12, 9), ("🚗 Vervoer", 4, 1)]
    empty.per_neighbourhood = [("Klimmen", 10), ("Ransdaal", 6)]
    png = overview_chart(empty, translator("nl"))
    assert png.startswith(b"\x89PNG")


async def test_overzicht_sends_text_and_chart_and_refuses_others(world: World) -> None:
    h = world.harness
    add_requests(world)
    await h.command(VERA, "/overzicht maand")
    assert "Overzicht Voerendaal" in h.texts(VERA)[-1] and "Vragen: 4" in h.texts(VERA)[-1]
    assert h.api.calls_to("sendPhoto")[-1].chat_id == VERA.id
    await h.command(VERA, "/overzicht heerlen")
    assert "dat mag u niet" in h.last_text(VERA)
    await h.command(world.resident, "/overzicht")
    assert "dat mag u niet" in h.last_text(world.resident)
    await h.command(world.coordinator, "/overzicht week heerlen")
    assert "Overzicht Heerlen" in h.texts(world.coordinator)[-1]


async def test_steunpunt_by_command_and_by_asking(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/steunpunt")
    assert "/start" in h.last_text(anna)
    with world.session() as session:
        session.merge(User(id=anna.id, first_name="Anna", created_at=world.clock.now(), neighbourhood_slug="klimmen"))
        session.commit()
    await h.command(anna, "/steunpunt")
    text = h.last_text(anna)
    assert text.index("Wijksteunpunt Klimmen") < text.index("Voerendaal-Kunrade")
    assert "Er is een loket" in text and "📍" not in text  # no address in the data file: no empty line
    await h.send(anna, "Waar kan ik terecht?")
    assert "Wijksteunpunt Klimmen" in h.last_text(anna)


async def test_others_are_answered_while_the_chart_is_drawn(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    h, anna = world.harness, world.resident
    add_requests(world)
    started, release = threading.Event(), threading.Event()

    def slow_chart(result, _):
        started.set()
        assert release.wait(timeout=30), "the test never released the drawing"
        return overview_chart(result, _)

    monkeypatch.setattr(monitoring, "overview_chart", slow_chart)
    drawing = asyncio.create_task(h.command(VERA, "/overzicht"))
    assert await asyncio.to_thread(started.wait, 30)
    await h.command(anna, "/start")
    assert "Welkom" in " ".join(h.texts(anna))  # answered while the chart was still being drawn
    assert "Vragen: 4" in h.texts(VERA)[-1] and h.api.calls_to("sendPhoto") == []
    release.set()
    await drawing
    assert h.api.calls_to("sendPhoto")[-1].chat_id == VERA.id


@pytest.mark.parametrize(
    ("command", "method", "fault"), [("/overzicht", "sendPhoto", "retry_after"), ("/export", "sendDocument", "network")]
)
async def test_a_file_telegram_does_not_take_now_is_said_in_one_message(
    world: World, command: str, method: str, fault: str
) -> None:
    h = world.harness
    add_requests(world)
    h.api.fail(method, fault, retry_after=30)
    await h.command(VERA, command)
    assert h.api.calls_to(method) == []
    await world.deliver()
    said = [text for text in h.texts(VERA) if "kon nu niet mee" in text]
    assert len(said) == 1


def test_the_overview_speaks_plain_dutch() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    result = Overview(start=now - timedelta(days=7), end=now, municipality_slug=None, total=2, claimed=1)
    result.median_minutes_to_claim = 150
    text = overview_text(result, "Parkstad", translator("nl"))
    assert "meestal binnen 2,5 uur" in text and "mediaan" not in text
    result.median_minutes_to_claim = None
    assert "Er is nog geen vraag opgepakt." in overview_text(result, "Parkstad", translator("nl"))
