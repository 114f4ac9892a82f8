"""The conversation lives in the database, read and written with every update: any process can go on with it."""

from __future__ import annotations

from sqlmodel import select

from db.models import Conversation, HelpRequest, User
from tests.support.app import another_process, make_world


async def test_any_process_goes_on_where_the_resident_was(engine, clock, settings) -> None:
    one = make_world(engine, clock, settings)
    anna = one.resident
    with one.session() as session:
        session.add(User(id=anna.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=clock.now()))
        session.commit()
    async with one.harness as first, another_process(one) as second:  # two processes, one database
        await first.send(anna, "kan iemand mijn hond uitlaten")
        await second.press(anna, "Ja")
        assert "Wanneer" in second.last_text(anna)
        await first.send(anna, "maakt niet uit")
        assert "Wilt u nog iets vertellen" in first.last_text(anna)
        await second.send(anna, "nee")
        assert "Klopt dit?" in second.last_text(anna)
        with one.session() as session:
            state = session.get(Conversation, anna.id)
            assert state.state == "ask_confirm" and "hond" in state.draft["details"]
        await first.send(anna, "ja")
    with one.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert request.category_slug == "huisdieren" and "hond" in request.details
        # The conversation is over: no open question, no draft left behind.
        state = session.get(Conversation, anna.id)
        assert state.state == "" and state.draft == {}
