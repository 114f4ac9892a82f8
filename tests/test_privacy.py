"""Privacy (AVG): /privacy explains, /vergeetmij erases at once, retention anonymises, logs hold no personal data."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.services.erasure import RETENTION_KIND, anonymise_expired, forget_user, schedule_retention
from bot.services.outbox import enqueue_message
from bot.services.people import add_volunteer
from bot.services.request_states import withdraw_request
from bot.services.requests import open_inbox_item
from bot.services.timers import fire_due_timers
from db.models import HelpRequest, InboxItem, Outbox, OutboxStatus, RequestStatus, Timer, User
from tests.support.app import World
from tests.support.scenarios import (
    ask_for_groceries,
    escalate_with_item,
    new_request,
    settings_of,
    texts_to,
)
from tests.support.updates import make_user


async def test_privacy_explains_what_why_and_how_long(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/privacy")
    text = h.last_text(anna)
    for expected in ("Wat bewaren wij?", "Waarom?", "Hoe lang?", "12 maanden", "/vergeetmij"):
        assert expected in text


async def test_saying_no_erases_nothing(world: World) -> None:
    h, anna = world.harness, world.resident
    await ask_for_groceries(world)
    await h.command(anna, "/vergeetmij")
    assert "wissen" in h.last_text(anna)
    await h.press(anna, "Nee, niet wissen")
    assert "niets gewist" in h.last_text(anna)
    with world.session() as session:
        assert session.get(User, anna.id).first_name == "Anna"
        assert session.exec(select(HelpRequest)).one().status == RequestStatus.OPEN


async def test_forget_me_erases_the_person_and_redacts_the_open_card(world: World) -> None:
    h, anna = world.harness, world.resident
    await ask_for_groceries(world, "kan iemand morgen mijn boodschappen doen? bel 06-12345678")
    await world.deliver()
    assert any("Ik help" in label for label in h.buttons(world.group_id))

    await h.command(anna, "/vergeetmij")
    await h.press(anna, "Ja, wis alles")
    assert "gewist" in h.last_text(anna) and "open vraag is gestopt" in h.last_text(anna)
    with world.session() as session:
        user = session.get(User, anna.id)
        assert (user.first_name, user.username, user.phone, user.neighbourhood_slug) == ("", None, None, None)
        assert user.forgotten_at is not None
        request = session.exec(select(HelpRequest)).one()
        assert request.status == RequestStatus.CANCELLED and request.details == ""
        assert request.resident_id is None and request.anonymised_at is not None
        assert request.category_slug and request.neighbourhood_slug == "klimmen"  # kept for statistics
        assert session.exec(select(Timer).where(Timer.kind == "bump", Timer.fired_at.is_(None))).all() == []

    await world.deliver()
    card = h.last_text(world.group_id)
    assert "ingetrokken" in card and "boodschappen" not in card.lower()
    assert not any("Ik help" in label for label in h.buttons(world.group_id))


async def test_forget_me_before_the_card_was_sent_still_redacts_it(world: World) -> None:
    h, anna = world.harness, world.resident
    await ask_for_groceries(world)
    await h.command(anna, "/vergeetmij")
    await h.press(anna, "Ja, wis alles")
    await world.deliver()
    assert "ingetrokken" in h.last_text(world.group_id)
    assert not any("Ik help" in label for label in h.buttons(world.group_id))


async def test_forget_me_tells_the_helper_of_a_claimed_request(world: World) -> None:
    h, anna = world.harness, world.resident
    await ask_for_groceries(world)
    await world.deliver()
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    await world.deliver()
    await h.command(anna, "/vergeetmij")
    await h.press(anna, "Ja, wis alles")
    await world.deliver()
    assert "ingetrokken" in h.last_text(world.volunteer)
    assert "Wis de gegevens" in h.last_text(world.volunteer)


async def test_forget_me_erases_a_call_back_from_the_inbox(world: World) -> None:
    h, anna = world.harness, world.resident
    with world.session() as session:
        session.add(
            InboxItem(
                kind="callback",
                user_id=anna.id,
                details={"reason": "ik ben gevallen", "part": "morning"},
                created_at=world.clock.now(),
            )
        )
        session.commit()
    await h.command(anna, "/vergeetmij")
    await h.press(anna, "Ja, wis alles")
    with world.session() as session:
        item = session.exec(select(InboxItem)).one()
        assert item.user_id is None and item.details == {} and item.status == "closed"


async def test_retention_anonymises_closed_requests_after_the_period(world: World, settings) -> None:
    await ask_for_groceries(world)
    now = world.clock.now()
    with world.session() as session:
        old = session.exec(select(HelpRequest)).one()
        old.status, old.closed_at = RequestStatus.DONE, now
        fresh = HelpRequest(
            resident_id=world.resident.id,
            category_slug=old.category_slug,
            neighbourhood_slug="klimmen",
            details="nog niet oud",
            status=RequestStatus.DONE,
            created_at=now + timedelta(days=300),
            closed_at=now + timedelta(days=300),
        )
        still_open = HelpRequest(
            resident_id=world.resident.id,
            category_slug=old.category_slug,
            neighbourhood_slug="klimmen",
            details="loopt nog",
            created_at=now,
        )
        session.add_all([old, fresh, still_open])
        session.commit()
        schedule_retention(session, now=now, settings=settings)
        schedule_retention(session, now=now, settings=settings)  # every process calls it at start-up
        session.commit()
        assert len(session.exec(select(Timer).where(Timer.kind == RETENTION_KIND)).all()) == 1

    world.clock.advance(timedelta(days=settings.retention_days, hours=1))
    with world.unit_of_work() as uow:
        fire_due_timers(uow.session, now=world.clock.now(), settings=settings)
        uow.commit()
    with world.session() as session:
        by_details = {r.id: r for r in session.exec(select(HelpRequest))}
        old_row, fresh_row, open_row = (by_details[i] for i in sorted(by_details))
        assert old_row.details == "" and old_row.resident_id is None and old_row.anonymised_at is not None
        assert fresh_row.details == "nog niet oud" and fresh_row.resident_id == world.resident.id
        assert open_row.details == "loopt nog"
        timers = session.exec(select(Timer).where(Timer.kind == RETENTION_KIND).order_by(Timer.due_at)).all()
        assert len(timers) == 2 and timers[0].fired_at is not None and timers[1].fired_at is None
        assert timers[1].due_at > world.clock.now()
        assert anonymise_expired(session, now=world.clock.now(), settings=settings) == 0


async def test_a_whole_conversation_leaves_no_personal_data_in_the_logs(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Root logger at DEBUG: whatever PTB, httpx, SQLAlchemy and our code log, no name, number or text."""
    caplog.set_level(logging.DEBUG)
    secret_text = "Gertrudis Janssen vraagt: kan iemand morgen boodschappen doen? bel 06-98765432"
    h = world.harness
    await ask_for_groceries(world, secret_text)
    await world.deliver()
    h.api.never_started(world.volunteer.id)  # a path that logs: the claim is undone
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    with world.session() as session:
        add_volunteer(session, user_id=303, neighbourhoods=["klimmen"], now=world.clock.now())
        session.get(User, 303).has_private_chat = True  # he signed up in a private chat
        session.commit()

    await h.press(make_user(303, "Hubertus", username="hubertus_k"), "Ik help", chat_id=world.group_id)
    await world.deliver()
    assert "Hubertus helpt u" in h.last_text(world.resident)

    assert any(record.name.startswith("bot.") for record in caplog.records), "the logs were not captured"
    logged = "\n".join(
        [record.getMessage() + (record.exc_text or "") for record in caplog.records] + [caplog.text]
    ).lower()
    for personal in ("gertrudis", "janssen", "98765432", "boodschappen doen", "anna", "hubertus", "piet"):
        assert personal not in logged, f"{personal!r} was logged"


