"""One scope model: a coordinator of one municipality never passes for one of all, and nothing means "any"."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import ManualClock
from bot.services.access import Scope, coordinates, coordinates_all, coordinates_any, coordinators_of, scope_of
from db.models import Coordinator


def test_a_scope_covers_its_own_municipality_and_all_covers_everything() -> None:
    heerlen = Scope.of("heerlen")
    assert heerlen.covers("heerlen") and not heerlen.covers("kerkrade")
    assert not heerlen.covers(None)  # an item without a municipality is for coordinators of all only
    assert Scope.ALL.covers("kerkrade") and Scope.ALL.covers(None) and Scope.ALL.is_all


def test_the_role_predicates_agree(engine: Engine, clock: ManualClock) -> None:
    with Session(engine) as session:
        session.add(Coordinator(user_id=1, municipality_slug="heerlen", added_at=clock.now()))
        session.add(Coordinator(user_id=2, municipality_slug=None, added_at=clock.now()))
        session.commit()
        assert scope_of(session, 1) == Scope.of("heerlen") and scope_of(session, 2) == Scope.ALL
        assert scope_of(session, 3) is None
        assert coordinates_any(session, 1) and not coordinates_all(session, 1)
        assert coordinates(session, 1, "heerlen") and not coordinates(session, 1, None)
        assert coordinates(session, 2, None) and coordinates_all(session, 2)
        assert not coordinates_any(session, 3) and not coordinates(session, 3, "heerlen")
        assert coordinators_of(session, "heerlen") == (1, 2)
        assert coordinators_of(session, None) == (2,)
