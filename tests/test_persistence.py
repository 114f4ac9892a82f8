"""A restart in the middle of a conversation: the resident goes on where they were."""

from __future__ import annotations

from sqlmodel import select

from db.models import ConversationState, HelpRequest, User, UserState
from tests.support.app import make_world


async def test_a_restart_mid_conversation_keeps_the_question_and_the_draft(engine, clock, settings) -> None:
    before = make_world(engine, clock, settings)
    anna = before.resident
    with before.session() as session:
        session.add(User(id=anna.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=clock.now()))
        session.commit()
    async with before.harness as h:
        await h.send(anna, "kan iemand mijn hond uitlaten")
        await h.press(anna, "Ja")
        assert "Wanneer" in h.last_text(anna)
        await h.app.update_persistence()  # what the running bot does every few seconds and when it stops
    with before.session() as session:
        assert session.exec(select(ConversationState)).all()
        assert session.get(UserState, anna.id) is not None

    after = make_world(engine, clock, settings)  # a new process: new Application, same database
    async with after.harness as h:
        await h.send(anna, "maakt niet uit")
        assert "Wilt u nog iets vertellen" in h.last_text(anna)
        await h.send(anna, "nee")
        await h.press(anna, "Ja, versturen")
        await h.app.update_persistence()
    with after.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert request.category_slug == "huisdieren" and "hond" in request.details
        # The conversation is over: nothing is left behind.
        assert session.exec(select(ConversationState)).all() == []
        assert session.get(UserState, anna.id) is None
