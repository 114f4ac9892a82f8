"""One scope model and one set of keys: coordinators of one municipality or all; every service choice has words."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import ManualClock
from bot.render.call_backs import PART_LABELS
from bot.render.referrals import PUNTEXTRA_LABELS, REFERRAL_LABELS, RESIDENT_NEWS
from bot.render.volunteers import DAYS, PARTS
from bot.services.access import Scope, coordinates, coordinates_all, coordinates_any, coordinators_of, scope_of
from bot.services.call_backs import PARTS_OF_DAY
from bot.services.inbox import REFERRAL_ROUTES
from bot.services.referrals import ROUTES
from bot.services.volunteers import DAY_KEYS, PART_KEYS
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


def test_every_choice_a_service_knows_has_a_label() -> None:
    """The services keep the keys, bot/render the words: neither may miss one of the other's."""
    assert set(REFERRAL_ROUTES) == set(REFERRAL_LABELS)
    assert set(ROUTES) == set(PUNTEXTRA_LABELS) == set(RESIDENT_NEWS)
    assert set(PARTS_OF_DAY) == set(PART_LABELS)
    assert tuple(DAYS) == DAY_KEYS and tuple(PARTS) == PART_KEYS
