"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), the app on a fake Bot API.

The schema and the data files are loaded once per session into a template (see tests/support/databases.py);
every test that asks for a database gets its own copy of it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import ManualClock
from bot.config import Settings
from tests.support.app import World, make_world
from tests.support.databases import (
    PostgresTemplate,
    build_sqlite_template,
    copy_sqlite_template,
    empty_postgres_engine,
    require_postgres,
    sqlite_engine_at,
)
from tests.support.updates import reset_counters

os.environ.setdefault("PTB_TIMEDELTA", "true")  # as `samenbot` runs: Telegram's waits as timedeltas


@pytest.fixture(autouse=True)
def fresh_update_ids() -> None:
    """Update, message and callback ids start again in every test, so that no test depends on which ran before."""
    reset_counters()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every table and the data files loaded, built once per session."""
    return build_sqlite_template(tmp_path_factory.mktemp("template") / "seeded.sqlite3")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    """A PostgreSQL schema with every table and the data files loaded, built once per session."""
    require_postgres()
    template = PostgresTemplate()
    yield template
    template.drop()


@pytest.fixture
def seeded_sqlite_file(sqlite_template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the seeded SQLite file."""
    return copy_sqlite_template(sqlite_template, tmp_path / "test.sqlite3")


@pytest.fixture
def sqlite_engine(seeded_sqlite_file: Path) -> Iterator[Engine]:
    """An engine on this test's own seeded SQLite file."""
    engine = sqlite_engine_at(seeded_sqlite_file)
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql_engine(postgres_template: PostgresTemplate) -> Iterator[Engine]:
    """An engine on this test's own seeded PostgreSQL schema."""
    with postgres_template.copy() as engine:
        yield engine


@pytest.fixture
def empty_postgresql_engine() -> Iterator[Engine]:
    """An engine on this test's own empty PostgreSQL schema (no tables)."""
    require_postgres()
    with empty_postgres_engine() as engine:
        yield engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on SQLite and on PostgreSQL, each on its own seeded database."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings() -> Settings:
    return Settings(bot_token="123456:TEST", coordinator_ids=(900,), throttle=False)


@pytest.fixture
async def world(engine: Engine, clock: ManualClock, settings: Settings) -> AsyncIterator[World]:
    """The application on the fake Bot API, on SQLite and on PostgreSQL, started for the test."""
    world = make_world(engine, clock, settings)
    async with world.harness:
        yield world
