"""Two needs in one message: one request for the first, then the offer of a second, update by update."""

from __future__ import annotations

from sqlmodel import select

from db.models import HelpRequest, User
from tests.support.app import World

TWO_NEEDS = "kan iemand mijn boodschappen doen en ook de tuin bijhouden"


def lives_in_klimmen(world: World) -> None:
    """Anna is known to live in Klimmen."""
    with world.session() as session:
        session.add(
            User(id=world.resident.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=world.clock.now())
        )
        session.commit()


def categories(world: World) -> list[str]:
    with world.session() as session:
        return [request.category_slug for request in session.exec(select(HelpRequest).order_by(HelpRequest.id))]


async def send_the_first(world: World) -> None:
    """Anna writes two needs and sends the first request: groceries."""
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.send(anna, TWO_NEEDS)
    assert "Boodschappen" in h.last_text(anna)
    await h.press(anna, "Ja")
    await h.press(anna, "Maakt niet uit")
    await h.press(anna, "Nee, verder")
    await h.press(anna, "Ja, versturen")
    assert "vrijwilligers in Klimmen" in h.texts(anna)[-2]
    offer = h.last_text(anna)
    assert "U vroeg ook om hulp met" in offer and "Tuin" in offer
    assert h.buttons(anna) == ["✅ Ja", "❌ Nee"]
    assert categories(world) == ["boodschappen"]


async def test_a_two_need_message_makes_one_request_and_accepting_the_offer_a_second(world: World) -> None:
    h, anna = world.harness, world.resident
    await send_the_first(world)
    await h.press(anna, "Ja")
    assert "Tuin" in h.texts(anna)[-2]
    assert "Wanneer heeft u hulp nodig" in h.last_text(anna)
    await h.press(anna, "Maakt niet uit")
    assert "Wilt u nog iets vertellen" in h.last_text(anna)  # their words are known: only more is asked
    await h.press(anna, "Nee, verder")
    assert "Tuin" in h.last_text(anna) and "Klopt dit?" in h.last_text(anna)
    await h.press(anna, "Ja, versturen")
    assert "vrijwilligers in Klimmen" in h.last_text(anna)
    assert categories(world) == ["boodschappen", "tuin"]
    assert not any("U vroeg ook" in text for text in h.texts(anna)[-1:])
    await world.deliver()
    assert len(world.api.messages(world.group_id)) == 2


async def test_typed_yes_to_the_offer_asks_only_what_is_missing(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.send(anna, "wie kan morgen boodschappen doen en ook mijn gras maaien")
    await h.send(anna, "ja")
    await h.send(anna, "nee")
    await h.send(anna, "ja")
    assert "U vroeg ook om hulp met" in h.last_text(anna)
    await h.send(anna, "ja graag")
    assert "Wilt u nog iets vertellen" in h.last_text(anna)  # "morgen" was in the message
    await h.send(anna, "nee")
    await h.send(anna, "ja")
    assert categories(world) == ["boodschappen", "tuin"]
    with world.session() as session:
        assert {request.when_kind for request in session.exec(select(HelpRequest))} == {"tomorrow"}


async def test_no_to_the_offer_closes_politely(world: World) -> None:
    h, anna = world.harness, world.resident
    await send_the_first(world)
    await h.send(anna, "nee hoor")
    assert "geen tweede vraag" in h.last_text(anna)
    assert categories(world) == ["boodschappen"]
    await h.send(anna, "kan iemand mijn hond uitlaten")
    assert "Huisdieren" in h.last_text(anna)


async def test_pressed_no_closes_and_the_offer_is_gone(world: World) -> None:
    h, anna = world.harness, world.resident
    await send_the_first(world)
    await h.press(anna, "Nee")
    assert "geen tweede vraag" in h.last_text(anna)
    assert h.buttons(anna) != ["✅ Ja", "❌ Nee"]
    assert categories(world) == ["boodschappen"]


async def test_one_need_gets_no_offer(world: World) -> None:
    h, anna = world.harness, world.resident
    lives_in_klimmen(world)
    await h.send(anna, "kan iemand mijn boodschappen doen")
    for label in ("Ja", "Maakt niet uit", "Nee, verder", "Ja, versturen"):
        await h.press(anna, label)
    assert "vrijwilligers in Klimmen" in h.last_text(anna)
    assert not any("U vroeg ook" in text for text in h.texts(anna))
