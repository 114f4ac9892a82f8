"""Dienstencheques and re-integration hours: a woonservice request records the cheques for its time, the resident
sees them in /mijnvragen, and the monthly CSVs hold no names, ids or phone numbers (the hours file: helper codes)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.config import Settings
from bot.services.export import CHEQUES_HEADER, HOURS_HEADER, cheques_csv, reintegration_hours_csv
from bot.services.request_states import cheques_for, finish_request, record_minutes
from db.models import HelpRequest, RequestStatus, User, Volunteer
from tests.support.app import World
from tests.support.scenarios import claim_and_confirm, new_request, settings_of
from tests.test_prices import WOONSERVICE, data_dir_with

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RESIDENTS = {771001: ("Anna Jansen", "0612345678"), 771002: ("Bert Smeets", "0687654321")}
HELPERS = {772001: "RI-07", 772002: None}  # the second one has no code yet
PERSONAL = ("Anna", "Jansen", "Bert", "Smeets", "0612345678", "0687654321", "Hoofdstraat", "Piet", "Kees")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token="123456:TEST",
        coordinator_ids=(900,),
        throttle=False,
        data_dir=data_dir_with(tmp_path, routes=WOONSERVICE),
    )


def test_every_hour_begun_counts() -> None:
    assert [cheques_for(minutes, 1) for minutes in (30, 60, 61, 150)] == [1, 1, 2, 3]
    assert cheques_for(90, 2) == 4


def add_done_requests(session: Session) -> list[int]:
    """Garden jobs paid with cheques, and one free shopping trip, done by two re-integration helpers."""
    for user_id, (name, phone) in RESIDENTS.items():
        session.add(User(id=user_id, first_name=name, phone=phone, created_at=NOW, neighbourhood_slug="klimmen"))
    for user_id, code in HELPERS.items():
        session.add(User(id=user_id, first_name="Piet" if code else "Kees", phone="0611111111", created_at=NOW))
        session.add(Volunteer(user_id=user_id, status="approved", reintegration=True, helper_code=code, created_at=NOW))
    session.flush()
    jobs = [  # resident, helper, category, days ago, minutes, cheques per hour
        (771001, 772001, "tuin", 1, 90, 1),
        (771001, 772001, "tuin", 2, 60, 1),
        (771002, 772002, "tuin", 3, 30, 1),
        (771002, 772001, "boodschappen", 3, 45, None),
    ]
    ids = []
    for resident, helper, category, days, minutes, per_hour in jobs:
        request = HelpRequest(
            resident_id=resident,
            claimed_by=helper,
            category_slug=category,
            neighbourhood_slug="klimmen",
            status=RequestStatus.DONE,
            details="Anna Jansen, Hoofdstraat 12, bel 0612345678",
            created_at=NOW - timedelta(days=days, hours=2),
            done_at=NOW - timedelta(days=days),
            minutes_spent=minutes,
            cheques_per_hour=per_hour,
            cheques=cheques_for(minutes, per_hour) if per_hour else None,
        )
        session.add(request)
        session.flush()
        ids.append(request.id)
    session.commit()
    return ids


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_no_personal_data(rows: list[list[str]], request_ids: list[int]) -> None:
    ids = {str(i) for i in (*RESIDENTS, *HELPERS)}
    for row in rows:
        for value in row:
            assert value not in ids, value
            assert not any(word in value for word in PERSONAL), value
    assert not any(str(request_id) == row[0] for row in rows for request_id in request_ids)


def test_the_cheques_csv_counts_per_resident_and_month_without_personal_data(engine) -> None:
    with Session(engine) as session:
        request_ids = add_done_requests(session)
        out = io.StringIO()
        count = cheques_csv(
            session, start=NOW - timedelta(days=30), end=NOW, municipality_slug="voerendaal", zone=ZONE, out=out
        )
    rows = read_back(out.getvalue())
    assert tuple(rows[0]) == CHEQUES_HEADER and count == 2
    assert rows[1:] == [
        ["2026-11", "Voerendaal", "bewoner-1", "1", "0.5", "1"],
        ["2026-11", "Voerendaal", "bewoner-2", "2", "2.5", "3"],
    ]
    assert_no_personal_data(rows, request_ids)


def test_the_hours_csv_names_helpers_by_their_code_only(engine) -> None:
    with Session(engine) as session:
        request_ids = add_done_requests(session)
        out = io.StringIO()
        reintegration_hours_csv(session, start=NOW - timedelta(days=30), end=NOW, zone=ZONE, out=out)
    rows = read_back(out.getvalue())
    assert tuple(rows[0]) == HOURS_HEADER
    assert rows[1:] == [["2026-11", "RI-07", "3", "3.2", "3"], ["2026-11", "zonder-code-1", "1", "0.5", "1"]]
    assert_no_personal_data(rows, request_ids)


async def test_a_woonservice_request_records_cheques_and_the_resident_sees_them(world: World) -> None:
    h, anna = world.harness, world.resident
    request_id = new_request(world)  # groceries: free
    with world.unit_of_work() as uow:
        request = uow.session.get(HelpRequest, request_id)
        assert request.cheques_per_hour is None
        request.category_slug = "tuin"  # as if asked for the garden: the woonservice project's price
        request.cheques_per_hour = 1
        uow.commit()
    claim_and_confirm(world, request_id)
    with world.unit_of_work() as uow:
        assert finish_request(
            uow.session,
            request_id=request_id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        assert record_minutes(uow.session, request_id=request_id, volunteer_id=world.volunteer.id, minutes=75)
        uow.commit()
    with world.session() as session:
        assert session.get(HelpRequest, request_id).cheques == 2
    await world.deliver()
    await h.command(anna, "/mijnvragen")
    assert "🎫 2 dienstencheques gebruikt" in h.last_text(anna)
    assert "Samen: 2 dienstencheques." in h.last_text(anna)


async def test_a_request_for_a_woonservice_job_keeps_the_price_the_resident_read(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "kan iemand mijn gras maaien?")
    await h.press(anna, "Ja")
    await h.press(anna, "Maakt niet uit")
    await h.press(anna, "Nee, verder")
    await h.press(anna, "Ja, versturen")
    with world.session() as session:
        request = session.exec(HelpRequest.__table__.select()).one()
    assert request.category_slug == "tuin" and request.cheques_per_hour == 1


async def test_export_cheques_and_hours_are_sent_to_the_coordinator(world: World) -> None:
    h = world.harness
    with world.session() as session:
        add_done_requests(session)
    await h.command(world.coordinator, "/export cheques maand voerendaal")
    document = h.api.calls_to("sendDocument")[-1]
    assert document.chat_id == world.coordinator.id and "2 regels per maand" in document.params["caption"]
    assert "cheques-voerendaal" in next(iter(document.files.values()))
    await h.command(world.coordinator, "/export uren maand")
    assert "2 regels per maand" in h.api.calls_to("sendDocument")[-1].params["caption"]


def test_a_helper_code_is_letters_digits_and_hyphens(engine) -> None:
    from bot.services.desk_volunteers import set_helper_code

    with Session(engine) as session:
        add_done_requests(session)
        assert set_helper_code(session, volunteer_id=772002, code=" KOMPAS-3 ")
        assert not set_helper_code(session, volunteer_id=772002, code="KOMPAS-3")  # unchanged
        assert not set_helper_code(session, volunteer_id=772002, code="Kees <b>")
        assert session.get(Volunteer, 772002).helper_code == "KOMPAS-3"
        assert set_helper_code(session, volunteer_id=772002, code="")
        assert session.get(Volunteer, 772002).helper_code is None


def test_samenbot_export_writes_the_monthly_files(sqlite_engine, monkeypatch, capsys) -> None:
    from bot.cli import main

    with Session(sqlite_engine) as session:
        add_done_requests(session)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    assert main(["export", "--from", "2026-11-01", "--to", "2026-11-30", "--kind", "uren"]) == 0
    captured = capsys.readouterr()
    assert read_back(captured.out)[1][1] == "RI-07" and "2 rows exported" in captured.err
    assert main(["export", "--from", "2026-11-01", "--to", "2026-11-30", "--kind", "cheques"]) == 0
    assert read_back(capsys.readouterr().out)[0] == list(CHEQUES_HEADER)
