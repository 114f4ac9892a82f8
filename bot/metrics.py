"""Prometheus metrics of this process: updates, their handling time, the outbox's lag and Telegram's 429s.

Counters and histograms live in prometheus-client's default registry (with its process metrics: memory, CPU,
open files); the backlog gauges are read from the database at each scrape (`render_metrics`), so every process
reports the same shared queue.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from telegram import Update

from bot.services.health import read_backlog
from bot.services.runtime import Runtime

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0)

UPDATES = Counter("samenbot_updates", "Updates handled, by kind", ["kind"])
UPDATE_SECONDS = Histogram(
    "samenbot_update_seconds",
    "Time to handle one update (after waiting for the same person's earlier ones)",
    buckets=LATENCY_BUCKETS,
)
OUTBOX_LAG = Histogram(
    "samenbot_outbox_lag_seconds", "From queueing a Bot API call to Telegram's answer", buckets=LAG_BUCKETS
)
RETRY_AFTER = Counter("samenbot_telegram_retry_after", "Calls Telegram answered with 429 Too Many Requests")


def update_kind(update: object) -> str:
    """A short, bounded label: command, message, callback_query, my_chat_member, chat_join_request, ..."""
    if not isinstance(update, Update):
        return "other"
    message = update.message
    if message is not None:
        return "command" if (message.text or "").startswith("/") else "message"
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None) is not None), "other")


class BacklogCollector(Collector):
    """The shared backlog, read from the database when scraped; `samenbot_database_up` 0 when it cannot be read."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with self.runtime.unit_of_work() as uow:
                backlog = read_backlog(uow.session, now=self.runtime.clock.now())
        except Exception:
            yield GaugeMetricFamily("samenbot_database_up", "Whether the database answered", value=0)
            return
        yield GaugeMetricFamily("samenbot_database_up", "Whether the database answered", value=1)
        yield GaugeMetricFamily("samenbot_outbox_backlog", "Outbox rows not sent yet", value=backlog.outbox_pending)
        yield GaugeMetricFamily(
            "samenbot_outbox_oldest_due_seconds",
            "How long the oldest due outbox row has waited",
            value=backlog.outbox_oldest_due_seconds,
        )
        yield GaugeMetricFamily("samenbot_timers_due", "Timers past their moment, not fired", value=backlog.timers_due)


def render_metrics(runtime: Runtime) -> bytes:
    """The text exposition of this process's metrics and the shared backlog (blocking: call it off the loop)."""
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(BacklogCollector(runtime))
    return generate_latest(REGISTRY) + generate_latest(scrape)
