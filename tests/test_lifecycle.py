"""The life of a request after its card: claim, release, re-claim, done, feedback, cancel, weekly; and refusals.
A helper who stops or is forgotten releases what they hold; a helper's name is escaped wherever it is shown."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.services.erasure import forget_user
from bot.services.people import add_volunteer
from bot.services.volunteers import stop_volunteering
from db.models import HelpRequest, InboxItem, Outbox, RequestStatus, Timer, User
from tests.support.app import World
from tests.support.scenarios import (
    JOEP,
    approve,
    ask_for_groceries,
    claim_and_confirm,
    new_request,
    settings_of,
    sign_up,
    texts_to,
)
from tests.support.updates import callback, chat_join_request, make_group, make_user


def request(world: World, request_id: int) -> HelpRequest:
    with world.session() as session:
        return session.get(HelpRequest, request_id)


async def forge(world: World, user, data: str, chat_id: int | None = None) -> str:
    """Press a button with made-up data on the newest message of a chat; the alert text."""
    h = world.harness
    message = h.api.messages(chat_id if chat_id is not None else user.id)[-1]
    await h.process(callback(user, message, data, bot=h.bot))
    return world.alert()


async def test_sign_up_to_feedback(world: World) -> None:
    """sign-up → approval → join → claim → release → re-claim → done → feedback, update by update."""
    h, piet, anna = world.harness, world.volunteer, world.resident
    await sign_up(world)
    await approve(world)
    await world.deliver()
    await h.process(chat_join_request(JOEP, make_group(world.group_id, "Klimmen helpt")))
    assert [c.params["user_id"] for c in h.api.calls_to("approveChatJoinRequest")] == [JOEP.id]

    await ask_for_groceries(world)
    await world.deliver()
    assert any("Ik help" in label for label in h.buttons(world.group_id))
    await h.press(JOEP, "Ik help", chat_id=world.group_id)
    assert "Anna" in h.last_text(JOEP)
    assert h.buttons(JOEP) == ["✅ Gedaan", "↩️ Ik kan toch niet"]
    await world.deliver()
    assert "Joep helpt u" in h.last_text(anna)

    await h.press(JOEP, "Ik kan toch niet")
    assert "staat weer open" in h.last_text(JOEP)
    with world.session() as session:
        request_id = session.exec(select(HelpRequest.id)).one()
    assert request(world, request_id).status == RequestStatus.OPEN
    await world.deliver()
    assert "wij zoeken iemand anders" in h.last_text(anna)
    assert "Joep helpt al" not in h.last_text(world.group_id)
    assert any("Ik help" in label for label in h.buttons(world.group_id))
    with world.session() as session:
        bump = session.exec(select(Timer).where(Timer.kind == "bump", Timer.ref_id == request_id)).one()
        assert bump.fired_at is None

    await h.press(piet, "Ik help", chat_id=world.group_id)
    assert "Piet helpt al" in h.last_text(world.group_id)
    await world.deliver()
    assert "Piet helpt u" in h.last_text(anna)
    await h.press(piet, "Gedaan")
    assert "Hoeveel tijd" in h.last_text(piet)
    await h.press(piet, "1 uur")
    saved = request(world, request_id)
    assert saved.status == RequestStatus.DONE and saved.minutes_spent == 60 and saved.done_at is not None

    await world.deliver()
    assert "Is het gelukt?" in h.last_text(anna)
    await h.press(anna, "Ja, gelukt")
    assert request(world, request_id).feedback == "up"
    await world.deliver()
    assert "het is gelukt" in h.last_text(piet)
    assert "elke week" in h.last_text(anna)


async def test_thumbs_down_goes_to_the_coordinators(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    request_id = new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await h.press(piet, "Gedaan")
    await h.press(piet, "Overslaan")
    assert request(world, request_id).minutes_spent is None
    await world.deliver()
    await h.press(anna, "Nee")
    assert "coördinator neemt contact" in h.last_text(anna)
    await world.deliver()
    assert "Niet gelukt" in h.last_text(world.coordinator)
    with world.session() as session:
        item = session.exec(select(InboxItem).where(InboxItem.kind == "feedback")).one()
        assert item.request_id == request_id and item.municipality_slug == "voerendaal"
    # Once only, and only by the resident.
    assert "kan niet" in await forge(world, anna, f"fb:{request_id}:up")
    assert "kan niet" in await forge(world, piet, f"fb:{request_id}:up")
    assert request(world, request_id).feedback == "down"


async def test_invalid_transitions_are_refused(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    joep = make_user(303, "Joep")
    with world.session() as session:
        add_volunteer(session, user_id=joep.id, neighbourhoods=["klimmen"], now=world.clock.now())
        session.commit()
    first, second = new_request(world), new_request(world, details="Naar de apotheek")
    await world.deliver()
    for user in (piet, joep, anna):
        await h.command(user, "/aanbod")  # a message in each private chat to press forged buttons on
    # "Gedaan" and release on a request nobody claimed.
    assert "kan niet" in await forge(world, piet, f"done:{first}")
    assert "kan niet" in await forge(world, piet, f"release:{first}")
    assert request(world, first).status == RequestStatus.OPEN
    # Piet claims the first; Joep cannot finish or release it, nor can Piet touch the second by a forged id.
    await h.process(callback(piet, h.api.messages(world.group_id)[0], f"claim:{first}", bot=h.bot))
    assert request(world, first).claimed_by == piet.id
    assert "kan niet" in await forge(world, joep, f"done:{first}")
    assert "kan niet" in await forge(world, joep, f"release:{first}")
    assert "kan niet" in await forge(world, piet, f"done:{second}")
    assert "kan niet" in await forge(world, piet, f"mins:{first}:60")
    assert request(world, first).status == RequestStatus.CLAIMED
    # Nobody but Anna may cancel; a cancelled request cannot be claimed.
    assert "kan niet" in await forge(world, piet, f"cancel:{second}:yes")
    assert "kan niet" in await forge(world, piet, f"cancel:{second}")
    await forge(world, anna, f"cancel:{second}:yes")
    assert request(world, second).status == RequestStatus.CANCELLED
    assert "niet meer open" in await forge(world, joep, f"claim:{second}", chat_id=world.group_id)
    assert "kan niet" in await forge(world, anna, f"cancel:{second}:yes")
    # Feedback on a request that is not done; a weekly repeat of someone else's request.
    assert "kan niet" in await forge(world, anna, f"fb:{first}:up")
    assert "kan niet" in await forge(world, piet, f"again:{first}:yes")
    # A volunteer of another neighbourhood cannot claim.
    kees = make_user(404, "Kees")
    with world.session() as session:
        add_volunteer(session, user_id=kees.id, neighbourhoods=["bleijerheide"], now=world.clock.now())
        session.commit()
    third = new_request(world, details="Brief posten")
    await world.deliver()
    assert "Alleen vrijwilligers uit deze wijk" in await forge(world, kees, f"claim:{third}", chat_id=world.group_id)
    assert request(world, third).status == RequestStatus.OPEN


async def test_a_paused_volunteer_cannot_claim(world: World) -> None:
    h, piet = world.harness, world.volunteer
    request_id = new_request(world)
    await world.deliver()
    await h.command(piet, "/aanbod")
    await h.press(piet, "Even pauzeren")
    assert "Alleen vrijwilligers uit" in await forge(world, piet, f"claim:{request_id}", chat_id=world.group_id)


async def test_cancelling_a_claimed_request_tells_the_volunteer_and_closes_the_card(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    request_id = new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await world.deliver()
    await h.command(anna, "/mijnvragen")
    assert "Piet helpt u" in h.last_text(anna)
    await h.press(anna, "Intrekken")
    await h.press(anna, "Ja, intrekken")
    assert "Uw vraag is gestopt" in h.last_text(anna)
    await world.deliver()
    assert "ingetrokken" in h.last_text(piet) and "hoeft niet meer" in h.last_text(piet)
    assert "ingetrokken" in h.last_text(world.group_id)
    assert h.buttons(world.group_id) == [] or not any("Ik help" in b for b in h.buttons(world.group_id))
    with world.session() as session:
        timers = session.exec(select(Timer).where(Timer.ref_id == request_id)).all()
        assert all(timer.fired_at is not None for timer in timers)
    await h.command(anna, "/mijnvragen")
    assert "Eerdere vragen" in h.last_text(anna)


async def test_weekly_help_is_offered_to_the_same_volunteer_first(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    request_id = new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await h.press(piet, "Gedaan")
    await world.deliver()
    await h.press(anna, "Ja, gelukt")
    await h.press(anna, "Ja, elke week")
    assert "elke week" in h.last_text(anna)
    cards_before = len(h.api.sent_messages(world.group_id))
    await world.deliver()
    assert "elke week hulp" in h.last_text(piet)
    assert len(h.api.sent_messages(world.group_id)) == cards_before  # the group does not see it yet
    with world.session() as session:
        following = session.exec(select(HelpRequest).where(HelpRequest.series_id == request_id)).one()
        assert following.preferred_volunteer_id == piet.id and following.when_date is not None
    # Another volunteer cannot take it from under him, even with a forged press.
    joep = make_user(303, "Joep")
    with world.session() as session:
        add_volunteer(session, user_id=joep.id, neighbourhoods=["klimmen"], now=world.clock.now())
        session.commit()
    assert "niet meer open" in await forge(world, joep, f"claim:{following.id}", chat_id=world.group_id)
    await h.command(joep, "/aanbod")
    assert "niet meer open" in await forge(world, joep, f"take:{following.id}")
    await h.press(piet, "Ik help")
    assert "U helpt" in h.last_text(piet) or "Gedaan" in h.buttons(piet)[0]
    assert request(world, following.id).claimed_by == piet.id
    # Done again: the next week is made by itself.
    await h.press(piet, "Gedaan")
    with world.session() as session:
        assert len(session.exec(select(HelpRequest).where(HelpRequest.series_id == request_id)).all()) == 2


async def test_the_usual_helper_can_pass_and_the_group_gets_it(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await h.press(piet, "Gedaan")
    await world.deliver()
    await h.press(anna, "Ja, gelukt")
    await h.press(anna, "Ja, elke week")
    await world.deliver()
    await h.press(piet, "Nee, deze keer niet")
    assert "vragen het aan de groep" in h.last_text(piet)
    await world.deliver()
    assert any("Ik help" in label for label in h.buttons(world.group_id))
    with world.session() as session:
        following = session.exec(select(HelpRequest).where(HelpRequest.series_id.is_not(None))).one()
        assert following.preferred_volunteer_id is None


async def ask_for_someone_else(world: World, consent: str) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "kan iemand morgen boodschappen doen voor mijn moeder?")
    await h.press(anna, "Ja")
    await h.press(anna, "Nee, verder")
    await h.press(anna, "Voor iemand anders")
    assert "Voor wie" in h.last_text(anna)
    await h.send(anna, "Mia")
    assert "Weet Mia van deze vraag" in h.last_text(anna)
    await h.press(anna, consent)
    assert "Klopt dit?" in h.last_text(anna)
    await h.press(anna, "Ja, versturen")


async def test_asking_on_behalf_of_someone_records_name_and_consent(world: World) -> None:
    h = world.harness
    await ask_for_someone_else(world, "Ja, dat is goed")
    with world.session() as session:
        saved = session.exec(select(HelpRequest)).one()
        assert saved.on_behalf_name == "Mia" and saved.on_behalf_consent
    await world.deliver()
    assert "Mia" not in h.last_text(world.group_id)
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    assert "Voor: Mia" in h.last_text(world.volunteer)


async def test_without_consent_the_name_is_not_kept(world: World) -> None:
    await ask_for_someone_else(world, "Nee, nog niet")
    with world.session() as session:
        saved = session.exec(select(HelpRequest)).one()
        assert saved.on_behalf_name is None and not saved.on_behalf_consent


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


def assert_released(world: World, request_id: int) -> None:
    with world.session() as session:
        request = session.get(HelpRequest, request_id)
        assert request.status == RequestStatus.OPEN and request.claimed_by is None
        pending = session.exec(select(Timer).where(Timer.ref_id == request_id, Timer.fired_at.is_(None))).all()
        assert {timer.kind for timer in pending} >= {"bump", "escalate"}
        edits = session.exec(select(Outbox).where(Outbox.ref_kind == "card", Outbox.method == "editMessageText")).all()
        assert edits and "Ik help" in str(edits[-1].params["reply_markup"])
    assert any("kan toch niet helpen" in text for text in texts_to(world, world.resident.id))


async def test_a_volunteer_who_stops_releases_what_they_hold(world: World) -> None:
    request_id = new_request(world)
    claim_and_confirm(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        assert stop_volunteering(
            session, user_id=world.volunteer.id, now=world.clock.now(), settings=settings_of(world)
        )
        uow.commit()
    assert_released(world, request_id)


async def test_a_helper_who_is_forgotten_releases_what_they_hold(world: World) -> None:
    request_id = new_request(world)
    claim_and_confirm(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        forget_user(session, user_id=world.volunteer.id, now=world.clock.now(), settings=settings_of(world))
        uow.commit()
    assert_released(world, request_id)


async def claimed_and_done(world: World) -> int:
    """Piet claims a new request in the group and presses "Gedaan"; the request id."""
    h, piet = world.harness, world.volunteer
    request_id = new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await h.press(piet, "Gedaan")
    assert "Hoeveel tijd" in h.last_text(piet)
    return request_id


async def test_giving_back_takes_the_residents_name_and_contact_out_of_the_message(world: World) -> None:
    h, piet = world.harness, world.volunteer
    with world.session() as session:
        session.merge(User(id=world.resident.id, first_name="Anna", phone="0612345678", created_at=world.clock.now()))
        session.commit()
    new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    assert "Anna" in h.last_text(piet) and "0612345678" in h.last_text(piet)
    await h.press(piet, "Ik kan toch niet")
    shown = "\n".join(h.texts(piet))
    assert "staat weer open" in shown and "Boodschappen" in shown
    assert "Anna" not in shown and "0612345678" not in shown and "tg://user" not in shown


async def test_a_minutes_button_says_what_was_noted(world: World) -> None:
    h, piet = world.harness, world.volunteer
    request_id = await claimed_and_done(world)
    await h.press(piet, "1 uur")
    assert "Genoteerd: 1 uur. Dank u wel!" in h.last_text(piet)
    assert h.buttons(piet) == [] or "Gedaan" not in h.buttons(piet)
    assert request(world, request_id).minutes_spent == 60


@pytest.mark.parametrize(
    ("typed", "minutes", "noted"),
    [
        ("20 minuten", 20, "20 minuten"),
        ("een uur", 60, "1 uur"),
        ("anderhalf uur", 90, "1 uur en 30 minuten"),
        ("half uurtje", 30, "30 minuten"),
    ],
)
async def test_a_typed_time_is_noted_not_read_as_a_new_request(
    world: World, typed: str, minutes: int, noted: str
) -> None:
    h, piet = world.harness, world.volunteer
    request_id = await claimed_and_done(world)
    await h.send(piet, typed)
    assert f"Genoteerd: {noted}. Dank u wel!" in h.last_text(piet)
    assert request(world, request_id).minutes_spent == minutes
    with world.session() as session:
        assert len(session.exec(select(HelpRequest)).all()) == 1  # no new request
    await h.press(piet, "2 uur")  # once only
    assert "kan niet" in world.alert()
    assert request(world, request_id).minutes_spent == minutes


async def test_a_typed_answer_that_is_no_time_asks_once_more(world: World) -> None:
    h, piet = world.harness, world.volunteer
    request_id = await claimed_and_done(world)
    await h.send(piet, "het was gezellig")
    assert "begrijp ik niet" in h.last_text(piet) and "Hoeveel tijd" in h.last_text(piet)
    await h.send(piet, "nee")
    assert "Dank u wel" in h.last_text(piet)
    assert request(world, request_id).minutes_spent is None


async def test_an_offer_already_decided_answers_kindly(world: World) -> None:
    h, piet, anna = world.harness, world.volunteer, world.resident
    new_request(world)
    await world.deliver()
    await h.press(piet, "Ik help", chat_id=world.group_id)
    await h.press(piet, "Gedaan")
    await world.deliver()
    await h.press(anna, "Ja, gelukt")
    await h.press(anna, "Ja, elke week")
    await world.deliver()
    offer = dict(h.api.messages(piet.id)[-1])
    assert "elke week hulp" in offer["text"]
    take, pass_ = [c["callback_data"] for row in offer["reply_markup"]["inline_keyboard"] for c in row]
    await h.process(callback(piet, offer, take, bot=h.bot))
    assert "gegevens gestuurd" in world.alert()
    await h.process(callback(piet, offer, pass_, bot=h.bot))
    assert "al geregeld" in world.alert()
    await h.process(callback(piet, offer, take, bot=h.bot))
    assert "U helpt al" in world.alert()
    assert h.errors == []
