"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from db.migrate import upgrade_schema
from tests.support.databases import sqlite_engine_at


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path: Path):
    if request.param == "sqlite":
        engine = sqlite_engine_at(tmp_path / "empty.sqlite3")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("empty_postgresql_engine")


def test_migrations_match_the_models(empty_engine) -> None:
    upgrade_schema(empty_engine)
    with empty_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