def mark_sent(world: World, when) -> None:
    with world.session() as session:
        session.exec(update(Outbox).values(status=OutboxStatus.SENT, sent_at=when))
        session.commit()


async def test_forget_me_blanks_the_sent_messages_about_the_user(world: World) -> None:
    request_id = new_request(world, details="Bel mij op 0612345678")
    with world.session() as session:
        item = open_inbox_item(
            session, kind="callback", municipality_slug="voerendaal", user_id=world.resident.id, now=world.clock.now()
        )
        enqueue_message(
            session, chat_id=900, text="Anna 0612345678", now=world.clock.now(), ref_kind="inbox", ref_id=item.id
        )
        enqueue_message(session, chat_id=world.resident.id, text="Dag Anna", now=world.clock.now())
        enqueue_message(session, chat_id=901, text="iets anders", now=world.clock.now())
        session.commit()
    mark_sent(world, world.clock.now())
    with world.unit_of_work() as uow:
        session = uow.session
        forget_user(session, user_id=world.resident.id, now=world.clock.now(), settings=settings_of(world))
        uow.commit()
    with world.session() as session:
        sent = session.exec(select(Outbox).where(Outbox.status == OutboxStatus.SENT)).all()
        blanked = [row for row in sent if row.params == {}]
        kept = [row for row in sent if row.params]
        assert {(row.ref_kind, row.chat_id) for row in blanked} == {
            ("card", world.group_id),
            ("inbox", 900),
            (None, world.resident.id),
        }
        assert [row.params["text"] for row in kept] == ["iets anders"]
        assert request_id


