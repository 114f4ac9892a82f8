"""The desk in tests: an app on the test database, a browser-like client, and logging in as a role."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient
from telegram import Bot

from bot.app import build_runtime
from bot.clock import Clock
from bot.config import Settings
from bot.desk import create_desk
from bot.services.desk_login import issue_login_link, signing_secret
from bot.services.runtime import Runtime
from tests.support.fake_bot_api import FakeBotAPI

DESK_URL = "http://testserver"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def desk_settings(settings: Settings) -> Settings:
    """The test settings with the desk at the test client's address."""
    return replace(settings, desk_base_url=DESK_URL)


def desk_runtime(engine: Engine, clock: Clock, settings: Settings) -> Runtime:
    """The runtime the desk shares with the bot, on the test database and clock."""
    return build_runtime(desk_settings(settings), engine, clock)


def desk_client(runtime: Runtime) -> TestClient:
    """A client for a fresh desk; it keeps cookies like a browser and does not follow redirects."""
    telegram = Bot(runtime.settings.bot_token, request=FakeBotAPI())  # residents' media, as the bot would fetch it
    return TestClient(create_desk(runtime, telegram), base_url=DESK_URL, follow_redirects=False)


def login_path(runtime: Runtime, user_id: int) -> str:
    """A fresh one-time link for `user_id`, as `/balie` would send it (path only)."""
    now = runtime.clock.now()
    with Session(runtime.engine) as session:
        secret = signing_secret(session, configured=runtime.settings.desk_secret, now=now)
        link = issue_login_link(session, user_id=user_id, secret=secret, now=now)
        session.commit()
    assert link.signed_token, f"no link for {user_id}: {link.outcome}"
    return f"/login/{link.signed_token}"


def log_in(client: TestClient, path: str) -> str:
    """Open a login link and press the button; the CSRF token of the first page."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    link = path.rsplit("/", 1)[1]
    answer = client.post("/login", data={"link": link})
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)
