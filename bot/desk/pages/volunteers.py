"""Vrijwilligers: sign-ups to approve or reject, active or paused, categories, places and hours this month;
the CSV of re-integration hours per helper and month."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import N_
from bot.invitations import Invitations, invite_to_groups
from bot.services.desk_inbox import category_names
from bot.services.desk_roles import DeskPermission
from bot.services.desk_volunteers import (
    HELPER_CODE_LENGTH,
    may_manage_volunteer,
    reintegration_hours_csv,
    set_helper_code,
    volunteer_rows,
)
from bot.services.volunteers import Decision, PendingVolunteer, decide_volunteer, pending_volunteer, set_paused
from db.models import VolunteerStatus

STATUS_LABELS = {
    VolunteerStatus.PENDING: N_("Aangemeld"),
    VolunteerStatus.APPROVED: N_("Actief"),
    VolunteerStatus.PAUSED: N_("Pauze"),
}
YEAR = timedelta(days=366)


def _month_start(desk: Desk):
    local = desk.now().astimezone(desk.runtime.settings.time_zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def show_volunteers(desk: Desk) -> Response:
    """Everyone who helps in the coordinator's municipality, sign-ups first."""
    with desk.unit_of_work() as uow:
        rows = volunteer_rows(uow.session, reader=desk.identity, month_start=_month_start(desk))
        categories = category_names(uow.session, desk._.locale)
    return desk.render(
        "volunteers.html",
        rows=rows,
        categories=categories,
        status_labels=STATUS_LABELS,
        code_length=HELPER_CODE_LENGTH,
        message=desk.value("bericht"),
    )


def _volunteer_id(desk: Desk) -> int:
    return int(desk.request.path_params["volunteer_id"])


def _change_volunteer(desk: Desk, action: str, change: Callable[[Session, int], bool]) -> Response:
    """Audit and apply one change to a volunteer the desk may manage, then back to the list."""
    volunteer_id = _volunteer_id(desk)
    with desk.unit_of_work() as uow:
        if not may_manage_volunteer(uow.session, desk.identity, volunteer_id):
            return desk.not_found()
        desk.audit(uow.session, action, target_kind="volunteer", target_id=volunteer_id)
        uow.session.flush()
        changed = change(uow.session, volunteer_id)
        uow.commit()
    return desk.redirect("/vrijwilligers", bericht="ok" if changed else "unchanged")


def _pending(desk: Desk) -> PendingVolunteer:
    with desk.unit_of_work() as uow:
        return pending_volunteer(uow.session, volunteer_id=_volunteer_id(desk), coordinator_id=desk.identity.user_id)


async def decide(desk: Desk) -> Response:
    """Approve or reject a sign-up; the volunteer hears it in Telegram, with a link to ask to join each group."""
    approve = desk.value("besluit") == "ja"
    invitations, telegram = Invitations(), desk.request.app.state.telegram
    if approve and telegram is not None:
        pending = await run_in_threadpool(_pending, desk)
        if pending.decision is Decision.DECIDED:
            invitations = await invite_to_groups(
                telegram, volunteer_id=_volunteer_id(desk), chat_ids=pending.group_chat_ids
            )

    def decide_sign_up(session: Session, volunteer_id: int) -> bool:
        decided = decide_volunteer(
            session,
            volunteer_id=volunteer_id,
            coordinator_id=desk.identity.user_id,
            approve=approve,
            invite_links=list(invitations.links),
            now=desk.now(),
        )
        return decided is Decision.DECIDED

    answer = await run_in_threadpool(
        _change_volunteer, desk, "volunteer.approve" if approve else "volunteer.reject", decide_sign_up
    )
    if invitations.failed and answer.status_code == 303:
        return desk.redirect("/vrijwilligers", bericht="no_invitation")
    return answer


def pause(desk: Desk) -> Response:
    """Pause an active volunteer, or make a paused one active again."""
    paused = desk.value("pauze") == "ja"
    return _change_volunteer(
        desk,
        "volunteer.pause" if paused else "volunteer.resume",
        lambda session, volunteer_id: set_paused(session, user_id=volunteer_id, paused=paused),
    )


def helper_code(desk: Desk) -> Response:
    """The code a coordinator gives a re-integration helper: the hours file names them by it, not by name."""
    code = desk.value("code")
    return _change_volunteer(
        desk,
        "volunteer.helper_code",
        lambda session, volunteer_id: set_helper_code(session, volunteer_id=volunteer_id, code=code),
    )


def hours_csv(desk: Desk) -> Response:
    """Re-integration hours per helper and month, for the last year."""
    end = desk.now()
    buffer = io.StringIO()
    with desk.unit_of_work() as uow:
        reintegration_hours_csv(
            uow.session,
            reader=desk.identity,
            start=end - YEAR,
            end=end,
            zone=desk.runtime.settings.time_zone,
            out=buffer,
        )
        desk.audit(uow.session, "volunteer.hours_export")
        uow.commit()
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="re-integratie-uren.csv"', "Cache-Control": "no-store"},
    )


routes = [
    desk_route("/vrijwilligers", show_volunteers, permission=DeskPermission.VOLUNTEERS),
    desk_route(
        "/vrijwilligers/{volunteer_id:int}/besluit", decide, permission=DeskPermission.VOLUNTEERS, methods=("POST",)
    ),
    desk_route(
        "/vrijwilligers/{volunteer_id:int}/pauze", pause, permission=DeskPermission.VOLUNTEERS, methods=("POST",)
    ),
    desk_route(
        "/vrijwilligers/{volunteer_id:int}/code", helper_code, permission=DeskPermission.VOLUNTEERS, methods=("POST",)
    ),
    desk_route("/vrijwilligers/uren.csv", hours_csv, permission=DeskPermission.VOLUNTEERS),
]
