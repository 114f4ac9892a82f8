"""One unit of work per update or request: a session, its notices rendered just before the one commit."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from types import TracebackType

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.services.notices import Notice, take_notices
from bot.services.outbox import notify_senders, take_queued

# The front door's renderer: turns notices into outbox rows (texts, buttons, languages) in the same session.
NoticeRenderer = Callable[[Session, Sequence[Notice]], None]
# This process's sender: rows were queued for these chats.
WakeSenders = Callable[[Collection[int]], None]


class UnitOfWork:
    """`with runtime.unit_of_work() as uow: result = service(uow.session, ...); uow.commit()`.

    Leaving the block without a commit rolls back (an exception inside, or a read that changed nothing).
    """

    def __init__(
        self, engine: Engine, render_notices: NoticeRenderer, wake_senders: WakeSenders = lambda _chats: None
    ) -> None:
        self.session = Session(engine, expire_on_commit=False)
        self._render_notices = render_notices
        self._wake_senders = wake_senders

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Render the pending notices in this transaction, then commit everything at once; wake the senders."""
        notices = take_notices(self.session)
        if notices:
            self._render_notices(self.session, notices)
        queued = take_queued(self.session)
        if queued:
            notify_senders(self.session)
        self.session.commit()
        if queued:
            self._wake_senders(queued)