async def test_retention_deletes_old_sent_rows_but_keeps_a_closed_cards_chat(world: World) -> None:
    request_id = new_request(world, details="Bel mij op 0612345678")
    with world.session() as session:
        enqueue_message(session, chat_id=900, text="Anna 0612345678", now=world.clock.now())
        session.commit()
    mark_sent(world, world.clock.now())
    with world.unit_of_work() as uow:
        session = uow.session
        enqueue_message(session, chat_id=900, text="nog niet verstuurd", now=world.clock.now())
        assert withdraw_request(session, request_id=request_id, resident_id=world.resident.id, now=world.clock.now())
        uow.commit()
    world.clock.advance(timedelta(days=31))
    with world.session() as session:
        anonymise_expired(session, now=world.clock.now(), settings=settings_of(world))
        session.commit()
    with world.session() as session:
        rows = session.exec(select(Outbox).order_by(Outbox.id)).all()
        card = [row for row in rows if row.ref_kind == "card" and row.method == "sendMessage"]
        assert len(card) == 1 and card[0].params == {} and card[0].chat_id == world.group_id
        assert not any("0612345678" in str(row.params) for row in rows)
        assert any(row.params.get("text") == "nog niet verstuurd" for row in rows)  # pending stays


async def test_forget_me_tells_the_coordinators_of_an_escalated_request(world: World) -> None:
    request_id = new_request(world)
    escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        forget_user(session, user_id=world.resident.id, now=world.clock.now(), settings=settings_of(world))
        uow.commit()
    assert any(f"gestopt met vraag #{request_id}" in text for text in texts_to(world, world.coordinator.id))


async def test_forget_me_tells_the_usual_helper_offered_the_request_and_stops_the_offer(world: World) -> None:
    request_id = new_request(world)
    with world.session() as session:
        session.exec(
            update(HelpRequest)
            .where(HelpRequest.id == request_id)
            .values(preferred_volunteer_id=world.volunteer.id, when_date=date(2030, 1, 1))
        )
        session.add(Timer(kind="offer", ref_id=request_id, due_at=world.clock.now() + timedelta(hours=5)))
        session.commit()
    with world.unit_of_work() as uow:
        forget_user(uow.session, user_id=world.resident.id, now=world.clock.now(), settings=settings_of(world))
        uow.commit()
    texts = texts_to(world, world.volunteer.id)
    assert any("ingetrokken" in text and "Wis de gegevens" in text for text in texts)
    with world.session() as session:
        assert session.exec(select(Timer).where(Timer.ref_id == request_id, Timer.fired_at.is_(None))).all() == []
