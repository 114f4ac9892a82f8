"""The button registry: every kind routed once, packed within Telegram's 64 bytes, parsed back as it was packed."""

from __future__ import annotations

from typing import Annotated

import pytest
from sqlalchemy import create_engine
from telegram.ext import Application, CallbackQueryHandler

from bot import app as routing
from bot import buttons as b
from bot.app import build_application
from bot.buttons import BUTTONS, Button, Slug, Where, Who, button, parse_any
from bot.clock import ManualClock
from bot.config import Settings
from tests.support.buttons import longest, matrix_row, privileged_kinds, shortest
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.updates import callback, make_user, message_dict

TELEGRAM_MAX_BYTES = 64
KINDS = list(BUTTONS.values())


def kind_id(kind: type[Button]) -> str:
    return kind.__name__


@pytest.fixture(scope="module")
def application() -> Application:
    """The real bot's handlers (the database is never touched: nothing is processed)."""
    settings = Settings(bot_token="123456:TEST", coordinator_ids=(900,), throttle=False)
    return build_application(settings, request=FakeBotAPI(), engine=create_engine("sqlite://"), clock=ManualClock())


def test_the_routing_tables_hold_every_kind_once() -> None:
    tables = (routing.RESIDENT_BUTTONS, routing.VOLUNTEER_BUTTONS, routing.COORDINATOR_BUTTONS, routing.FILE_BUTTONS)
    routed = [kind for table in tables for kind in table]
    assert sorted(routed, key=kind_id) == sorted(KINDS, key=kind_id)


@pytest.mark.parametrize("kind", KINDS, ids=kind_id)
def test_every_kind_is_routed_exactly_once(application: Application, kind: type[Button]) -> None:
    """Of the bot's button routes exactly one takes a press of this kind, and it comes before "expired"."""
    handlers = [h for h in application.handlers[0] if isinstance(h, CallbackQueryHandler)]
    presser = make_user(101, "Anna")
    for data in {longest(kind).pack(), shortest(kind).pack()}:
        press = callback(presser, message_dict(presser, text="…"), data)
        routes = [h for h in handlers if h.pattern is not None and h.check_update(press)]
        assert len(routes) == 1, f"{data!r} is routed {len(routes)} times"
    catch_all = [index for index, handler in enumerate(handlers) if handler.pattern is None]
    assert catch_all == [len(handlers) - 1], "one route for any other press, after every kind's own"
    assert len(handlers) - 1 == len(KINDS), "every button route belongs to a kind"


@pytest.mark.parametrize("kind", KINDS, ids=kind_id)
def test_pack_and_parse_round_trip(kind: type[Button]) -> None:
    """With every field at its longest (and at its shortest) a button packs within 64 bytes and parses back."""
    for pressed in (longest(kind), shortest(kind)):
        data = pressed.pack()
        assert len(data.encode()) <= TELEGRAM_MAX_BYTES, data
        assert kind.parse(data) == pressed and parse_any(data) == pressed
    assert len(longest(kind).pack().encode()) == kind.longest


@pytest.mark.parametrize("kind", KINDS, ids=kind_id)
def test_a_field_past_its_size_or_an_extra_field_is_not_parsed(kind: type[Button]) -> None:
    data = longest(kind).pack()
    for forged in (data + "9", data + ":1", data.upper(), f"{kind.prefix}:"):
        assert kind.parse(forged) is None and parse_any(forged) is None, forged


def test_a_kind_that_could_pass_64_bytes_fails_when_it_is_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(b, "BUTTONS", {})
    with pytest.raises(ValueError, match="65 bytes"):

        @button("lnkm", where=Where.GROUP, who=Who.COORDINATOR)
        class LongPlace(Button):  # "lnkm:" and a 60-character place name
            municipality: Annotated[str, Slug(60)]

    @button("lnkm", where=Where.GROUP, who=Who.COORDINATOR)
    class LongestPlace(Button):
        municipality: Annotated[str, Slug(59)]

    assert LongestPlace.longest == TELEGRAM_MAX_BYTES
    assert list(b.BUTTONS.values()) == [LongestPlace]


def test_a_privileged_kind_without_a_row_in_the_authorisation_matrix_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix (tests/test_authorisation.py) is parametrized by `privileged_kinds(BUTTONS)`: a new kind is a case."""
    rows = {kind: kind.__name__ for kind in privileged_kinds(BUTTONS)}  # a matrix with a row for every kind today
    monkeypatch.setattr(b, "BUTTONS", dict(BUTTONS))

    @button("secret", where=Where.PRIVATE, who=Who.COORDINATOR)
    class Secret(Button):
        item_id: int

    assert Secret in privileged_kinds(b.BUTTONS)
    with pytest.raises(pytest.fail.Exception, match=r"Secret \(secret:, who=coordinator\) has no row"):
        matrix_row(Secret, rows)
    assert all(matrix_row(kind, rows) == kind.__name__ for kind in privileged_kinds(BUTTONS))
