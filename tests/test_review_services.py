"""Defects a review found in the services: hand-assigned claims, leaving helpers, referrals of taken requests,
a call told twice, personal data in the outbox, a failing timer, a cancel racing a claim, pruning, withdrawing."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from bot.services import timers as timer_service
from bot.services.erasure import anonymise_expired, forget_user
from bot.services.inbox import InboxOutcome, assign_item, refer_item
from bot.services.outbox import enqueue_message
from bot.services.referrals import refer_request
from bot.services.request_states import withdraw_request
from bot.services.requests import claim_request, confirm_claim, open_inbox_item
from bot.services.timers import fire_due_timers
from bot.services.volunteers import stop_volunteering
from db.models import (
    HelpRequest,
    InboxItem,
    Outbox,
    OutboxStatus,
    ProcessedUpdate,
    RequestStatus,
    Timer,
    User,
)
from tests.support.app import World
from tests.test_lifecycle import new_request


def settings_of(world: World):
    return world.harness.app.bot_data["runtime"].settings


def rows_to(world: World, chat_id: int) -> list[Outbox]:
    with world.session() as session:
        return list(session.exec(select(Outbox).where(Outbox.chat_id == chat_id).order_by(Outbox.id)))


def texts_to(world: World, chat_id: int) -> list[str]:
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


# 1. A volunteer assigned by a coordinator ----------------------------------------------------------------------


async def test_an_assigned_volunteer_gets_the_buttons_and_the_reminder(world: World) -> None:
    request_id = new_request(world)
    with world.session() as session:
        session.exec(
            update(HelpRequest)
            .where(HelpRequest.id == request_id)
            .values(when_kind="date", when_date=world.clock.now().date() + timedelta(days=3))
        )
        session.commit()
    item_id = escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        outcome = assign_item(
            session,
            item_id=item_id,
            coordinator_id=world.coordinator.id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
        assert outcome is InboxOutcome.DONE
        assert session.exec(select(Timer).where(Timer.kind == "reminder", Timer.ref_id == request_id)).one()
    message = rows_to(world, world.volunteer.id)[-1]
    buttons = [b["callback_data"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"done:{request_id}", f"release:{request_id}"]


async def test_an_assignment_to_an_item_closed_meanwhile_leaves_the_request_unclaimed(world: World) -> None:
    request_id = new_request(world)
    item_id = escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        seen = session.get(InboxItem, item_id)  # this session still sees it open (kept in its identity map)
        assert seen.status == "open"
        with Session(world.engine) as other:
            other.exec(update(InboxItem).where(InboxItem.id == item_id).values(status="closed"))
            other.commit()
        outcome = assign_item(
            session,
            item_id=item_id,
            coordinator_id=world.coordinator.id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
    assert outcome is InboxOutcome.CLOSED
    with world.session() as session:
        request = session.get(HelpRequest, request_id)
        assert request.status == RequestStatus.ESCALATED and request.claimed_by is None
    assert rows_to(world, world.volunteer.id) == []
    assert not any("helpt u" in text for text in texts_to(world, world.resident.id))


# 2. A helper who leaves ---------------------------------------------------------------------------------------


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


# 3. Referring a request a volunteer took; a claim closes the escalation ---------------------------------------


async def test_referring_a_request_a_volunteer_took_tells_the_resident_nothing(world: World) -> None:
    request_id = new_request(world)
    item_id = escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        assert claim_request(session, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
        outcome = refer_item(
            session, item_id=item_id, coordinator_id=world.coordinator.id, route="wmo", now=world.clock.now()
        )
        uow.commit()
    assert outcome is InboxOutcome.TAKEN
    assert not any("doorgegeven" in text for text in texts_to(world, world.resident.id))
    with world.session() as session:
        assert session.get(HelpRequest, request_id).status == RequestStatus.CLAIMED


async def test_a_confirmed_claim_closes_the_escalation_item(world: World) -> None:
    request_id = new_request(world)
    item_id = escalate_with_item(world, request_id)
    claim_and_confirm(world, request_id)
    with world.session() as session:
        assert session.get(InboxItem, item_id).status == "closed"


# 4. "Bewoner bellen" once --------------------------------------------------------------------------------------


async def test_the_resident_hears_about_the_call_once(world: World) -> None:
    request_id = new_request(world)
    escalate_with_item(world, request_id)
    results = []
    for _ in range(2):
        with world.unit_of_work() as uow:
            results.append(
                refer_request(
                    uow.session,
                    request_id=request_id,
                    coordinator_id=world.coordinator.id,
                    route="bellen",
                    now=world.clock.now(),
                )
            )
            uow.commit()
    assert results == [True, False]
    assert sum("belt u" in text for text in texts_to(world, world.resident.id)) == 1


# 5. Personal data in the outbox -------------------------------------------------------------------------------


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


# 6. One failing timer does not block the others ---------------------------------------------------------------


async def test_a_failing_timer_is_retried_later_and_the_others_fire(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(session, timer, now, settings):
        session.add(InboxItem(kind="half", created_at=now))
        session.flush()
        raise RuntimeError("Anna 0612345678")

    monkeypatch.setitem(timer_service.TIMER_KINDS, "boom", boom)
    now = world.clock.now()
    with world.session() as session:
        session.add(Timer(kind="boom", ref_id=1, due_at=now - timedelta(hours=2)))
        session.add(Timer(kind="unknown-kind", ref_id=2, due_at=now - timedelta(hours=1)))
        session.commit()
    with caplog.at_level(logging.WARNING), world.unit_of_work() as uow:
        fired = fire_due_timers(uow.session, now=now, settings=settings_of(world))
        uow.commit()
    assert fired == 1
    with world.session() as session:
        failed = session.exec(select(Timer).where(Timer.kind == "boom")).one()
        assert failed.fired_at is None and failed.due_at > now
        assert session.exec(select(Timer).where(Timer.kind == "unknown-kind")).one().fired_at is not None
        assert session.exec(select(InboxItem).where(InboxItem.kind == "half")).all() == []
    assert "RuntimeError" in caplog.text and "0612345678" not in caplog.text


# 7. A cancel racing a claim ----------------------------------------------------------------------------------


async def test_a_cancel_decides_in_the_database_and_tells_a_helper_who_just_claimed(world: World) -> None:
    request_id = new_request(world)
    with world.unit_of_work() as uow:
        session = uow.session
        stale = session.get(HelpRequest, request_id)  # a view from before the claim, kept in the identity map
        assert stale.status == RequestStatus.OPEN
        with world.session() as other:
            assert claim_request(other, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
            other.commit()
        assert withdraw_request(session, request_id=request_id, resident_id=world.resident.id, now=world.clock.now())
        uow.commit()
    assert any("hoeft niet meer te helpen" in text for text in texts_to(world, world.volunteer.id))


async def test_a_claim_confirmed_after_a_cancel_tells_the_resident_nothing(world: World) -> None:
    request_id = new_request(world)
    with world.unit_of_work() as uow:
        session = uow.session
        assert claim_request(session, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
        assert withdraw_request(session, request_id=request_id, resident_id=world.resident.id, now=world.clock.now())
        session.merge(User(id=world.volunteer.id, first_name="Piet", created_at=world.clock.now()))
        uow.commit()
        assert not confirm_claim(
            session,
            request_id=request_id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
    assert not any("helpt u" in text for text in texts_to(world, world.resident.id))


# 8. Processed updates are pruned -----------------------------------------------------------------------------


async def test_retention_prunes_processed_updates_older_than_two_days(world: World) -> None:
    now = world.clock.now()
    with world.session() as session:
        session.add(ProcessedUpdate(update_id=1, processed_at=now - timedelta(days=3)))
        session.add(ProcessedUpdate(update_id=2, processed_at=now - timedelta(hours=1)))
        session.commit()
        anonymise_expired(session, now=now, settings=settings_of(world))
        session.commit()
        assert [row.update_id for row in session.exec(select(ProcessedUpdate))] == [2]


# 9. Withdrawing for a forgotten resident is the ordinary cancel ----------------------------------------------


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
