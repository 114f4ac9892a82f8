"""The people and places services: a user's news choice and neighbourhood, a group linked to a neighbourhood."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import ManualClock
from bot.services.people import set_activity_news, set_neighbourhood
from bot.services.places import link_group_to, linked_neighbourhoods
from db.models import User


def test_people_services_store_news_and_neighbourhood(engine: Engine, clock: ManualClock) -> None:
    with Session(engine, expire_on_commit=False) as session:
        session.add(User(id=7, first_name="Anna", created_at=clock.now()))
        session.commit()
        set_activity_news(session, 7, True)
        assert set_neighbourhood(session, 7, "klimmen") == "Klimmen"
        assert set_neighbourhood(session, 7, "nergens") is None
        assert set_neighbourhood(session, 8, "klimmen") is None
        session.commit()
    with Session(engine) as session:
        anna = session.get(User, 7)
        assert anna.activity_news is True and anna.neighbourhood_slug == "klimmen"


def test_link_group_to_saves_the_link(engine: Engine, clock: ManualClock) -> None:
    with Session(engine) as session:
        assert (
            link_group_to(
                session, chat_id=-5, title="Klimmen helpt", neighbourhood_slug="klimmen", linked_by=1, now=clock.now()
            )
            == "Klimmen"
        )
        assert (
            link_group_to(session, chat_id=-5, title="x", neighbourhood_slug="nergens", linked_by=1, now=clock.now())
            is None
        )
        session.commit()
    with Session(engine) as session:
        assert [place.slug for place in linked_neighbourhoods(session, -5)] == ["klimmen"]
