"""Operable: /healthz and /metrics on the desk and on the webhook; the engine and the sender feed the metrics."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
from prometheus_client import REGISTRY
from sqlmodel import Session

from bot.config import Settings
from bot.services.outbox import enqueue_message
from bot.webhook import SECRET_HEADER, webhook_app
from db.models import Timer
from tests.support.app import World
from tests.support.desk import desk_client, desk_runtime
from tests.support.updates import command

HOOK = replace(
    Settings(bot_token="123456:TEST", coordinator_ids=(900,), throttle=False),
    webhook_url="https://bot.example.nl/telegram/hook",
    webhook_secret="s3cret",
)


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_the_desk_reports_health_and_backlog(sqlite_engine, clock, settings) -> None:
    runtime = desk_runtime(sqlite_engine, clock, settings)
    now = clock.now()
    with Session(sqlite_engine) as session:
        for n in range(3):
            enqueue_message(session, chat_id=500 + n, text="later", now=now - timedelta(seconds=30))
        session.add(Timer(kind="bump", ref_id=1, due_at=now - timedelta(minutes=1)))
        session.add(Timer(kind="bump", ref_id=2, due_at=now + timedelta(hours=1)))
        session.commit()
    client = desk_client(runtime)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {
        "database": "ok",
        "outbox_backlog": 3,
        "outbox_oldest_due_seconds": 30.0,
        "timers_due": 1,
    }
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    lines = metrics.text.splitlines()
    for line in ("samenbot_database_up 1.0", "samenbot_outbox_backlog 3.0", "samenbot_timers_due 1.0"):
        assert line in lines
    assert any(line.startswith("process_resident_memory_bytes") for line in lines)


def test_health_says_503_when_the_database_is_gone(sqlite_engine, clock, settings, tmp_path) -> None:
    from db.session import make_engine

    runtime = desk_runtime(sqlite_engine, clock, settings)
    client = desk_client(runtime)
    runtime_gone = replace(runtime, engine=make_engine(f"sqlite:///{tmp_path}/missing/none.sqlite3"))
    client.app.state.runtime = runtime_gone
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "error"
    assert "samenbot_database_up 0.0" in client.get("/metrics").text.splitlines()


async def test_the_webhook_handles_an_update_before_it_answers(world: World) -> None:
    app = webhook_app(world.harness.app, HOOK)
    anna = world.resident
    commands = sample("samenbot_updates_total", {"kind": "command"})
    timed = sample("samenbot_update_seconds_count")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker") as client:
        update = command(anna, None, "start").to_dict()
        assert (await client.post("/telegram/hook", json=update)).status_code == 403
        assert (await client.post("/telegram/hook", json=update, headers={SECRET_HEADER: "wrong"})).status_code == 403
        bad = await client.post("/telegram/hook", content=b"{", headers={SECRET_HEADER: "s3cret"})
        assert bad.status_code == 400
        answer = await client.post("/telegram/hook", json=update, headers={SECRET_HEADER: "s3cret"})
        assert answer.status_code == 200
        replies = world.harness.texts(anna)
        assert "Welkom" in replies[0]  # answered by the time Telegram got its 200
        assert sample("samenbot_updates_total", {"kind": "command"}) == commands + 1
        assert sample("samenbot_update_seconds_count") == timed + 1
        again = await client.post("/telegram/hook", json=update, headers={SECRET_HEADER: "s3cret"})
        assert again.status_code == 200 and world.harness.texts(anna) == replies  # a redelivery changes nothing
        health = await client.get("/healthz")
        assert health.status_code == 200 and health.json()["database"] == "ok"
        assert "samenbot_updates_total" in (await client.get("/metrics")).text


async def test_the_sender_counts_429s_and_measures_lag(world: World) -> None:
    lag = sample("samenbot_outbox_lag_seconds_count")
    refused = sample("samenbot_telegram_retry_after_total")
    with world.unit_of_work() as uow:
        enqueue_message(uow.session, chat_id=world.volunteer.id, text="Nieuws", now=world.clock.now())
        uow.commit()
    world.api.fail("sendMessage", "retry_after", retry_after=3)
    await world.deliver()
    assert world.api.sent_messages(world.volunteer.id)
    assert sample("samenbot_telegram_retry_after_total") == refused + 1
    assert sample("samenbot_outbox_lag_seconds_count") == lag + 1
    assert sample("samenbot_outbox_lag_seconds_bucket", {"le": "5.0"}) >= 1  # sent 3 s after it was queued
