"""Waking the sender when rows are queued: in this process at once; in other processes through PostgreSQL NOTIFY.

A unit of work that queues rows for any sender (a timer in one worker, an intake on the desk) ends with
`NOTIFY` (`bot.services.outbox.notify_senders`), which PostgreSQL delivers only when it commits. Every sender
process listens on one channel and starts a pass when told. Polling stays as the safety net: a missed
notification costs at most the poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine

from bot.services.outbox import NOTIFY_CHANNEL

log = logging.getLogger(__name__)

RECONNECT_AFTER = 5.0


def is_postgres(engine: Engine) -> bool:
    """Whether `engine` talks to PostgreSQL (the only database with NOTIFY here)."""
    return engine.dialect.name == "postgresql"


def _conninfo(engine: Engine) -> str:
    """The libpq address of the engine's database (SQLAlchemy's driver name removed)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def listen_for_wakes(engine: Engine, wake: Callable[[], None], stop: asyncio.Event) -> None:
    """Call `wake()` for every notification on the channel until `stop` is set; reconnect after a failure."""
    if not is_postgres(engine):
        return
    import psycopg  # only here: a SQLite bot starts without loading the PostgreSQL driver

    while not stop.is_set():
        try:
            async with await psycopg.AsyncConnection.connect(_conninfo(engine), autocommit=True) as connection:
                await connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                wake()  # rows queued while we were not listening
                notifies = connection.notifies()
                stopping = asyncio.ensure_future(stop.wait())
                try:
                    while not stop.is_set():
                        arrival = asyncio.ensure_future(anext(notifies))
                        done, _pending = await asyncio.wait({arrival, stopping}, return_when=asyncio.FIRST_COMPLETED)
                        if arrival in done:
                            arrival.result()
                            wake()
                        else:
                            arrival.cancel()
                finally:
                    stopping.cancel()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("outbox listener: %s; listening again in %ss", type(error).__name__, RECONNECT_AFTER)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RECONNECT_AFTER)
