"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), the app on a fake Bot API."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.clock import ManualClock
from bot.config import REPO_ROOT, Settings
from db.seed import load_data_files
from db.session import make_engine
from tests.support.app import World, make_world

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def sqlite_engine_at(path: Path) -> Engine:
    return make_engine(f"sqlite:///{path}")


def postgres_engine() -> Iterator[Engine]:
    """An engine on a fresh schema of the test PostgreSQL; skipped locally (not in CI) if unreachable."""
    admin = make_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}")
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _seeded(engine: Engine) -> Engine:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        load_data_files(session, REPO_ROOT / "data")
    return engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = _seeded(sqlite_engine_at(tmp_path / "test.sqlite3"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = _seeded(sqlite_engine_at(tmp_path / "test.sqlite3"))
        yield engine
        engine.dispose()
    else:
        for engine in postgres_engine():
            yield _seeded(engine)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings() -> Settings:
    return Settings(bot_token="123456:TEST", coordinator_ids=(900,))


@pytest.fixture
async def world(engine: Engine, clock: ManualClock, settings: Settings) -> AsyncIterator[World]:
    """The application on the fake Bot API, on SQLite and on PostgreSQL, started for the test."""
    world = make_world(engine, clock, settings)
    async with world.harness:
        yield world
