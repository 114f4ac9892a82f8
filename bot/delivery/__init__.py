"""Getting the bot's messages to Telegram: the outbox store, Telegram's limits and the one sender."""

from bot.delivery.limits import Limits, Throttle
from bot.delivery.sender import OutboxSender, Outcome
from bot.delivery.store import LEASE, OutboxStore, Row

__all__ = ["LEASE", "Limits", "OutboxSender", "OutboxStore", "Outcome", "Row", "Throttle"]
