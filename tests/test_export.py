"""The CSV for the municipality: its header, rows without personal data, `samenbot export` and `/export`."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.cli import main
from bot.services.export import HEADER, export_csv, export_rows, write_csv
from db.models import HelpRequest, RequestStatus, User
from tests.support.app import World

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PERSONAL = ("Anna", "Jansen", "0612345678", "Hoofdstraat", "anna_j")
IDS = {"101", "202", "1", "2", "3"}  # user and request ids never appear as a value


def add_requests(session: Session) -> None:
    session.add(User(id=101, first_name="Anna Jansen", username="anna_j", phone="0612345678", created_at=NOW))
    session.flush()
    for day, status, claimed_after in ((1, RequestStatus.DONE, 90), (3, RequestStatus.OPEN, None)):
        created = NOW - timedelta(days=day)
        session.add(
            HelpRequest(
                resident_id=101,
                category_slug="boodschappen",
                neighbourhood_slug="klimmen",
                status=status,
                details="Anna Jansen, Hoofdstraat 12, bel 0612345678",
                created_at=created,
                claimed_at=created + timedelta(minutes=claimed_after) if claimed_after else None,
                claimed_by=202 if claimed_after else None,
            )
        )
    session.add(
        HelpRequest(category_slug="vervoer", neighbourhood_slug="heerlen-centrum", created_at=NOW - timedelta(days=1))
    )
    session.commit()


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_the_header_and_no_personal_data(engine) -> None:
    with Session(engine) as session:
        add_requests(session)
        out = io.StringIO()
        count = write_csv(
            export_rows(
                session,
                start=NOW - timedelta(days=7),
                end=NOW,
                municipality_slug="voerendaal",
                zone=ZoneInfo("Europe/Amsterdam"),
            ),
            out,
        )
        copied = io.StringIO()
        scope = {"start": NOW - timedelta(days=7), "end": NOW, "municipality_slug": "voerendaal"}
        assert export_csv(session, **scope, zone=ZoneInfo("Europe/Amsterdam"), out=copied) == 2
    rows = read_back(out.getvalue())
    assert read_back(copied.getvalue()) == rows  # COPY in PostgreSQL gives the same file
    assert count == 2 and rows[0] == list(HEADER)
    assert rows[1] == ["2026-11-20", "Voerendaal", "Klimmen", "boodschappen", "open", "", "0"]
    assert rows[2] == ["2026-11-22", "Voerendaal", "Klimmen", "boodschappen", "done", "1.5", "0"]
    for row in rows:
        for cell in row:
            assert not any(word in cell for word in PERSONAL), cell
            assert cell not in IDS, cell


def test_samenbot_export_writes_the_csv(sqlite_engine, monkeypatch, capsys) -> None:
    with Session(sqlite_engine) as session:
        add_requests(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    assert main(["export", "--from", "2026-11-16", "--to", "2026-11-23"]) == 0
    captured = capsys.readouterr()
    rows = read_back(captured.out)
    assert rows[0] == list(HEADER) and len(rows) == 4
    assert {row[1] for row in rows[1:]} == {"Voerendaal", "Heerlen"}
    assert "3 requests exported" in captured.err
    assert main(["export", "--from", "2026-11-23", "--to", "2026-11-01"]) == 2


async def test_export_command_sends_a_document_to_coordinators_only(world: World) -> None:
    h = world.harness
    with world.session() as session:
        add_requests(session)
    await h.command(world.coordinator, "/export week voerendaal")
    document = h.api.calls_to("sendDocument")[-1]
    assert document.chat_id == world.coordinator.id and "2 vragen" in document.params["caption"]
    await h.command(world.resident, "/export")
    assert "dat mag u niet" in h.last_text(world.resident)
