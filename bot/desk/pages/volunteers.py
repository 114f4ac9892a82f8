"""Vrijwilligers: sign-ups to approve or reject, active or paused, categories, places and hours this month;
the CSV of re-integration hours per helper and month."""

from __future__ import annotations

import io
from datetime import timedelta

from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import N_
from bot.services.desk_inbox import category_names
from bot.services.desk_roles import DeskPermission
from bot.services.desk_volunteers import (
    HELPER_CODE_LENGTH,
    may_manage_volunteer,
    reintegration_hours_csv,
    set_helper_code,
    volunteer_rows,
)
from bot.services.volunteers import Decision, decide_volunteer, set_paused
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


def decide(desk: Desk) -> Response:
    """Approve or reject a sign-up; the volunteer hears it in Telegram (a coordinator adds them to the group)."""
    volunteer_id, approve = _volunteer_id(desk), desk.value("besluit") == "ja"
    with desk.unit_of_work() as uow:
        if not may_manage_volunteer(uow.session, desk.identity, volunteer_id):
            return desk.not_found()
        desk.audit(
            uow.session,
            "volunteer.approve" if approve else "volunteer.reject",
            target_kind="volunteer",
            target_id=volunteer_id,
        )
        uow.session.flush()
        decided = decide_volunteer(
            uow.session,
            volunteer_id=volunteer_id,
            coordinator_id=desk.identity.user_id,
            approve=approve,
            invite_links=[],
            now=desk.now(),
        )
        uow.commit()
    return desk.redirect("/vrijwilligers", bericht="ok" if decided is Decision.DECIDED else "unchanged")


def pause(desk: Desk) -> Response:
    """Pause an active volunteer, or make a paused one active again."""
    volunteer_id, paused = _volunteer_id(desk), desk.value("pauze") == "ja"
    with desk.unit_of_work() as uow:
        if not may_manage_volunteer(uow.session, desk.identity, volunteer_id):
            return desk.not_found()
        desk.audit(
            uow.session,
            "volunteer.pause" if paused else "volunteer.resume",
            target_kind="volunteer",
            target_id=volunteer_id,
        )
        uow.session.flush()
        changed = set_paused(uow.session, user_id=volunteer_id, paused=paused)
        uow.commit()
    return desk.redirect("/vrijwilligers", bericht="ok" if changed else "unchanged")


def helper_code(desk: Desk) -> Response:
    """The code a coordinator gives a re-integration helper: the hours file names them by it, not by name."""
    volunteer_id = _volunteer_id(desk)
    with desk.unit_of_work() as uow:
        if not may_manage_volunteer(uow.session, desk.identity, volunteer_id):
            return desk.not_found()
        desk.audit(uow.session, "volunteer.helper_code", target_kind="volunteer", target_id=volunteer_id)
        uow.session.flush()
        changed = set_helper_code(uow.session, volunteer_id=volunteer_id, code=desk.value("code"))
        uow.commit()
    return desk.redirect("/vrijwilligers", bericht="ok" if changed else "unchanged")


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
