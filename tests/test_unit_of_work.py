"""The channel-free core: services never commit, notices are rendered once at the unit of work's commit,
in each reader's language, and the services import nothing of Telegram or the front doors."""

from __future__ import annotations

import ast
import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.config import REPO_ROOT, Settings
from bot.render.notices import RENDERERS, render_notices, telegram_renderer
from bot.services import notices
from bot.services.notices import DroppedNotices, HelperFound, NoticeKind, pending_notices, tell
from bot.services.places import link_group
from bot.services.requests import create_request
from bot.services.runtime import Runtime
from db.models import HelpRequest, Outbox, User

SERVICES = REPO_ROOT / "bot" / "services"
FORBIDDEN_IMPORT = re.compile(r"^\s*(from|import)\s+(telegram|bot\.(flows|handlers|render|desk))\b", re.MULTILINE)


def runtime_on(engine: Engine, clock: ManualClock, settings: Settings) -> Runtime:
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        categories=None,
        places=None,
        render_notices=telegram_renderer(settings, clock),
    )


def anna_with_a_group(engine: Engine, clock: ManualClock, locale: str | None = None) -> None:
    with Session(engine) as session:
        session.add(User(id=1, first_name="Anna", chosen_locale=locale, created_at=clock.now()))
        link_group(
            session, chat_id=-5, title="Klimmen helpt", neighbourhood_slug="klimmen", linked_by=9, now=clock.now()
        )
        session.commit()


def ask(session: Session, clock: ManualClock, settings: Settings) -> int:
    placement = create_request(
        session,
        resident_id=1,
        category_slug="boodschappen",
        neighbourhood_slug="klimmen",
        when_kind="any",
        when_date=None,
        details="melk",
        now=clock.now(),
        settings=settings,
    )
    return placement.request_id


def test_no_service_imports_telegram_or_a_front_door() -> None:
    """The `grep -rn "import telegram\\|from telegram" bot/services` of the design, as a test."""
    offenders = [
        f"{path.relative_to(REPO_ROOT)}: {found.group(0).strip()}"
        for path in sorted(SERVICES.rglob("*.py"))
        for found in FORBIDDEN_IMPORT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_service_leaves_its_transaction_open(engine: Engine, clock: ManualClock, settings: Settings) -> None:
    anna_with_a_group(engine, clock)
    with Session(engine) as session:
        request_id = ask(session, clock, settings)
        assert session.in_transaction()
        assert [notice.kind for notice in pending_notices(session)] == [NoticeKind.CARD_POSTED]
        with Session(engine) as other:
            assert other.get(HelpRequest, request_id) is None  # nothing committed
        session.rollback()
        assert pending_notices(session) == []  # rolled back with the transaction


def test_the_unit_of_work_renders_the_notices_then_commits(
    engine: Engine, clock: ManualClock, settings: Settings
) -> None:
    anna_with_a_group(engine, clock)
    with runtime_on(engine, clock, settings).unit_of_work() as uow:
        request_id = ask(uow.session, clock, settings)
        uow.commit()
        assert pending_notices(uow.session) == []
    with Session(engine) as session:
        card = session.exec(select(Outbox).where(Outbox.ref_kind == "card", Outbox.ref_id == request_id)).one()
        assert card.chat_id == -5 and "melk" in card.params["text"]


def test_a_commit_that_would_drop_notices_is_refused(engine: Engine, clock: ManualClock) -> None:
    anna_with_a_group(engine, clock)
    with Session(engine) as session:
        tell(session, HelperFound(resident_id=1, helper_name="Piet"))
        with session.begin_nested():  # a savepoint keeps its notices for the real commit
            session.add(User(id=2, first_name="Piet", created_at=clock.now()))
        with pytest.raises(DroppedNotices, match="helper_found"):
            session.commit()


def test_an_exception_in_a_unit_of_work_rolls_back_and_drops_the_notices(
    engine: Engine, clock: ManualClock, settings: Settings
) -> None:
    anna_with_a_group(engine, clock)
    with pytest.raises(RuntimeError), runtime_on(engine, clock, settings).unit_of_work() as uow:
        ask(uow.session, clock, settings)
        raise RuntimeError("the front door failed")
    with Session(engine) as session:
        assert session.exec(select(HelpRequest)).all() == []
        assert session.exec(select(Outbox)).all() == []


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (None, "Goed nieuws! Piet helpt u met uw vraag."),
        ("en", "Good news! Piet"),
        ("de", "Gute Nachricht! Piet"),
    ],
)
def test_a_notice_is_rendered_in_the_readers_language(
    engine: Engine, clock: ManualClock, settings: Settings, locale: str | None, expected: str
) -> None:
    anna_with_a_group(engine, clock, locale)
    with Session(engine) as session:
        render_notices(session, [HelperFound(resident_id=1, helper_name="Piet")], settings=settings, now=clock.now())
        session.commit()
        row = session.exec(select(Outbox).where(Outbox.chat_id == 1)).one()
    assert row.params["text"].startswith("🤝 " + expected)


def test_every_notice_kind_has_one_class_and_one_renderer() -> None:
    classes = [value for value in vars(notices).values() if isinstance(value, type) and hasattr(value, "kind")]
    kinds = [cls.kind for cls in classes if isinstance(cls.kind, NoticeKind)]
    assert sorted(kinds) == sorted(NoticeKind) and len(set(kinds)) == len(kinds)
    assert set(RENDERERS) == set(NoticeKind)


def test_no_front_door_awaits_telegram_with_a_unit_of_work_open() -> None:
    """Decide in one unit of work, commit, then await Telegram: no `await` inside `with ...unit_of_work()`."""
    offenders = []
    for path in sorted((REPO_ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.With | ast.AsyncWith):
                continue
            opens_unit = any(
                isinstance(item.context_expr, ast.Call)
                and isinstance(item.context_expr.func, ast.Attribute)
                and item.context_expr.func.attr == "unit_of_work"
                for item in node.items
            )
            if opens_unit and any(isinstance(inner, ast.Await) for inner in ast.walk(node)):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []
