"""Never a dead end: "weet ik niet", call-backs, voice messages, locations, stickers, languages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app import set_public_profile
from db.models import HelpRequest, InboxItem, User
from tests.support.app import World, make_world
from tests.support.updates import location, sticker, voice


@pytest.fixture
async def world(sqlite_engine, clock, settings):
    world = make_world(sqlite_engine, clock, settings)
    async with world.harness:
        yield world


def lives_in_klimmen(world: World) -> None:
    with world.session() as session:
        session.add(
            User(id=world.resident.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=world.clock.now())
        )
        session.commit()


async def test_answering_weet_ik_niet_everywhere_ends_in_a_call_back(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.send(anna, "weet ik niet")  # which municipality?
    await h.send(anna, "ik weet het niet")  # what do you need?
    assert any("Deel mijn nummer" in label for label in h.buttons(anna))
    await h.send(anna, "weet ik niet")  # phone number?
    await h.send(anna, "geen idee")  # morning or afternoon?
    assert "U hoeft verder niets te doen" in h.last_text(anna)
    with world.session() as session:
        item = session.exec(select(InboxItem)).one()
        assert item.kind == "callback" and item.user_id == anna.id
    await world.deliver()
    assert "Bel terug" in h.last_text(world.coordinator)
    await h.send(anna, "weet ik niet")  # a new message starts afresh, no loop
    assert any("Deel mijn nummer" in label for label in h.buttons(anna))


async def test_call_back_with_shared_number_and_time(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.command(anna, "/start")
    await h.press(anna, "Bel mij terug")
    await h.share_contact(anna, "+31612345678")
    await h.press(anna, "Ochtend")
    assert "in de ochtend" in h.last_text(anna)
    await world.deliver()
    assert "+31612345678" in h.last_text(world.coordinator)


async def test_typed_ja_accepts_the_suggestion(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.send(anna, "kan iemand mijn hond uitlaten")
    await h.send(anna, "ja")
    assert "Wanneer" in h.last_text(anna)
    await h.send(anna, "vrijdag")
    await h.send(anna, "nee")
    assert "vrijdag 27 november" in h.last_text(anna)
    await h.press(anna, "Ja, versturen")
    with world.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert request.category_slug == "huisdieren" and str(request.when_date) == "2026-11-27"


async def test_an_unclear_typed_day_is_asked_again_in_one_message(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.send(anna, "kan iemand mijn hond uitlaten")
    await h.press(anna, "Ja")
    await h.send(anna, "als het zonnetje schijnt")
    assert "Dat begrijp ik niet goed" in h.last_text(anna) and "Wanneer" in h.last_text(anna)
    await h.send(anna, "als het zonnetje schijnt")  # the second time: a call-back instead of the same question
    assert "Zal iemand u bellen" in h.last_text(anna) and "Bel mij terug" in " ".join(h.buttons(anna))


async def test_a_voice_message_reaches_the_inbox(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.process(voice(anna))
    assert "luistert naar uw bericht" in h.last_text(anna)
    assert "Bel mij terug" in " ".join(h.buttons(anna))  # no number known: offered, not promised
    with world.session() as session:
        assert session.exec(select(InboxItem)).one().kind == "voice"
    await world.deliver()
    assert h.api.calls_to("copyMessage")[0].params["chat_id"] == world.coordinator.id


async def test_a_shared_location_suggests_the_nearest_neighbourhood(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.process(location(anna, 50.8771, 5.8812))
    assert "Klimmen" in h.last_text(anna)
    await h.press(anna, "Ja")
    with world.session() as session:
        assert session.get(User, anna.id).neighbourhood_slug == "klimmen"
    await h.process(location(anna, 52.37, 4.89))  # Amsterdam
    assert "niet in Parkstad" in h.last_text(anna)


async def test_a_sticker_gets_a_friendly_nudge(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.process(sticker(anna))
    assert "Ik zoek hulp" in " ".join(h.buttons(anna))


async def test_taal_switches_the_conversation_and_its_dates(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.command(anna, "/taal")
    await h.press(anna, "English")
    await h.send(anna, "can someone walk my dog on friday")
    await h.press(anna, "Yes")
    await h.press(anna, "No, continue")
    summary = h.last_text(anna)
    assert "Friday 27 November" in summary
    assert "Klopt" not in summary


async def test_command_menus_are_set_per_language(world: World) -> None:
    await set_public_profile(world.harness.bot)
    for locale in ("nl", "en", "de"):
        assert {command["command"] for command in world.api.commands(language_code=locale)} >= {"start", "hulp", "stop"}


async def test_a_failing_menu_call_is_logged_and_skipped(world: World) -> None:
    world.api.fail("setMyCommands", "server_error", times=3)
    await set_public_profile(world.harness.bot)
    assert world.api.commands(language_code="nl") == []
    assert len(world.api.calls_to("setMyDescription")) == 3
