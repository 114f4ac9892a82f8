"""The whole help loop, update by update: ask in a private chat, card in the group, claim, both told."""

from __future__ import annotations

from sqlmodel import select

from bot.services.people import add_volunteer
from db.models import HelpRequest, RequestStatus, User
from tests.support.app import World
from tests.support.scenarios import (
    ask_for_groceries,
    ask_for_groceries_like,
)
from tests.support.updates import callback, make_user


async def test_request_reaches_the_group_and_one_volunteer_claims_it(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world)
    await world.deliver()
    assert len(world.api.messages(world.group_id)) == 1
    card = h.last_text(world.group_id)
    assert "Boodschappen" in card and "Klimmen" in card
    assert "Anna" not in card
    assert any("Ik help" in label for label in h.buttons(world.group_id))

    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    private = h.last_text(world.volunteer)
    assert "Anna" in private and "boodschappen" in private.lower()
    assert "Piet helpt al" in h.last_text(world.group_id)
    assert h.buttons(world.group_id) == [] or not any("Ik help" in b for b in h.buttons(world.group_id))

    await world.deliver()
    assert "Piet helpt u" in h.last_text(world.resident)
    with world.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert request.status == RequestStatus.CLAIMED and request.claimed_by == world.volunteer.id


async def test_group_card_never_shows_phone_or_street(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world, "kan iemand morgen boodschappen doen? bel 06-12345678, Hoofdstraat 12 in Klimmen")
    await world.deliver()
    card = h.last_text(world.group_id)
    assert "12345678" not in card and "Hoofdstraat" not in card
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "06-12345678" in h.last_text(world.volunteer)


async def test_second_presser_and_strangers_get_an_alert(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world)
    await world.deliver()
    second = make_user(203, "Joep")
    with world.session() as session:
        add_volunteer(session, user_id=second.id, neighbourhoods=["klimmen"], now=world.clock.now())
        session.commit()
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    card_message = h.api.messages(world.group_id)[-1]
    stranger = make_user(404, "Kees")
    for presser, expected in (
        (second, "Iemand anders helpt al"),
        (stranger, "Alleen vrijwilligers uit deze wijk"),
    ):
        await h.process(h_callback(world, presser, card_message, "claim:1"))
        answer = h.api.calls_to("answerCallbackQuery")[-1]
        assert expected in answer.params["text"] and answer.params.get("show_alert")


def h_callback(world: World, user, message: dict, data: str):
    return callback(user, message, data, bot=world.harness.bot)


async def test_claim_is_undone_when_the_volunteer_never_started_the_bot(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world)
    await world.deliver()
    h.api.never_started(world.volunteer.id)
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "start eerst" in h.last_text(world.group_id).lower()
    with world.session() as session:
        assert session.exec(select(HelpRequest)).one().status == RequestStatus.OPEN


async def test_zorgvraag_goes_to_the_coordinators_not_the_group(world: World) -> None:
    h = world.harness
    await ask_for_groceries_like(world, "mijn moeder wordt steeds verwarder en redt het thuis niet meer")
    await world.deliver()
    assert h.api.sent_messages(chat_id=world.group_id) == []
    assert "Anna" in h.last_text(world.coordinator)


async def test_stop_leaves_the_conversation(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.send(anna, "kan iemand mijn hond uitlaten")
    await h.command(anna, "/stop")
    assert "Gestopt" in h.last_text(anna)
    await h.command(anna, "/annuleer")
    assert "Gestopt" in h.last_text(anna)


async def test_a_volunteer_without_a_private_chat_is_asked_to_start_one_and_claims_nothing(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world)
    await world.deliver()
    with world.session() as session:
        session.get(User, world.volunteer.id).has_private_chat = False
        session.commit()
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "Start eerst een chat" in world.alert()
    assert "start eerst een privégesprek" in h.last_text(world.group_id)
    assert "?start=helpen" in h.last_text(world.group_id)
    assert h.api.messages(world.volunteer.id) == []
    await world.deliver()
    assert not any("helpt u" in text for text in h.texts(world.resident))
    with world.session() as session:
        assert session.exec(select(HelpRequest)).one().status == RequestStatus.OPEN


async def test_details_that_bounce_give_the_request_back_and_the_next_press_is_refused_first(world: World) -> None:
    h = world.harness
    await ask_for_groceries(world)
    await world.deliver()
    h.api.blocked(world.volunteer.id)  # he blocked the bot since he signed up
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "Start eerst een chat" in world.alert()
    with world.session() as session:
        assert session.exec(select(HelpRequest)).one().status == RequestStatus.OPEN
        assert session.get(User, world.volunteer.id).reachable is False
    assert any("Ik help" in label for label in h.buttons(world.group_id))
    sends_before = len(h.api.calls_to("sendMessage"))
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "Start eerst een chat" in world.alert()
    assert [c.chat_id for c in h.api.calls_to("sendMessage")[sends_before:]] == [world.group_id]
    h.api.unblock(world.volunteer.id)
    await h.send(world.volunteer, "hallo")
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "gegevens gestuurd" in world.alert()
    with world.session() as session:
        assert session.exec(select(HelpRequest)).one().claimed_by == world.volunteer.id
