"""The `samenbot` command line: help, database upgrade, volunteers and coordinators, a missing token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot import cli
from bot.cli import main
from db.models import Category, Coordinator, DeskVolunteer, Neighbourhood, Volunteer, VolunteerArea, VolunteerStatus
from db.session import make_engine


def samenbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )


def test_help_lists_the_commands() -> None:
    result = samenbot("--help", env={})
    assert result.returncode == 0
    for command in ("run", "desk", "desk-volunteer", "db", "volunteer", "coordinator", "match", "export"):
        assert command in result.stdout


def test_run_without_a_token_explains_botfather_without_a_traceback(tmp_path: Path) -> None:
    result = samenbot("run", env={"TELEGRAM_BOT_TOKEN": "", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert result.returncode != 0
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path, monkeypatch):
    """DATABASE_URL for the CLI; for PostgreSQL the CLI's engine is this test's own schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/cli.sqlite3"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        return
    engine = request.getfixturevalue("empty_postgresql_engine")
    monkeypatch.setattr("bot.cli.make_engine", lambda _url, **_kwargs: engine)
    yield engine.url.render_as_string(hide_password=False)


def test_db_upgrade_volunteer_and_coordinator_commands(database_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("COORDINATOR_IDS", "900")
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0  # twice is harmless
    assert "Database ready" in capsys.readouterr().out

    assert main(["volunteer", "add", "202", "klimmen", "Ubach over Worms"]) == 0
    assert main(["volunteer", "add", "203", "Nergenshuizen"]) == 1
    assert main(["coordinator", "add", "300", "landgraaf"]) == 0
    assert main(["coordinator", "add", "301", "atlantis"]) == 1
    assert main(["coordinator", "list"]) == 0
    listing = capsys.readouterr().out
    assert "300\tlandgraaf" in listing and "900\tall" in listing
    assert main(["coordinator", "remove", "300"]) == 0
    assert main(["coordinator", "remove", "300"]) == 1

    from bot import cli

    engine = cli.make_engine(database_url)
    with Session(engine) as session:
        assert session.exec(select(Category)).all()
        assert session.get(Neighbourhood, "eikske").parent_slug == "ubach-over-worms"
        assert session.get(Volunteer, 202).status == VolunteerStatus.APPROVED
        areas = set(session.exec(select(VolunteerArea.neighbourhood_slug).where(VolunteerArea.volunteer_id == 202)))
        assert areas == {"klimmen", "ubach-over-worms"}
        assert session.get(Volunteer, 203) is None
        assert {c.user_id for c in session.exec(select(Coordinator))} == {900}


def test_match_reads_stdin_and_writes_json_lines() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "match"],
        input="kan iemand mijn hond uitlaten\nhallo\n",
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert '"category": "huisdieren"' in lines[0]
    assert '"matches": []' in lines[1]


def test_make_engine_accepts_a_plain_postgresql_url() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.dialect.driver == "psycopg"


def test_desk_volunteer_commands(database_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("COORDINATOR_IDS", "900")
    assert main(["db", "upgrade"]) == 0
    assert main(["desk-volunteer", "add", "3101", "voerendaal", "--steunpunt", "wijksteunpunt-klimmen"]) == 0
    assert main(["desk-volunteer", "add", "3102", "heerlen"]) == 0
    assert main(["desk-volunteer", "add", "3103", "atlantis"]) == 1
    assert main(["desk-volunteer", "add", "3103", "heerlen", "--steunpunt", "wijksteunpunt-klimmen"]) == 1
    assert main(["desk-volunteer", "add", "900", "heerlen"]) == 1  # a coordinator already may do everything
    capsys.readouterr()
    assert main(["desk-volunteer", "list", "voerendaal"]) == 0
    assert capsys.readouterr().out.splitlines() == ["3101\tvoerendaal\twijksteunpunt-klimmen"]
    assert main(["desk-volunteer", "remove", "3102"]) == 0
    assert main(["desk-volunteer", "remove", "3102"]) == 1
    with Session(cli.make_engine(database_url)) as session:
        assert [row.user_id for row in session.exec(select(DeskVolunteer))] == [3101]


UNREACHABLE = "Cannot reach the Bot API at http://127.0.0.1:9/bot (NetworkError)."


@pytest.mark.slow
@pytest.mark.parametrize("mode", [[], ["--webhook"]], ids=["polling", "webhook"])
def test_run_without_a_reachable_bot_api_prints_one_clear_message(tmp_path: Path, mode: list[str]) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "1:x",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # nothing listens on port 9
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "DESK_PORT": "0",
        "WEBHOOK_URL": "https://bot.example.nl/hook",
        "WEBHOOK_SECRET": "s3cret",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "PORT": "0",
    }
    result = samenbot("run", *mode, env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [UNREACHABLE, "Check TELEGRAM_API_BASE_URL and the network, then start again."]
    assert result.stdout == ""
