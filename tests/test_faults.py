"""Telegram misbehaves (429, 5xx, time-outs, 403, migrated groups): nothing is lost, nothing is sent twice.

Everything runs through the real Application and the real outbox sender on the fake Bot API, which
injects the faults. "Sent" means a call the fake server accepted (`api.calls`); each message is counted
by its chat, its text and its buttons.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.services.outbox import enqueue_message
from bot.services.people import upsert_user
from bot.services.requests import create_request
from db.models import (
    GroupLink,
    HelpRequest,
    Outbox,
    OutboxStatus,
    RequestStatus,
    User,
)
from tests.support.app import World, make_world
from tests.support.databases import postgres_engine_on
from tests.support.fake_bot_api import ApiCall
from tests.support.scenarios import ask_for_groceries, settings_of
from tests.support.updates import make_user

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def message_key(call: ApiCall) -> tuple:
    return (call.chat_id, call.text, tuple(call.callback_data))


def sent_counts(world: World) -> Counter:
    """How often each distinct message was accepted by the server."""
    return Counter(message_key(call) for call in world.api.sent_messages())


def outbox_rows(world: World) -> list[Outbox]:
    with world.session() as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)))


def post_request(world: World, resident, text: str) -> None:
    """A request of `resident` in Klimmen, placed through the service: its card waits in the outbox."""
    with world.unit_of_work() as uow:
        upsert_user(
            uow.session,
            user_id=resident.id,
            first_name=resident.first_name,
            username=None,
            language_code="nl",
            now=world.clock.now(),
            private_chat=True,
        )
        uow.session.flush()
        create_request(
            uow.session,
            resident_id=resident.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details=text,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()


async def ask(world: World, resident, text: str, place: str = "klimmen") -> None:
    """A resident whose neighbourhood is known asks for help and confirms."""
    h = world.harness
    with world.session() as session:
        upsert_user(
            session,
            user_id=resident.id,
            first_name=resident.first_name,
            username=None,
            language_code="nl",
            now=world.clock.now(),
            private_chat=True,
        )
        session.get(User, resident.id).neighbourhood_slug = place
        session.commit()
    await h.send(resident, text)
    await h.press(resident, "Ja")
    await h.press(resident, "Maakt niet uit")
    await h.press(resident, "Nee, verder")
    await h.press(resident, "Ja, versturen")
    assert "Dank u wel" in h.last_text(resident)


def assert_each_row_sent_once(world: World) -> None:
    """Every outbox message row is sent, and the server accepted each distinct message exactly once."""
    rows = outbox_rows(world)
    assert rows and all(row.status == OutboxStatus.SENT for row in rows), [(r.id, r.last_error) for r in rows]
    counts = sent_counts(world)
    for row in rows:
        if row.method == "sendMessage":
            markup = row.params.get("reply_markup") or {}
            data = tuple(
                b["callback_data"] for r in markup.get("inline_keyboard", []) for b in r if "callback_data" in b
            )
            key = (row.chat_id if row.ref_kind != "card" else _card_chat(world, row), row.params["text"], data)
            assert counts[key] == 1, (row.id, counts[key])


def _card_chat(world: World, row: Outbox) -> int:
    with world.session() as session:
        return session.get(HelpRequest, row.ref_id).card_chat_id


async def test_cards_and_messages_survive_429_5xx_timeouts_and_network_errors(world: World) -> None:
    residents = [make_user(1000 + n, f"Bewoner{n}") for n in range(6)]
    for n, resident in enumerate(residents):
        post_request(world, resident, f"kan iemand mijn boodschappen doen, lijstje {n}")  # cards wait in the outbox
    with world.session() as session:
        for n in range(20):
            enqueue_message(session, chat_id=3000 + n, text=f"Nieuws voor u, nummer {n}", now=world.clock.now())
        session.commit()
    api = world.api
    api.fail("sendMessage", "retry_after", times=3, retry_after=7)
    api.fail("sendMessage", "server_error", times=3)
    api.fail("sendMessage", "timeout", times=2)
    api.fail("sendMessage", "network", times=2)
    api.fail("sendMessage", "retry_after", times=2, retry_after=3, chat_id=world.group_id)

    await world.deliver()

    assert len(api.failed_calls) >= 12  # the faults really happened
    assert_each_row_sent_once(world)
    assert len(api.sent_messages(world.group_id)) == len(residents)
    # The cards are claimable: the volunteer takes the last one.
    await world.harness.press(world.volunteer, "Ik help", chat_id=world.group_id)
    with world.session() as session:
        claimed = session.exec(select(HelpRequest).where(HelpRequest.status == RequestStatus.CLAIMED)).all()
        assert len(claimed) == 1


async def test_a_migrated_group_gets_the_card_at_its_new_id_and_keeps_its_link(world: World) -> None:
    new_id = world.api.migrate_chat(world.group_id)
    await ask(world, world.resident, "kan iemand mijn boodschappen doen")

    await world.deliver()

    assert world.api.sent_messages(world.group_id) == []
    assert len(world.api.sent_messages(new_id)) == 1
    assert any("Ik help" in label for label in world.harness.buttons(new_id))
    with world.session() as session:
        links = session.exec(select(GroupLink)).all()
        assert [link.chat_id for link in links] == [new_id]
        request = session.exec(select(HelpRequest)).one()
        assert request.card_chat_id == new_id and request.card_message_id is not None

    await world.harness.press(world.volunteer, "Ik help", chat_id=new_id)
    assert "Piet helpt al" in world.harness.last_text(new_id)
    await world.deliver()
    with world.session() as session:
        assert session.exec(select(HelpRequest)).one().status == RequestStatus.CLAIMED
    assert "Piet helpt u" in world.harness.last_text(world.resident)
    # The next request goes straight to the new id.
    failed_before = len(world.api.failed_calls)
    await ask(world, make_user(1001, "Truus"), "kan iemand mijn boodschappen doen, graag")
    await world.deliver()
    assert len(world.api.sent_messages(new_id)) == 2
    assert len(world.api.failed_calls) == failed_before
    assert_each_row_sent_once(world)


async def test_a_user_who_blocked_the_bot_is_unreachable_and_the_broadcast_goes_on(world: World) -> None:
    people = list(range(5000, 5040))
    blocked = {5003, 5017, 5030}
    now = world.clock.now()
    with world.session() as session:
        for user_id in people:
            session.add(User(id=user_id, first_name=f"Buur {user_id}", created_at=now, has_private_chat=True))
        session.commit()
        for user_id in people:
            for part in (1, 2):
                enqueue_message(session, chat_id=user_id, text=f"Buurtnieuws {part} voor {user_id}", now=now)
        session.commit()
    for user_id in blocked:
        world.api.blocked(user_id)
    world.api.fail("sendMessage", "server_error", times=2)
    world.api.fail("sendMessage", "retry_after", times=1, retry_after=2)

    await world.deliver()

    counts = sent_counts(world)
    for user_id in people:
        for part in (1, 2):
            expected = 0 if user_id in blocked else 1
            assert counts[(user_id, f"Buurtnieuws {part} voor {user_id}", ())] == expected
    with world.session() as session:
        unreachable = {user.id for user in session.exec(select(User).where(User.reachable.is_(False)))}
        rows = session.exec(select(Outbox)).all()
    assert unreachable == blocked
    failed = {row.chat_id for row in rows if row.status == OutboxStatus.FAILED}
    assert failed == blocked
    assert all(row.status == OutboxStatus.SENT for row in rows if row.chat_id not in blocked)


async def test_retry_after_on_a_reply_puts_it_off_and_never_blocks_the_handler(world: World) -> None:
    h, anna = world.harness, world.resident
    start = world.clock.now()
    world.api.fail("sendMessage", "retry_after", times=2, retry_after=4, chat_id=anna.id)

    await h.command(anna, "/start")  # the harness re-raises any error a handler let through

    assert h.errors == []
    assert world.clock.now() == start  # nobody waited: the replies are put off in the outbox, in order
    assert h.last_text(anna) is None
    await world.deliver()  # the sender tries again when Telegram allows it
    assert "Welkom" in h.texts(anna)[0] and "gemeente" in h.last_text(anna)
    assert world.clock.now() - start >= timedelta(seconds=4)


async def test_retry_after_on_a_claim_answer_and_card_edit_is_absorbed(world: World) -> None:
    h = world.harness
    await ask(world, world.resident, "kan iemand mijn boodschappen doen")
    await world.deliver()
    world.api.fail("answerCallbackQuery", "retry_after", times=1, retry_after=2)
    world.api.fail("editMessageText", "retry_after", times=1, retry_after=2)
    world.api.fail("sendMessage", "retry_after", times=1, retry_after=2, chat_id=world.volunteer.id)

    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    await world.deliver()  # what a 429 put off waits in the outbox

    assert h.errors == []
    assert "Piet helpt al" in h.last_text(world.group_id)
    assert "Anna" in h.last_text(world.volunteer)
    assert len(world.api.sent_messages(world.volunteer.id)) == 1


async def test_a_long_flood_puts_the_reply_off_without_an_error(world: World, caplog) -> None:
    h, anna = world.harness, world.resident
    world.api.fail("sendMessage", "retry_after", times=1, retry_after=45, chat_id=anna.id)

    with caplog.at_level(logging.INFO):
        await h.command(anna, "/start")

    assert h.errors == []
    assert "RetryAfter" in caplog.text
    # One try reached the server; the reply waits in the outbox for the 45 seconds Telegram asked for.
    assert world.api.sent_messages(anna.id) == []
    assert len([c for c in world.api.failed_calls if c.chat_id == anna.id]) == 1
    assert {row.last_error for row in outbox_rows(world) if row.status == OutboxStatus.PENDING} >= {"RetryAfter"}
    await world.deliver()
    assert "Welkom" in h.texts(anna)[0]


async def test_the_outbox_handles_its_own_retry_after(world: World) -> None:
    """The rate limiter lets the sender's calls through: a 429 puts the row off, it never blocks the pass."""
    with world.session() as session:
        enqueue_message(session, chat_id=4242, text="Hallo", now=world.clock.now())
        session.commit()
    start = world.clock.now()
    world.api.fail("sendMessage", "retry_after", times=1, retry_after=30)

    assert await world.sender.deliver_due() == 0

    assert world.clock.now() == start
    (row,) = outbox_rows(world)
    assert row.status == OutboxStatus.PENDING and row.last_error == "RetryAfter"
    assert row.not_before == start + timedelta(seconds=30)
    await world.deliver()
    assert sent_counts(world)[(4242, "Hallo", ())] == 1


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


async def test_a_database_connection_that_died_costs_no_answer(postgresql_engine, clock, settings, caplog) -> None:
    world = make_world(postgresql_engine, clock, settings)
    async with world.harness:
        h, anna = world.harness, world.resident
        await h.send(anna, "goedemorgen")
        greeting = h.texts(anna)[-1]
        with postgresql_engine.connect() as connection:  # the pooled connection the bot uses next
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = postgres_engine_on()
        with admin.begin() as connection:  # as a restart of PostgreSQL would
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        admin.dispose()
        await h.send(anna, "goedemorgen")
        assert h.texts(anna)[-1] == greeting
    assert "database connection lost; the turn is tried again" in caplog.text
