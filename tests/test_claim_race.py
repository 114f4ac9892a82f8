"""The database decides races: 20 volunteers press "Ik help" at once, exactly one wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlmodel import Session

from bot.clock import ManualClock
from bot.services.people import add_volunteer
from bot.services.requests import ClaimOutcome, claim_request
from db.models import HelpRequest, RequestStatus, User

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
