"""Residents without Telegram: ids from the reserved range, found again by phone number, and every notice for
them a call-back item on the desk (never a message to a chat that does not exist)."""

from __future__ import annotations

import logging

from sqlmodel import Session, select

from bot.services.desk_residents import is_phone_only_id, phone_only_resident
from bot.services.desk_roles import add_desk_volunteer
from bot.services.notices import HelperFound, tell
from db.models import PHONE_ONLY_ID_CEILING, InboxItem, InboxKind, Outbox, User
from tests.support.desk import desk_client, desk_runtime, log_in, login_path


def test_ids_come_from_the_reserved_range_and_a_phone_number_finds_the_resident_again(engine, clock) -> None:
    with Session(engine) as session:
        first = phone_only_resident(
            session, name="Vrauw Hoeppertz", phone="045 - 123 45 67", neighbourhood_slug="klimmen", now=clock.now()
        )
        second = phone_only_resident(session, name="Jan", phone="0457654321", neighbourhood_slug=None, now=clock.now())
        again = phone_only_resident(
            session, name="Vrauw Hoeppertz", phone="0451234567", neighbourhood_slug=None, now=clock.now()
        )
        session.commit()
        assert first == again and second == first - 1 and first == PHONE_ONLY_ID_CEILING - 1
        assert all(is_phone_only_id(user_id) for user_id in (first, second))
        assert not is_phone_only_id(-1001234567890) and not is_phone_only_id(101)
        resident = session.get(User, first)
        assert resident.phone_only and resident.phone == "0451234567" and resident.neighbourhood_slug == "klimmen"


def test_a_notice_for_a_resident_without_telegram_becomes_a_call_back(engine, clock, settings) -> None:
    runtime = desk_runtime(engine, clock, settings)
    with runtime.unit_of_work() as uow:
        resident = phone_only_resident(
            uow.session, name="Vrauw Hoeppertz", phone="0451234567", neighbourhood_slug="klimmen", now=clock.now()
        )
        uow.session.get(User, resident).call_part = "morning"
        tell(uow.session, HelperFound(resident_id=resident, helper_name="Piet"))
        uow.commit()
    with Session(engine) as session:
        assert session.exec(select(Outbox).where(Outbox.chat_id == resident)).all() == []
        item = session.exec(select(InboxItem).where(InboxItem.user_id == resident)).one()
    assert item.kind == InboxKind.CALLBACK and item.municipality_slug == "voerendaal"
    assert "Piet helpt u" in item.details["notice"] and "<" not in item.details["notice"]
    assert item.details["part"] == "morning"


def test_a_phone_intake_writes_no_personal_data_to_the_log(engine, clock, settings, caplog) -> None:
    runtime = desk_runtime(engine, clock, settings)
    with Session(engine) as session:
        add_desk_volunteer(
            session, by_user_id=None, user_id=3101, municipality_slug="voerendaal", steunpunt_slug=None, now=clock.now()
        )
        session.commit()
    caplog.set_level(logging.DEBUG)
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, 3101))
    words = "kan iemand boodschappen doen voor mij ik heb last van mijn heup"
    form = {
        "csrf_token": csrf,
        "name": "Vrauw Hoeppertz",
        "phone": "045 - 123 45 67",
        "place": "Klimmen",
        "details": words,
        "category": "boodschappen",
        "when": "tomorrow",
        "call_part": "morning",
        "consent": "yes",
    }
    assert client.post("/vraag", data=form).headers["location"].startswith("/vraag?klaar=")
    assert client.get("/inbox").status_code == 200
    for secret in ("Hoeppertz", "123 45 67", "0451234567", "last van mijn heup", csrf):
        assert secret not in caplog.text
