"""Telegram's limits, in one place, and the throttle that keeps every call of this process within them.

https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: about 30 messages a second
overall, 20 a minute in a group, about one a second in a private chat; past them the Bot API answers 429 with a
`retry_after`. One `Throttle` per process is the shared budget of the outbox sender and of the replies a handler
sends right after its commit. When several processes share one bot token, give each a share of the limits.
"""

from __future__ import annotations

import bisect
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram.error import RetryAfter

SECOND = timedelta(seconds=1)
MINUTE = timedelta(seconds=60)
FLOOD_WINDOW = timedelta(seconds=10)
FLOOD_CHATS = 2
"""A 429 on this many distinct chats within FLOOD_WINDOW means a global flood: every chat waits."""


@dataclass(frozen=True)
class Limits:
    """Telegram's limits, and how often a failing call is tried."""

    overall_per_second: int = 30
    per_group_per_minute: int = 20
    per_chat_per_second: int = 1
    max_attempts: int = 8


DEFAULT_LIMITS = Limits()


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB v22 warns that the int becomes a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    if isinstance(value, timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)


MESSAGE_CREATING = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)
"""Calls that put a new message in a chat: the ones Telegram counts against its limits (an edit is not one)."""


def is_group(chat_id: int) -> bool:
    """Groups and channels have negative chat ids."""
    return chat_id < 0


class Throttle:
    """Sliding windows of send moments (overall 1 s; per chat 1 s, and 60 s for groups) and 429 pauses."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._all: list[datetime] = []
        self._chats: dict[int, list[datetime]] = {}
        self.paused_until: datetime | None = None
        self._chat_paused_until: dict[int, datetime] = {}
        self._floods: list[tuple[datetime, int]] = []

    @staticmethod
    def _window(chat_id: int) -> timedelta:
        return MINUTE if is_group(chat_id) else SECOND

    def prune(self, now: datetime) -> None:
        """Forget send moments that no longer count."""
        del self._all[: bisect.bisect_right(self._all, now - SECOND)]
        for chat_id in list(self._chats):
            times = self._chats[chat_id]
            del times[: bisect.bisect_right(times, now - self._window(chat_id))]
            if not times:
                del self._chats[chat_id]

    def record(self, chat_id: int, moment: datetime) -> None:
        """Count one call to `chat_id` at `moment`."""
        bisect.insort(self._all, moment)
        bisect.insort(self._chats.setdefault(chat_id, []), moment)

    def overall_free_at(self, now: datetime) -> datetime:
        """The first moment from `now` at which one more call fits the overall limit (and no flood pause)."""
        self.prune(now)
        moment = now
        n = self.limits.overall_per_second
        if len(self._all) >= n:
            moment = max(moment, self._all[-n] + SECOND)
        if self.paused_until is not None:
            moment = max(moment, self.paused_until)
        return moment

    def chat_free_at(self, chat_id: int, now: datetime, planned: list[datetime] | tuple = ()) -> datetime:
        """The first moment from `now` at which one more call to the chat fits its limits.

        `planned` are moments already promised to earlier rows of the chat (all >= the recorded ones).
        """
        times = self._chats.get(chat_id, []) + list(planned)
        moment = now
        n = self.limits.per_chat_per_second
        if len(times) >= n:
            moment = max(moment, times[-n] + SECOND)
        n = self.limits.per_group_per_minute
        if is_group(chat_id) and len(times) >= n:
            moment = max(moment, times[-n] + MINUTE)
        return moment

    def allowed_at(self, chat_id: int, now: datetime, *, counted: bool = True) -> datetime:
        """When one more call to `chat_id` may go: every 429 pause, and the limits for a `counted` call."""
        moment = max(self.overall_free_at(now), self.chat_free_at(chat_id, now)) if counted else now
        if self.paused_until is not None:
            moment = max(moment, self.paused_until)
        pause = self._chat_paused_until.get(chat_id)
        if pause is not None:
            if pause > now:
                moment = max(moment, pause)
            else:
                del self._chat_paused_until[chat_id]
        return moment

    def retry_after(self, chat_id: int, until: datetime, now: datetime) -> bool:
        """Telegram answered 429 for `chat_id`: pause the chat; True when it is a flood that pauses every chat."""
        self._chat_paused_until[chat_id] = max(until, self._chat_paused_until.get(chat_id, until))
        self._floods = [(moment, chat) for moment, chat in self._floods if moment > now - FLOOD_WINDOW]
        self._floods.append((now, chat_id))
        if len({chat for _, chat in self._floods}) < FLOOD_CHATS:
            return False
        self.paused_until = max(until, self.paused_until or until)
        return True
