"""Two webhook workers (processes) on one PostgreSQL database: one resident's conversation, alternately.

Any worker serves any update: the conversation is read and written with every update, so a resident's
answers may land on a different worker each time. Telegram may also deliver one update twice, to two
workers: the request is stored once and its card posted once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.services.places import link_group
from db.models import HelpRequest, User
from tests.support import updates as upd
from tests.support.databases import POSTGRES_URL
from tests.support.http_bot_api import HttpBotAPI
from tests.support.live import wait_for
from tests.support.webhook_workers import stamped_url, start_workers, stop_workers, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]

GROUP = -1001


@pytest.fixture
def server() -> Iterator[HttpBotAPI]:
    with HttpBotAPI() as server:
        yield server


def button(server: HttpBotAPI, chat_id: int, label: str) -> tuple[dict, str]:
    """The newest message in the chat with a button whose text holds `label`, and that button's data."""
    for message in reversed(server.call(lambda: server.api.messages(chat_id))):
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for key in row:
                if label in key.get("text", ""):
                    return message, key["callback_data"]
    raise AssertionError(f"no button {label!r} in chat {chat_id}")


def last_text(server: HttpBotAPI, chat_id: int) -> str:
    messages = server.call(lambda: server.api.messages(chat_id))
    return messages[-1].get("text", "") if messages else ""


def test_two_workers_share_one_conversation(
    server: HttpBotAPI, postgresql_engine: Engine, tmp_path: Path, clock
) -> None:
    anna = upd.make_user(101, "Anna", language_code="nl")
    with Session(postgresql_engine) as session:
        session.add(User(id=anna.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=clock.now()))
        link_group(
            session, chat_id=GROUP, title="Klimmen", neighbourhood_slug="klimmen", linked_by=900, now=clock.now()
        )
        session.commit()
    env = worker_env(server, stamped_url(postgresql_engine, POSTGRES_URL))
    workers = start_workers(2, env, tmp_path)
    one, two = workers
    try:
        with httpx.Client() as client:

            def say(worker, text: str) -> None:
                assert worker.post(client, upd.private_text(anna, text)).status_code == 200

            def press(worker, label: str) -> None:
                message, data = button(server, anna.id, label)
                assert worker.post(client, upd.callback(anna, message, data)).status_code == 200

            say(one, "kan iemand mijn hond uitlaten")
            press(two, "Ja")
            assert "Wanneer" in last_text(server, anna.id)
            say(one, "maakt niet uit")
            assert "Wilt u nog iets vertellen" in last_text(server, anna.id)
            say(two, "nee")
            assert "Klopt dit?" in last_text(server, anna.id)
            # "Ja, versturen", delivered by Telegram twice: once to each worker.
            message, data = button(server, anna.id, "versturen")
            confirm = upd.callback(anna, message, data)
            assert one.post(client, confirm).status_code == 200
            assert two.post(client, confirm).status_code == 200

        def cards() -> list:
            calls = server.snapshot()
            return [
                c for c in calls if c.method == "sendMessage" and any(d.startswith("claim:") for d in c.callback_data)
            ]

        wait_for(cards, timeout=20, what="the card in the group")
        with Session(postgresql_engine) as session:
            requests = session.exec(select(HelpRequest)).all()
        assert len(requests) == 1 and requests[0].category_slug == "huisdieren"
        assert len(cards()) == 1 and cards()[0].chat_id == GROUP
        assert "Dank u wel" in last_text(server, anna.id)
    finally:
        stop_workers(workers)
    logs = "\n".join(worker.log() for worker in workers)
    assert "Traceback" not in logs, logs
