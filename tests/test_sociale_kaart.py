"""The sociale kaart, update by update: an escalated request proposes the next level of PuntExtra's order with the
organisations that fit, one press refers it and the resident hears name and phone; /steunpunt lists them too."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.config import Settings
from bot.services.requests import create_request
from bot.services.timers import fire_due_timers
from db.models import HelpRequest, InboxItem, InboxStatus, RequestStatus, User
from tests.support.app import World
from tests.support.desk import desk_client, desk_runtime, log_in, login_path
from tests.support.scenarios import settings_of
from tests.support.updates import callback
from tests.test_inbox import press_on
from tests.test_prices import DATA_DIR, data_dir_with

# A woonservice project for the garden in Voerendaal, with a phone number: only in tests.
PROJECT = (
    (DATA_DIR / "providers.toml").read_text(encoding="utf-8")
    + """
[[organisation]]
slug = "woonservice-test"
name = "Woonserviceproject Test"
level = "woonservice"
municipalities = ["voerendaal"]
categories = ["tuin"]
phone = "045 000 00 00"
opening_hours = ""
web = ""
price = "dienstencheque"
description = { nl = "Test.", en = "Test.", de = "Test." }
"""
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token="123456:TEST",
        coordinator_ids=(900,),
        throttle=False,
        data_dir=data_dir_with(tmp_path, providers=PROJECT),
    )


async def escalated(world: World, category: str) -> int:
    """Anna in Klimmen asks for `category`; nobody claims it for 30 hours; the request's id."""
    now = world.clock.now()
    with world.unit_of_work() as uow:
        session = uow.session
        anna = User(id=world.resident.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=now)
        anna.has_private_chat = True
        session.merge(anna)
        uow.commit()
        request_id = create_request(
            session,
            resident_id=world.resident.id,
            category_slug=category,
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details="graag hulp",
            now=now,
            settings=settings_of(world),
        ).request_id
        uow.commit()
    await world.deliver()
    world.clock.advance(timedelta(hours=30))
    with world.unit_of_work() as uow:
        fire_due_timers(uow.session, now=world.clock.now(), settings=settings_of(world))
        uow.commit()
    await world.deliver()
    return request_id


async def test_an_escalation_proposes_the_next_level_and_one_press_refers_it(world: World) -> None:
    carla, anna = world.coordinator, world.resident
    request_id = await escalated(world, "tuin")
    message = world.harness.last_text(carla)
    assert "Volgende stap: Woonservice" in message
    assert "Woonserviceproject Test 📞 045 000 00 00" in message
    assert "Buurtteam" not in message  # not a garden job
    await press_on(world, carla, "Geen vrijwilliger gevonden", "Woonserviceproject Test")
    assert "✅ Gekozen: Woonserviceproject Test" in world.harness.last_text(carla)
    with world.session() as session:
        assert session.get(HelpRequest, request_id).status == RequestStatus.REFERRED
        item = session.exec(select(InboxItem).where(InboxItem.request_id == request_id)).one()
        assert item.status == InboxStatus.REFERRED and "woonservice-test" in item.note
    await world.deliver()
    assert world.harness.last_text(anna) == (
        "ℹ️ Wij hebben uw vraag doorgegeven aan Woonserviceproject Test. U kunt hen ook zelf bellen: 045 000 00 00."
    )


async def test_volunteers_of_an_organisation_come_first_and_an_unknown_phone_is_not_made_up(world: World) -> None:
    carla, anna = world.coordinator, world.resident
    await escalated(world, "klussen")
    assert "Volgende stap: Vrijwilligers" in world.harness.last_text(carla)
    await press_on(world, carla, "Geen vrijwilliger gevonden", "Buurtteam Voerendaal")
    await world.deliver()
    assert world.harness.last_text(anna) == (
        "ℹ️ Wij hebben uw vraag doorgegeven aan Buurtteam Voerendaal. Zij nemen contact met u op."
    )


async def test_without_an_organisation_for_the_job_the_wijkteam_is_proposed(world: World) -> None:
    await escalated(world, "boodschappen")
    message = world.harness.last_text(world.coordinator)
    assert "Volgende stap: Wijkteam of loket" in message and "Sociaal Wijk Team Voerendaal" in message
    assert "Woonservice" in world.harness.buttons(world.coordinator)  # PuntExtra's routes stay


async def test_an_organisation_of_another_municipality_is_refused(world: World) -> None:
    request_id = await escalated(world, "klussen")
    await press_on(world, world.coordinator, "Geen vrijwilliger gevonden", "Buurtteam Voerendaal")
    with world.session() as session:
        assert session.get(HelpRequest, request_id).status == RequestStatus.REFERRED
    other = await escalated(world, "tuin")
    message = world.api.messages(world.coordinator.id)[-1]
    await world.harness.process(callback(world.coordinator, message, f"pxo:{other}:sociaal-wijkteam-kerkrade"))
    with world.session() as session:
        assert session.get(HelpRequest, other).status == RequestStatus.ESCALATED


async def test_steunpunt_lists_the_organisations_of_the_municipality(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "waar kan ik terecht?")
    answer = h.last_text(anna)
    assert "Wijksteunpunt Klimmen" in answer
    assert "Deze organisaties helpen ook:" in answer and "Sociaal Wijk Team Voerendaal" in answer
    assert "Sociaal wijkteam Kerkrade" not in answer


async def test_the_desk_inbox_shows_the_proposal_and_refers_with_one_press(world: World) -> None:
    runtime = desk_runtime(world.engine, world.clock, settings_of(world))
    request_id = await escalated(world, "tuin")
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, world.coordinator.id))
    page = client.get("/inbox").text
    assert "Volgende stap: Woonservice" in page and "Woonserviceproject Test · 045 000 00 00" in page
    with world.session() as session:
        item = session.exec(select(InboxItem).where(InboxItem.request_id == request_id)).one()
    answer = client.post(f"/inbox/{item.id}/organisatie", data={"csrf_token": csrf, "organisatie": "woonservice-test"})
    assert answer.status_code == 303 and "bericht=ok" in answer.headers["location"]
    with world.session() as session:
        assert session.get(HelpRequest, request_id).status == RequestStatus.REFERRED
    await world.deliver()
    assert "Woonserviceproject Test" in world.harness.last_text(world.resident)
