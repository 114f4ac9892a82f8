"""Scenario steps shared by the test modules: through the bot, update by update, or straight through the services."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select
from telegram import User as TgUser

from bot.config import Settings
from bot.services.requests import claim_request, confirm_claim, create_request, open_inbox_item
from db.models import HelpRequest, Outbox, RequestStatus, User
from tests.support.app import World
from tests.support.updates import make_user

# ---------------------------------------------------------------- through the bot, update by update


async def ask_for_groceries(world: World, text: str = "kan iemand morgen mijn boodschappen doen?") -> None:
    """Anna picks her neighbourhood, asks for help and confirms."""
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    assert "gemeente" in h.last_text(anna)
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    assert "Klimmen" in h.texts(anna)[-2]
    await h.send(anna, text)
    assert "Boodschappen" in h.last_text(anna)
    await h.press(anna, "Ja")
    assert "Wilt u nog iets vertellen" in h.last_text(anna)
    await h.press(anna, "Nee, verder")
    assert "Klopt dit?" in h.last_text(anna)
    await h.press(anna, "Ja, versturen")
    assert "vrijwilligers in Klimmen" in h.last_text(anna)


async def ask_for_groceries_like(world: World, text: str) -> None:
    """Anna, known to live in Klimmen, writes `text` and goes through the questions with the usual answers."""
    h, anna = world.harness, world.resident
    with world.session() as session:
        user = session.get(User, anna.id) or User(id=anna.id, first_name="Anna", created_at=world.clock.now())
        user.neighbourhood_slug = "klimmen"
        session.add(user)
        session.commit()
    await h.send(anna, text)
    await h.press(anna, "Ja")
    await h.press(anna, "Maakt niet uit")
    await h.press(anna, "Nee, verder")
    await h.press(anna, "Ja, versturen")


JOEP = make_user(303, "Joep", language_code="nl")
"""A resident of Klimmen who signs up as a volunteer."""


async def sign_up(world: World, user: TgUser = JOEP, *, start: str = "/aanbieden") -> None:
    """`user` offers help with groceries in Klimmen, on Monday mornings, shares a phone and agrees."""
    h = world.harness
    await h.command(user, start)
    assert "Waarmee wilt u helpen" in h.last_text(user)
    await h.press(user, "Boodschappen")
    assert any(label.startswith("✅") and "Boodschappen" in label for label in h.buttons(user))
    await h.press(user, "Klaar")
    assert "In welke buurt" in h.last_text(user)
    await h.press(user, "Voerendaal")
    await h.press(user, "Klimmen")
    assert "Gekozen: Klimmen" in h.last_text(user)
    await h.press(user, "Klaar")
    assert "Wanneer kunt u" in h.last_text(user)
    await h.press(user, "maandag")
    await h.press(user, "ochtend")
    await h.press(user, "Klaar")
    assert "Deel mijn nummer" in h.buttons(user)[0]
    await h.share_contact(user, "+31612345678")
    assert "re-integratie" in h.last_text(user)
    await h.press(user, "Nee")
    assert "Onze afspraken" in h.last_text(user) and "Uw gegevens" in h.last_text(user)
    await h.press(user, "Ik ga akkoord")
    assert "coördinator bekijkt uw aanmelding" in h.last_text(user)


async def approve(world: World, coordinator: TgUser | None = None, label: str = "Goedkeuren") -> None:
    """The coordinator (by default the world's) presses `label` on the sign-up they were sent."""
    await world.deliver()
    await world.harness.press(coordinator or world.coordinator, label)


# ---------------------------------------------------------------- straight through the services


def new_request(world: World, *, details: str = "Boodschappen bij de Jumbo", when_kind: str = "any") -> int:
    """A request by Anna in Klimmen, straight through the service."""
    with world.unit_of_work() as uow:
        session = uow.session
        anna = session.get(User, world.resident.id) or User(
            id=world.resident.id, first_name="Anna", created_at=world.clock.now()
        )
        anna.neighbourhood_slug = "klimmen"
        anna.has_private_chat = True
        session.add(anna)
        uow.commit()
        placement = create_request(
            session,
            resident_id=anna.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind=when_kind,
            when_date=None,
            details=details,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
        return placement.request_id


def settings_of(world: World) -> Settings:
    """The settings the running bot uses."""
    return world.harness.app.bot_data["runtime"].settings


def rows_to(world: World, chat_id: int) -> list[Outbox]:
    """The outbox rows for `chat_id`, sent or not, oldest first."""
    with world.session() as session:
        return list(session.exec(select(Outbox).where(Outbox.chat_id == chat_id).order_by(Outbox.id)))


def texts_to(world: World, chat_id: int) -> list[str]:
    """The texts of the outbox rows for `chat_id`, oldest first."""
    return [row.params.get("text", "") for row in rows_to(world, chat_id)]


def escalate_with_item(world: World, request_id: int) -> int:
    """Make the request escalated with its open "no volunteer found" item; the item's id."""
    with world.session() as session:
        session.exec(update(HelpRequest).where(HelpRequest.id == request_id).values(status=RequestStatus.ESCALATED))
        item = open_inbox_item(
            session,
            kind="escalation",
            municipality_slug="voerendaal",
            user_id=world.resident.id,
            request_id=request_id,
            now=world.clock.now(),
        )
        session.commit()
        return item.id


def claim_and_confirm(world: World, request_id: int) -> None:
    """Piet claims the request and the claim is confirmed, straight through the services."""
    with world.unit_of_work() as uow:
        session = uow.session
        assert claim_request(session, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
        session.merge(User(id=world.volunteer.id, first_name="Piet", created_at=world.clock.now()))
        uow.commit()
        confirm_claim(
            session,
            request_id=request_id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
