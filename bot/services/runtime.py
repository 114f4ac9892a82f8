"""The long-lived parts shared by every front door: settings, database, clock, matchers, the notice renderer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import Settings
from bot.matching import CategoryMatcher, PlaceMatcher
from bot.services.unit_of_work import NoticeRenderer, UnitOfWork, WakeSenders


@dataclass
class Runtime:
    """Built once by the composition root."""

    settings: Settings
    engine: Engine
    clock: Clock
    categories: CategoryMatcher
    places: PlaceMatcher
    render_notices: NoticeRenderer
    wake_senders: WakeSenders = lambda _chats: None
    """Set by the composition root when this process sends: start a pass of its sender now."""

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work: one session, committed once with its notices rendered."""
        return UnitOfWork(self.engine, self.render_notices, self.wake_senders)
