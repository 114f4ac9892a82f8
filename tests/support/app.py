"""The real app on a fake Bot API, with a helper to deliver the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import User

from bot.app import build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.delivery import OutboxSender
from bot.services.people import add_volunteer, ensure_coordinators
from bot.services.places import link_group
from bot.services.timers import fire_due_timers
from bot.services.unit_of_work import UnitOfWork
from db.models import User as DbUser
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import BotHarness
from tests.support.updates import make_group, make_user


@dataclass
class World:
    """A bot with a neighbourhood group, a coordinator, a volunteer and a resident."""

    harness: BotHarness
    api: FakeBotAPI
    engine: Engine
    clock: ManualClock
    sender: OutboxSender
    resident: User
    volunteer: User
    coordinator: User
    group_id: int

    async def deliver(self) -> int:
        """Deliver everything the outbox holds, moving the clock over rate-limit pauses."""
        total = 0
        for _ in range(10_000):
            total += await self.sender.deliver_due()
            due = self.sender.next_due()
            if due is None:
                return total
            if due > self.clock.now():
                self.clock.set(due)
        raise AssertionError("the outbox never emptied")

    def session(self) -> Session:
        """A session on the test database whose rows stay readable after a commit."""
        return Session(self.engine, expire_on_commit=False)

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work as the bot's front doors use it: services, then one commit with the notices rendered."""
        return self.harness.app.bot_data["runtime"].unit_of_work()

    def alert(self) -> str:
        """The text of the last answer to a button press ("" when it was silent)."""
        return self.api.calls_to("answerCallbackQuery")[-1].params.get("text", "")

    def fire_timers(self) -> int:
        """Fire the timers that are due now, as the worker would; how many fired."""
        with self.unit_of_work() as uow:
            fired = fire_due_timers(
                uow.session, now=self.clock.now(), settings=self.harness.app.bot_data["runtime"].settings
            )
            uow.commit()
        return fired


def another_process(world: World) -> BotHarness:
    """A second bot process on the same database and the same Telegram (the world's fake Bot API)."""
    settings = world.harness.app.bot_data["runtime"].settings
    application = build_application(settings, request=world.api, engine=world.engine, clock=world.clock)
    return BotHarness(application, world.api, run_post_init=False)


def make_world(engine: Engine, clock: ManualClock, settings: Settings, place: str = "klimmen") -> World:
    """Build the app and its people; the group of `place` is linked, the volunteer approved there."""
    api = FakeBotAPI()
    application = build_application(settings, request=api, engine=engine, clock=clock)
    resident = make_user(101, "Anna", language_code="nl")
    volunteer = make_user(202, "Piet", language_code="nl")
    coordinator = make_user(settings.coordinator_ids[0], "Carla", language_code="nl")
    group = make_group(-1001, "Klimmen helpt")
    now = clock.now()
    with Session(engine) as session:
        ensure_coordinators(session, settings.coordinator_ids, now=now)
        add_volunteer(session, user_id=volunteer.id, neighbourhoods=[place], now=now)
        session.get(DbUser, volunteer.id).has_private_chat = True  # he signed up in a private chat with the bot
        link_group(
            session,
            chat_id=group.id,
            title=group.title,
            neighbourhood_slug=place,
            linked_by=coordinator.id,
            now=now,
        )
        session.commit()
    sender = application.bot_data["sender"]  # the running bot's own sender: one budget, one memory of waiting chats
    return World(
        harness=BotHarness(application, api, run_post_init=False),
        api=api,
        engine=engine,
        clock=clock,
        sender=sender,
        resident=resident,
        volunteer=volunteer,
        coordinator=coordinator,
        group_id=group.id,
    )
