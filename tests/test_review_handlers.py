"""Fixes from the review of the handlers and flows, each driven through the real Application."""

from __future__ import annotations

from sqlmodel import select

from bot.answers import is_dont_know, is_no, is_yes
from db.models import HelpRequest, RequestStatus, User
from tests.support.app import World
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
