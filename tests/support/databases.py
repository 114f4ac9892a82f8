"""Test databases: the schema and data files are built once per session, each test gets its own copy.

SQLite: a seeded template file, copied per test (a file copy takes milliseconds, `create_all` and
loading the data files a few hundred). PostgreSQL: a seeded template schema; each test gets a new
schema made by one script of the template's DDL and an `INSERT ... SELECT` of its rows, about
twice as fast as `create_all` plus loading (a `CREATE DATABASE ... TEMPLATE` per test was no faster).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_mock_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.config import REPO_ROOT
from db.seed import load_data_files
from db.session import make_engine

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def sqlite_engine_at(path: Path) -> Engine:
    """An engine on the SQLite file at `path` (created empty if it does not exist)."""
    return make_engine(f"sqlite:///{path}")


def seed(engine: Engine) -> Engine:
    """Create every table and load the data files (categories, places) into an empty database."""
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        load_data_files(session, REPO_ROOT / "data")
    return engine


def build_sqlite_template(path: Path) -> Path:
    """A seeded SQLite file at `path`, its write-ahead log folded in so that copying the file copies everything."""
    engine = seed(sqlite_engine_at(path))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def copy_sqlite_template(template: Path, path: Path) -> Path:
    """A fresh copy of the seeded template at `path`."""
    shutil.copyfile(template, path)
    return path


def postgres_engine_on(schema: str | None = None) -> Engine:
    """An engine on the test PostgreSQL, on `schema` if given; commits do not wait for the disk."""
    # A commit that waits for the disk takes about 4 ms here, one that does not under 1 ms; only a crash of
    # PostgreSQL itself could tell them apart, and no test crashes PostgreSQL.
    options = "-csynchronous_commit=off" + (f" -csearch_path={schema}" if schema else "")
    return make_engine(POSTGRES_URL, connect_args={"options": options})


@functools.cache
def _why_postgres_is_unreachable() -> str | None:
    engine = postgres_engine_on()
    try:
        with engine.connect():
            return None
    except Exception as error:
        return type(error).__name__
    finally:
        engine.dispose()


def require_postgres() -> None:
    """Skip when the test PostgreSQL cannot be reached, except in CI (`CI=true`): there its tests must run."""
    problem = _why_postgres_is_unreachable()
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} in CI: {problem}")
    pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {problem}")


@contextlib.contextmanager
def empty_postgres_schema(prefix: str = "t") -> Iterator[str]:
    """A new, empty schema in the test PostgreSQL, dropped afterwards; raises if PostgreSQL is unreachable."""
    admin = postgres_engine_on()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield schema
    finally:
        with contextlib.suppress(Exception), admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def empty_postgres_engine() -> Iterator[Engine]:
    """An engine on a new, empty schema of the test PostgreSQL (for migrations and `db upgrade`)."""
    with empty_postgres_schema() as schema:
        engine = postgres_engine_on(schema)
        try:
            yield engine
        finally:
            engine.dispose()


class PostgresTemplate:
    """A seeded schema built once, and the script that copies it into a new schema per test.

    PostgreSQL makes the next copy and drops the last one in a background thread, while the test runs.
    """

    def __init__(self) -> None:
        self.schema = f"template_{uuid.uuid4().hex[:12]}"
        self._admin = postgres_engine_on()
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        engine = seed(postgres_engine_on(self.schema))
        self._ddl = _schema_ddl(engine)
        engine.dispose()
        self._copy_rows = self._row_copies()
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-template")
        self._next = self._background.submit(self._new_copy)

    def _row_copies(self) -> list[str]:
        """`INSERT ... SELECT` for each table the seed filled, parents first, with serial counters moved on."""
        statements = []
        with self._admin.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if connection.execute(text(f'SELECT EXISTS (SELECT FROM "{self.schema}"."{table.name}")')).scalar():
                    statements.append(f'INSERT INTO "{table.name}" SELECT * FROM "{self.schema}"."{table.name}"')
                    serial = table.autoincrement_column
                    if serial is not None:
                        statements.append(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{serial.name}'), "
                            f'max("{serial.name}")) FROM "{table.name}" HAVING count(*) > 0'
                        )
        return statements

    def _new_copy(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        script = [f'CREATE SCHEMA "{schema}"', f'SET LOCAL search_path TO "{schema}"', *self._ddl, *self._copy_rows]
        with self._admin.begin() as connection:
            connection.exec_driver_sql(";\n".join(script))
        return schema

    def _drop_schema(self, schema: str) -> None:
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))

    @contextlib.contextmanager
    def copy(self) -> Iterator[Engine]:
        """An engine on a new schema holding what the template holds, dropped afterwards."""
        schema = self._next.result()
        self._next = self._background.submit(self._new_copy)
        engine = postgres_engine_on(schema)
        try:
            yield engine
        finally:
            engine.dispose()
            self._background.submit(self._drop_schema, schema)

    def drop(self) -> None:
        """Drop the template schema and every copy left."""
        with contextlib.suppress(Exception):  # a copy that could not be made left nothing to drop
            self._drop_schema(self._next.result())
        self._background.shutdown(wait=True)
        self._drop_schema(self.schema)
        self._admin.dispose()


def _schema_ddl(engine: Engine) -> list[str]:
    """The statements `create_all` runs on an empty schema, compiled for this server, without schema names."""
    statements: list[str] = []
    with engine.connect():  # the dialect learns the server's version on the first connection
        pass

    def record(statement, *_args, **_kwargs) -> None:
        statements.append(str(statement.compile(dialect=engine.dialect)).strip())

    SQLModel.metadata.create_all(create_mock_engine(engine.url, record), checkfirst=False)
    return statements
