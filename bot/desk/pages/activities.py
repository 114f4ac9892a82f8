"""Activiteiten: a new activity with a preview of its card, publishing, who comes and who waits, a list to print."""

from __future__ import annotations

from datetime import datetime

from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import N_
from bot.render.activities import announcement
from bot.services.activities.parsing import parse_amount
from bot.services.activities.publishing import CancelOutcome
from bot.services.desk_activities import (
    ActivityDraft,
    activities_for,
    activity_with_people,
    cancel,
    create_activity,
    publish,
    sending_progress,
)
from bot.services.desk_intake import places_for
from bot.services.desk_notices import plain_text
from bot.services.desk_roles import DeskPermission
from bot.services.places import municipalities

PROBLEM = N_("Vul een titel, een gemeente, een dag en een tijd in.")


def _places(desk: Desk):
    """The municipalities and places the coordinator may make activities for."""
    with desk.unit_of_work() as uow:
        areas = [m for m in municipalities(uow.session) if desk.identity.covers(m.slug)]
        return areas, places_for(uow.session, desk.identity)


def show_activities(desk: Desk, *, problem: str = "", status: int = 200) -> Response:
    """Drafts and coming activities, and the form for a new one."""
    with desk.unit_of_work() as uow:
        listed = activities_for(uow.session, reader=desk.identity, now=desk.now())
    areas, places = _places(desk)
    return desk.render(
        "activities.html", status=status, activities=listed, municipalities=areas, places=places, problem=problem
    )


def _starts_at(desk: Desk) -> datetime | None:
    try:
        day = datetime.strptime(f"{desk.value('dag')} {desk.value('tijd')}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return day.replace(tzinfo=desk.runtime.settings.time_zone)


def create(desk: Desk) -> Response:
    """Store the draft and show its card."""
    starts_at = _starts_at(desk)
    capacity = desk.value("plaatsen")
    if not desk.value("titel") or starts_at is None or not desk.value("gemeente"):
        return show_activities(desk, problem=PROBLEM, status=400)
    draft = ActivityDraft(
        municipality_slug=desk.value("gemeente"),
        title=desk.value("titel"),
        description=desk.value("beschrijving"),
        starts_at=starts_at,
        place=desk.value("plek"),
        neighbourhoods=tuple(desk.values("buurten")),
        capacity=int(capacity) if capacity.isdigit() else 0,
        cost_cents=parse_amount(desk.value("kosten")) if desk.value("kosten") else None,
    )
    with desk.unit_of_work() as uow:
        activity_id = create_activity(uow.session, reader=desk.identity, draft=draft, now=desk.now())
        if activity_id is None:
            return desk.refuse()
        desk.audit(
            uow.session,
            "activity.create",
            municipality_slug=draft.municipality_slug,
            target_kind="activity",
            target_id=activity_id,
        )
        uow.commit()
    return desk.redirect(f"/activiteiten/{activity_id}")


def _view(desk: Desk):
    with desk.unit_of_work() as uow:
        return activity_with_people(
            uow.session, reader=desk.identity, activity_id=int(desk.request.path_params["activity_id"])
        )


def show_activity(desk: Desk) -> Response:
    """The card as residents will see it (the bot's own announcement); publish a draft; how far the sending is;
    who comes and who waits; cancel."""
    activity_id = int(desk.request.path_params["activity_id"])
    with desk.unit_of_work() as uow:
        view = activity_with_people(uow.session, reader=desk.identity, activity_id=activity_id)
        progress = sending_progress(uow.session, activity_id=activity_id) if view is not None else None
    if view is None:
        return desk.not_found()
    card = plain_text(announcement(view.activity, desk._))
    answers = {"sent": desk.value("verstuurd"), "message": desk.value("bericht")}
    return desk.render("activity.html", view=view, card=card, progress=progress, **answers)


def print_list(desk: Desk) -> Response:
    """The list of who comes and who waits, for on paper."""
    view = _view(desk)
    return desk.not_found() if view is None else desk.render("activity_list.html", view=view)


def publish_draft(desk: Desk) -> Response:
    """Send the activity to its groups and residents, once."""
    activity_id = int(desk.request.path_params["activity_id"])
    with desk.unit_of_work() as uow:
        if activity_with_people(uow.session, reader=desk.identity, activity_id=activity_id) is None:
            return desk.not_found()
        desk.audit(uow.session, "activity.publish", target_kind="activity", target_id=activity_id)
        uow.session.flush()
        published = publish(uow.session, reader=desk.identity, activity_id=activity_id, now=desk.now())
        uow.commit()
    return desk.redirect(f"/activiteiten/{activity_id}", verstuurd="ja" if published is not None else "nee")


def cancel_published(desk: Desk) -> Response:
    """Cancel a published activity: everyone who said they come or wait, and the groups, hear it."""
    activity_id = int(desk.request.path_params["activity_id"])
    with desk.unit_of_work() as uow:
        if activity_with_people(uow.session, reader=desk.identity, activity_id=activity_id) is None:
            return desk.not_found()
        desk.audit(uow.session, "activity.cancel", target_kind="activity", target_id=activity_id)
        uow.session.flush()
        cancelled = cancel(uow.session, reader=desk.identity, activity_id=activity_id, now=desk.now())
        if cancelled.outcome is CancelOutcome.NOT_ALLOWED:
            return desk.not_found()
        uow.commit()
    answer = "afgezegd" if cancelled.outcome is CancelOutcome.CANCELLED else "unchanged"
    return desk.redirect(f"/activiteiten/{activity_id}", bericht=answer)


routes = [
    desk_route("/activiteiten", show_activities, permission=DeskPermission.ACTIVITIES),
    desk_route("/activiteiten", create, permission=DeskPermission.ACTIVITIES, methods=("POST",), name="create"),
    desk_route("/activiteiten/{activity_id:int}", show_activity, permission=DeskPermission.ACTIVITIES),
    desk_route("/activiteiten/{activity_id:int}/lijst", print_list, permission=DeskPermission.ACTIVITIES),
    desk_route(
        "/activiteiten/{activity_id:int}/publiceren",
        publish_draft,
        permission=DeskPermission.ACTIVITIES,
        methods=("POST",),
    ),
    desk_route(
        "/activiteiten/{activity_id:int}/afzeggen",
        cancel_published,
        permission=DeskPermission.ACTIVITIES,
        methods=("POST",),
    ),
]
