"""Nobody waits for somebody else: replies go out at once, a flood is throttled on its own, nothing sleeps."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text
from sqlmodel import select

from bot.config import Settings
from bot.services.outbox import enqueue_message
from db.models import Outbox, OutboxStatus, User
from tests.support.app import World, make_world
from tests.support.scenarios import ask_for_groceries
from tests.support.updates import make_group, make_user, private_text


async def test_a_card_is_in_the_group_as_soon_as_the_request_is_sent(world: World) -> None:
    start = world.clock.now()
    await ask_for_groceries(world)  # ends with "Ja, versturen"
    assert "Ik help" in " ".join(world.harness.buttons(world.group_id))  # no outbox pass, no poll in between
    assert world.clock.now() == start


async def test_rows_queued_outside_an_update_wake_the_sender_at_once(world: World) -> None:
    """A timer or the desk queues a message: the running sender is woken, it does not wait for its next poll."""
    sender = world.harness.app.bot_data["sender"]
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop, poll=3600))  # it would poll only once an hour
    try:
        await asyncio.sleep(0.05)  # the first pass found nothing; the sender waits
        began = time.monotonic()
        with world.unit_of_work() as uow:
            enqueue_message(uow.session, chat_id=world.volunteer.id, text="Nieuw in uw buurt", now=world.clock.now())
            uow.commit()
        while not world.api.sent_messages(world.volunteer.id) and time.monotonic() - began < 10:
            await asyncio.sleep(0.01)
        assert world.api.sent_messages(world.volunteer.id), "the woken sender delivered nothing"
        assert time.monotonic() - began < 5  # woken, not polled: a fake clock could not have moved it forward
    finally:
        stop.set()
        await task


async def test_a_flooding_resident_is_throttled_on_their_own(sqlite_engine, clock, settings: Settings) -> None:
    throttled = make_world(sqlite_engine, clock, Settings(**{**settings.__dict__, "throttle": True}))
    api, h = throttled.api, throttled.harness
    api.enforce_limits(lambda: clock.now().timestamp())  # Telegram's limits, answered with 429
    flooder, other = make_user(301, "Flip", language_code="nl"), make_user(302, "Olga", language_code="nl")
    async with h:
        start = clock.now()
        for n in range(30):
            await h.send(flooder, f"hallo hallo {n}")
        await h.command(other, "/start")
        assert "Welkom" in h.texts(other)[0]  # at once: the flood put nothing in Olga's way
        assert clock.now() == start  # and nothing slept
        assert not [call for call in api.failed_calls if call.status == 429]  # our throttle kept every limit
        # Flip's replies wait in the outbox, one a second; past 20 a minute the bot stops answering him.
        with throttled.session() as session:
            waiting = session.exec(
                select(Outbox).where(Outbox.chat_id == flooder.id, Outbox.status == OutboxStatus.PENDING)
            )
            assert waiting.all()
        await throttled.deliver()
        texts = h.texts(flooder)
        assert sum("Wacht even een minuut" in text for text in texts) == 1
        assert len(texts) == settings.messages_per_minute + 1
        assert not [call for call in api.failed_calls if call.status == 429]
        with throttled.session() as session:
            assert session.get(User, other.id).has_private_chat


async def test_a_group_member_spamming_koppel_leaves_a_resident_answered(
    sqlite_engine, clock, settings: Settings
) -> None:
    throttled = make_world(sqlite_engine, clock, Settings(**{**settings.__dict__, "throttle": True}))
    api, h = throttled.api, throttled.harness
    api.enforce_limits(lambda: clock.now().timestamp())  # Telegram's limits, answered with 429
    member, resident = make_user(303, "Sjef", language_code="nl"), make_user(304, "Ria", language_code="nl")
    group = make_group(-4004, "Buurtapp")
    async with h:
        start, began = clock.now(), time.monotonic()
        for _ in range(25):
            await h.command(member, "/koppel", chat=group)
        await h.command(resident, "/start")
        assert "Welkom" in h.texts(resident)[0]  # at once: 25 refusals put nothing in Ria's way
        assert time.monotonic() - began < 2 and clock.now() == start  # within 2 s, and nothing slept
        assert not [call for call in api.failed_calls if call.status == 429]
        refusals = [text for text in h.texts(group.id) if "dat mag u niet" in text]
        assert len(refusals) == 1  # the bot refuses once, not 25 times


async def test_a_resident_whose_turn_waits_on_the_database_holds_up_no_one_else(postgresql_engine, clock, settings):
    world = make_world(postgresql_engine, clock, settings)
    async with world.harness:
        h, anna, bob = world.harness, world.resident, make_user(303, "Bob", language_code="nl")
        await h.send(anna, "goedemorgen")
        update = private_text(anna, "goedemorgen", update_id=987_654)
        with postgresql_engine.connect() as other:  # another worker is recording the same update, not committed yet
            other.execute(
                text("INSERT INTO processedupdate (update_id, processed_at) VALUES (:id, now())"), {"id": 987_654}
            )
            anna_waits = asyncio.create_task(h.process(update))
            await asyncio.wait_for(h.send(bob, "goedemorgen"), timeout=10)
            assert h.texts(bob) and not anna_waits.done()
            other.rollback()  # the other worker gave up: Anna's turn goes on
        await asyncio.wait_for(anna_waits, timeout=10)
        assert len(h.texts(anna)) == 2
