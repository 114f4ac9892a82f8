"""The database decides races: 20 volunteers press "Ik help" at once, exactly one wins; a cancel races a claim."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlmodel import Session

from bot.clock import ManualClock
from bot.services.people import add_volunteer
from bot.services.request_states import withdraw_request
from bot.services.requests import ClaimOutcome, claim_request, confirm_claim
from db.models import HelpRequest, RequestStatus, User
from tests.support.app import World
from tests.support.scenarios import (
    new_request,
    settings_of,
    texts_to,
)

CLAIMERS = 20


def test_twenty_concurrent_claims_have_one_winner(engine) -> None:
    clock = ManualClock()
    with Session(engine) as session:
        session.add(User(id=1, first_name="Anna", created_at=clock.now()))
        for volunteer_id in range(100, 100 + CLAIMERS):
            add_volunteer(session, user_id=volunteer_id, neighbourhoods=["klimmen"], now=clock.now())
        request = HelpRequest(
            resident_id=1, category_slug="boodschappen", neighbourhood_slug="klimmen", created_at=clock.now()
        )
        session.add(request)
        session.commit()
        request_id = request.id

    start = Barrier(CLAIMERS)

    def press(volunteer_id: int) -> ClaimOutcome:
        with Session(engine) as session:
            start.wait()
            outcome = claim_request(session, request_id=request_id, volunteer_id=volunteer_id, now=clock.now())
            session.commit()
            return outcome

    with ThreadPoolExecutor(CLAIMERS) as pool:
        outcomes = list(pool.map(press, range(100, 100 + CLAIMERS)))

    assert outcomes.count(ClaimOutcome.CLAIMED) == 1
    assert outcomes.count(ClaimOutcome.TAKEN) == CLAIMERS - 1
    with Session(engine) as session:
        request = session.get(HelpRequest, request_id)
        assert request.status == RequestStatus.CLAIMED
        assert request.claimed_by == 100 + outcomes.index(ClaimOutcome.CLAIMED)


async def test_a_cancel_decides_in_the_database_and_tells_a_helper_who_just_claimed(world: World) -> None:
    request_id = new_request(world)
    with world.unit_of_work() as uow:
        session = uow.session
        stale = session.get(HelpRequest, request_id)  # a view from before the claim, kept in the identity map
        assert stale.status == RequestStatus.OPEN
        with world.session() as other:
            assert claim_request(other, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
            other.commit()
        assert withdraw_request(session, request_id=request_id, resident_id=world.resident.id, now=world.clock.now())
        uow.commit()
    assert any("hoeft niet meer te helpen" in text for text in texts_to(world, world.volunteer.id))


async def test_a_claim_confirmed_after_a_cancel_tells_the_resident_nothing(world: World) -> None:
    request_id = new_request(world)
    with world.unit_of_work() as uow:
        session = uow.session
        assert claim_request(session, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
        assert withdraw_request(session, request_id=request_id, resident_id=world.resident.id, now=world.clock.now())
        session.merge(User(id=world.volunteer.id, first_name="Piet", created_at=world.clock.now()))
        uow.commit()
        assert not confirm_claim(
            session,
            request_id=request_id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
    assert not any("helpt u" in text for text in texts_to(world, world.resident.id))
