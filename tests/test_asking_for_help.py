"""Asking for help, question by question: the start menu, a location for a place, typed answers where buttons
are offered, the call-back's stop key, no steunpunt nearby; and text at a coordinator's button step is no request."""

from __future__ import annotations

from sqlmodel import select

from bot.understanding import is_no, is_yes
from db.models import HelpRequest, User
from tests.support.app import World
from tests.support.updates import location


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
    for text in ("Ja, graag", "ja hoor", "Ja.", "oke", "dat klopt", "jaaa"):
        assert is_yes(text) and not is_no(text), text
    for text in ("Nee, dank u", "nee hoor", "klopt niet", "dat klopt niet", "Nein", "neet"):
        assert is_no(text) and not is_yes(text), text
    for text in ("weet ik niet", "kan iemand boodschappen doen", "Joep", "goedemorgen"):
        assert not is_yes(text) and not is_no(text), text


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
    assert "Dat begrijp ik niet goed" in h.last_text(anna) and "Klopt dit?" in h.last_text(anna)
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
    monkeypatch.setattr("bot.flows.steunpunt.organisations_near", lambda *args: [])
    await h.command(anna, "/steunpunt")
    assert "Ik ken nog geen steunpunt" in h.last_text(anna)
    await h.press(anna, "Bel mij terug")
    assert "Wij bellen u graag terug" in h.last_text(anna)
