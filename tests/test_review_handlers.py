"""Fixes from the review of the handlers and flows, each driven through the real Application."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.i18n import translator
from bot.services.people import set_activity_news, set_neighbourhood
from bot.services.places import link_group_to, linked_neighbourhoods
from bot.understanding import is_dont_know, is_no, is_yes
from db.models import HelpRequest, RequestStatus, User
from tests.support.app import World, make_world
from tests.support.updates import location
from tests.test_help_loop import ask_for_groceries
from tests.test_lifecycle import new_request


async def test_claim_kept_when_sending_the_details_times_out(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world)
    await world.deliver()
    world.api.fail("sendMessage", "timeout", chat_id=world.volunteer.id, deliver=True)
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "Dank u wel" in world.alert()
    assert "Piet helpt al" in h.last_text(world.group_id)
    await world.deliver()
    assert "Piet helpt u" in h.last_text(world.resident)
    with world.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert request.status == RequestStatus.CLAIMED and request.claimed_by == world.volunteer.id


async def test_the_volunteers_name_is_escaped_for_the_resident(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await h.press(piet, "Gedaan")
    _rename(world, piet.id, "Piet <3")
    await world.deliver()
    await h.press(anna, "Ja, gelukt")
    assert "weer Piet &lt;3." in h.last_text(anna)


async def test_my_requests_escapes_the_helpers_name(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    _rename(world, piet.id, "Piet <3")
    await h.command(anna, "/mijnvragen")
    assert "Piet &lt;3 helpt u" in "\n".join(h.texts(anna))


def _rename(world: World, user_id: int, name: str) -> None:
    with world.session() as session:
        user = session.get(User, user_id)
        user.first_name = name
        session.add(user)
        session.commit()


async def at_the_menu(world: World) -> None:
    """Anna picks her neighbourhood and answers the news question; the menu shows."""
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.press(anna, "Graag")
    assert "Ik zoek hulp" in h.buttons(anna)[0]


async def test_the_help_button_is_answered(world: World) -> None:
    h, anna = world.harness, world.resident
    await at_the_menu(world)
    await h.press(anna, "Ik zoek hulp")
    assert [call.method for call in h.last_calls].count("answerCallbackQuery") == 1
    assert "Waarmee kunnen wij u helpen" in h.last_text(anna)


async def test_the_stop_key_at_the_phone_question_stops(world: World) -> None:
    h, anna = world.harness, world.resident
    await at_the_menu(world)
    await h.press(anna, "Bel mij terug")
    assert "❌ Stoppen" in h.buttons(anna)
    await h.send(anna, "❌ Stoppen")
    assert "Gestopt" in h.last_text(anna)
    assert h.last_calls[-1].params["reply_markup"] == {"remove_keyboard": True}
    await h.send(anna, "kan iemand morgen mijn boodschappen doen?")
    assert "Boodschappen" in h.last_text(anna)


async def test_a_location_at_the_start_question_ends_it(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.process(location(anna, 50.8771, 5.8812))
    await h.press(anna, "Ja")
    assert "Wilt u horen wat er te doen is" in h.last_text(anna)
    await h.press(anna, "Graag")
    await h.send(anna, "kan iemand morgen mijn boodschappen doen?")
    assert "Boodschappen" in h.last_text(anna)
    assert not any("Die plaats ken ik niet" in text for text in h.texts(anna))


async def test_a_location_at_the_place_question_goes_on(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.send(anna, "kan iemand morgen mijn boodschappen doen?")
    await h.press(anna, "Ja")
    assert "gemeente" in h.last_text(anna)
    await h.process(location(anna, 50.8771, 5.8812))
    await h.press(anna, "Ja")
    assert "Wilt u nog iets vertellen" in h.last_text(anna)
    with world.session() as session:
        assert session.get(User, anna.id).neighbourhood_slug == "klimmen"


def test_yes_and_no_are_read_from_the_first_words() -> None:
    for text in ("Ja, graag", "ja hoor", "Ja.", "oke", "dat klopt"):
        assert is_yes(text) and not is_no(text), text
    for text in ("Nee, dank u", "nee hoor", "klopt niet", "dat klopt niet", "Nein"):
        assert is_no(text) and not is_yes(text), text
    for text in ("weet ik niet", "kan iemand boodschappen doen", "Joep", "goedemorgen"):
        assert not is_yes(text) and not is_no(text), text
    assert is_dont_know("weet ik niet")


async def test_typed_answers_to_details_and_confirm(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "kan iemand morgen mijn boodschappen doen?")
    await h.send(anna, "Ja, graag")
    assert "Wilt u nog iets vertellen" in h.last_text(anna)
    await h.send(anna, "ja")
    assert "Typ het maar." in h.last_text(anna)
    await h.send(anna, "Nee, dank u")
    assert "Klopt dit?" in h.last_text(anna)
    assert "Nee, dank u" not in h.last_text(anna)
    await h.send(anna, "Ja, graag")
    assert "vrijwilligers in Klimmen" in h.last_text(anna)
    with world.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert "dank u" not in request.details.lower()


async def test_a_typed_no_at_confirm_does_not_send(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "kan iemand morgen mijn boodschappen doen?")
    await h.press(anna, "Ja")
    await h.press(anna, "Nee, verder")
    await h.send(anna, "iets anders")
    assert "Kies een van de knoppen" in h.last_text(anna)
    await h.send(anna, "nee hoor")
    assert "niet verstuurd" in h.last_text(anna)
    with world.session() as session:
        assert session.exec(select(HelpRequest)).all() == []


async def test_text_at_a_coordinator_button_step_is_not_a_help_request(world: World) -> None:
    h, carla = world.harness, world.coordinator
    await h.command(carla, "/activiteit")
    await h.send(carla, "kan iemand morgen mijn boodschappen doen?")
    assert "Kies een van de knoppen" in h.last_text(carla)
    # Buttons that work at any moment still work in the middle.
    await h.command(carla, "/nieuws")
    await h.press(carla, "Liever niet")
    assert "geen bericht" in h.last_text(carla)
    await h.press(carla, "Voerendaal")
    await h.send(carla, "Samen eten")
    with world.session() as session:
        assert session.exec(select(HelpRequest)).all() == []
    assert "Vertel in een paar zinnen" in h.last_text(carla)


async def test_no_steunpunt_nearby_offers_a_call_back_button(world: World, monkeypatch) -> None:
    h, anna = world.harness, world.resident
    await at_the_menu(world)
    monkeypatch.setattr("bot.flows.steunpunt.steunpunten_for", lambda *args: [])
    await h.command(anna, "/steunpunt")
    assert "Ik ken nog geen steunpunt" in h.last_text(anna)
    await h.press(anna, "Bel mij terug")
    assert "Wij bellen u graag terug" in h.last_text(anna)


def test_people_services_store_news_and_neighbourhood(engine: Engine, clock: ManualClock) -> None:
    with Session(engine, expire_on_commit=False) as session:
        session.add(User(id=7, first_name="Anna", created_at=clock.now()))
        session.commit()
        set_activity_news(session, 7, True)
        assert set_neighbourhood(session, 7, "klimmen") == "Klimmen"
        assert set_neighbourhood(session, 7, "nergens") is None
        assert set_neighbourhood(session, 8, "klimmen") is None
        session.commit()
    with Session(engine) as session:
        anna = session.get(User, 7)
        assert anna.activity_news is True and anna.neighbourhood_slug == "klimmen"


def test_link_group_to_saves_the_link(engine: Engine, clock: ManualClock) -> None:
    with Session(engine) as session:
        assert (
            link_group_to(
                session, chat_id=-5, title="Klimmen helpt", neighbourhood_slug="klimmen", linked_by=1, now=clock.now()
            )
            == "Klimmen"
        )
        assert (
            link_group_to(session, chat_id=-5, title="x", neighbourhood_slug="nergens", linked_by=1, now=clock.now())
            is None
        )
        session.commit()
    with Session(engine) as session:
        assert [place.slug for place in linked_neighbourhoods(session, -5)] == ["klimmen"]


def test_the_translator_shows_times_in_the_given_zone() -> None:
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert translator("nl").moment(moment) == "dinsdag 24 november om 10:00"
    tokyo = translator("nl", ZoneInfo("Asia/Tokyo"))
    assert tokyo.moment(moment) == "dinsdag 24 november om 18:00"
    assert tokyo is translator("nl", ZoneInfo("Asia/Tokyo")) and tokyo is not translator("nl")


async def test_context_translators_use_the_settings_zone(sqlite_engine: Engine, clock: ManualClock, settings) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    world = make_world(sqlite_engine, clock, replace(settings, time_zone=tokyo))
    context = world.harness.app.context_types.context.from_update(None, world.harness.app)
    assert context._.time_zone == tokyo and context.group_translator().time_zone == tokyo
    context.use_locale("en")
    assert context._.time_zone == tokyo
