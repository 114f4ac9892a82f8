"""Logging in to the desk: a link from the bot, used once within ten minutes; sessions, log out, rate limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.services.desk_login import LINKS_PER_WINDOW, LinkOutcome, issue_login_link, signing_secret
from bot.services.desk_roles import add_desk_volunteer
from db.models import Coordinator, DeskAudit, DeskLoginToken, DeskSession, User
from tests.support.desk import csrf_of, desk_client, desk_runtime, log_in, login_path
from tests.support.updates import make_user

DESK_VOLUNTEER = make_user(3101, "Dora")
COORDINATOR_HEERLEN = make_user(3102, "Henk")
LINK = re.compile(r'href="http://testserver(/login/[^"]+)"')


@pytest.fixture
def runtime(engine, clock, settings):
    with Session(engine) as session:
        add_desk_volunteer(
            session,
            by_user_id=None,
            user_id=DESK_VOLUNTEER.id,
            municipality_slug="voerendaal",
            steunpunt_slug="wijksteunpunt-klimmen",
            now=clock.now(),
        )
        # Someone who asked the bot for a link is known to the bot.
        session.add(User(id=COORDINATOR_HEERLEN.id, first_name="Henk", created_at=clock.now()))
        session.add(Coordinator(user_id=COORDINATOR_HEERLEN.id, municipality_slug="heerlen", added_at=clock.now()))
        session.commit()
    return desk_runtime(engine, clock, settings)


async def test_a_desk_volunteer_logs_in_with_the_link_from_balie(world, runtime) -> None:
    world.harness.app.bot_data["runtime"].settings = runtime.settings
    sent = await world.harness.command(DESK_VOLUNTEER, "/balie")
    assert len(sent) == 1
    assert sent[0].params["link_preview_options"]["is_disabled"] is True
    path = LINK.search(sent[0].params["text"]).group(1)
    client = desk_client(runtime)
    assert client.get("/").headers["location"] == "/welkom"
    # Opening the link only shows a button: a link preview cannot use it up.
    assert client.get(path).status_code == 200
    assert client.get("/").status_code == 303
    csrf = log_in(client, path)
    cookie = client.cookies.jar
    session_cookie = next(c for c in cookie if c.name == "balie")
    assert session_cookie.has_nonstandard_attr("HttpOnly")
    page = client.get("/")
    assert page.status_code == 200 and "Dora" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert client.post("/logout", data={"csrf_token": csrf}).headers["location"] == "/welkom"
    assert client.get("/").headers["location"] == "/welkom"
    with Session(runtime.engine) as session:
        actions = session.exec(select(DeskAudit.action).order_by(DeskAudit.id)).all()
        assert actions == ["login", "logout"]
        assert session.exec(select(DeskSession)).one().ended_at is not None


async def test_anyone_else_gets_a_polite_refusal(world, runtime) -> None:
    world.harness.app.bot_data["runtime"].settings = runtime.settings
    sent = await world.harness.command(world.resident, "/balie")
    assert "alleen voor mensen die er werken" in sent[0].params["text"]
    assert "/login/" not in sent[0].params["text"]
    with Session(runtime.engine) as session:
        assert session.exec(select(DeskLoginToken)).all() == []


def test_a_used_link_is_refused(runtime) -> None:
    path = login_path(runtime, DESK_VOLUNTEER.id)
    log_in(desk_client(runtime), path)
    again = desk_client(runtime).post("/login", data={"link": path.rsplit("/", 1)[1]})
    assert again.status_code == 403 and "werkt niet meer" in again.text
    assert "set-cookie" not in again.headers


def test_an_expired_link_is_refused(runtime, clock) -> None:
    path = login_path(runtime, DESK_VOLUNTEER.id)
    clock.advance(timedelta(minutes=10, seconds=1))
    answer = desk_client(runtime).post("/login", data={"link": path.rsplit("/", 1)[1]})
    assert answer.status_code == 403 and "set-cookie" not in answer.headers


def test_a_forged_link_is_refused(runtime) -> None:
    path = login_path(runtime, DESK_VOLUNTEER.id)
    token, signature = path.rsplit("/", 1)[1].rsplit(".", 1)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB") + "." + signature
    assert desk_client(runtime).post("/login", data={"link": forged}).status_code == 403


def test_only_a_hash_of_the_link_is_stored(runtime) -> None:
    path = login_path(runtime, DESK_VOLUNTEER.id)
    with Session(runtime.engine) as session:
        stored = session.exec(select(DeskLoginToken)).one()
    assert stored.token_hash not in path and len(stored.token_hash) == 64


def test_a_session_ends_after_eight_hours(runtime, clock) -> None:
    client = desk_client(runtime)
    log_in(client, login_path(runtime, COORDINATOR_HEERLEN.id))
    clock.advance(timedelta(hours=7, minutes=59))
    assert client.get("/").status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get("/").headers["location"] == "/welkom"


def test_a_role_taken_away_ends_the_session(runtime) -> None:
    client = desk_client(runtime)
    log_in(client, login_path(runtime, DESK_VOLUNTEER.id))
    from bot.services.desk_roles import remove_desk_volunteer

    with Session(runtime.engine) as session:
        remove_desk_volunteer(session, by_user_id=None, user_id=DESK_VOLUNTEER.id)
        session.commit()
    assert client.get("/").headers["location"] == "/welkom"


def test_login_links_are_rate_limited(runtime, clock) -> None:
    def ask() -> LinkOutcome:
        with Session(runtime.engine) as session:
            secret = signing_secret(session, configured="", now=clock.now())
            outcome = issue_login_link(session, user_id=DESK_VOLUNTEER.id, secret=secret, now=clock.now()).outcome
            session.commit()
        return outcome

    assert [ask() for _ in range(LINKS_PER_WINDOW)] == [LinkOutcome.ISSUED] * LINKS_PER_WINDOW
    assert ask() is LinkOutcome.TOO_MANY
    clock.advance(timedelta(minutes=11))
    assert ask() is LinkOutcome.ISSUED


def test_the_signing_secret_is_kept_so_links_survive_a_restart(runtime) -> None:
    path = login_path(runtime, DESK_VOLUNTEER.id)
    restarted = desk_client(runtime)  # a new app reads the same secret from the database
    assert restarted.post("/login", data={"link": path.rsplit("/", 1)[1]}).status_code == 303


def test_every_post_needs_the_csrf_token(runtime) -> None:
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, COORDINATOR_HEERLEN.id))
    assert client.post("/logout", data={}).status_code == 403
    assert client.post("/logout", data={"csrf_token": csrf + "x"}).status_code == 403
    assert client.get("/").status_code == 200
    assert csrf_of(client.get("/").text) == csrf


def test_the_desk_speaks_the_language_chosen_here_or_in_the_bot(runtime) -> None:
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, COORDINATOR_HEERLEN.id))
    assert "Uitloggen" in client.get("/").text
    assert client.post("/taal", data={"csrf_token": csrf, "lang": "de", "next": "/"}).headers["location"] == "/"
    page = client.get("/")
    assert 'lang="de"' in page.text and "Abmelden" in page.text
    assert (
        client.post("/taal", data={"csrf_token": csrf, "lang": "en", "next": "//evil.example"}).headers["location"]
        == "/"
    )
    assert "Log out" in client.get("/").text


async def test_an_unexpected_error_is_logged_by_its_class_only(caplog) -> None:
    from bot.desk.app import QuietErrors

    async def failing(scope, receive, send) -> None:
        raise ValueError("Vrauw Hoeppertz 0451234567")

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    await QuietErrors(failing)({"type": "http", "method": "GET", "path": "/", "headers": []}, receive, send)
    assert sent[0]["status"] == 500
    assert "ValueError" in caplog.text and "Hoeppertz" not in caplog.text and "0451234567" not in caplog.text
