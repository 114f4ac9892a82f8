"""Mensen aan de balie: a coordinator lets Telegram users work at the desk of their municipality, or stops it."""

from __future__ import annotations

from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import N_
from bot.services.desk_roles import (
    DeskPermission,
    RoleChange,
    add_desk_volunteer,
    list_desk_volunteers,
    remove_desk_volunteer,
)
from bot.services.places import municipalities

MESSAGES = {
    RoleChange.ADDED: N_("Deze persoon kan nu met /balie inloggen."),
    RoleChange.REMOVED: N_("Deze persoon werkt niet meer aan de balie."),
    RoleChange.NOT_ALLOWED: N_("Sorry, dat mag u niet."),
    RoleChange.UNKNOWN_MUNICIPALITY: N_("Die gemeente ken ik niet."),
    RoleChange.IS_COORDINATOR: N_("Dat hoeft niet. Deze persoon mag al alles."),
    RoleChange.NOT_FOUND: N_("Deze persoon werkt niet aan de balie."),
}


def show_people(desk: Desk) -> Response:
    """The desk volunteers of the coordinator's municipality (all for a coordinator of all)."""
    scope = None if desk.identity.all_municipalities else desk.identity.municipality_slug
    with desk.unit_of_work() as uow:
        people = list_desk_volunteers(uow.session, municipality_slug=scope)
        areas = [m for m in municipalities(uow.session) if desk.identity.covers(m.slug)]
    message = desk.value("bericht")
    return desk.render(
        "people.html",
        people=people,
        municipalities=areas,
        message=MESSAGES.get(message, ""),
        ok=message in ("added", "removed"),
    )


def add(desk: Desk) -> Response:
    """Add someone by their Telegram user id (they find it with /balie, or ask the coordinator)."""
    user_id = desk.value("user_id")
    if not user_id.isdigit():
        return desk.redirect("/balie", bericht=RoleChange.NOT_FOUND.value)
    with desk.unit_of_work() as uow:
        change = add_desk_volunteer(
            uow.session,
            by_user_id=desk.identity.user_id,
            user_id=int(user_id),
            municipality_slug=desk.value("gemeente"),
            steunpunt_slug=None,
            now=desk.now(),
        )
        if change is RoleChange.NOT_ALLOWED:
            return desk.refuse()
        if change is RoleChange.ADDED:
            desk.audit(
                uow.session,
                "people.add",
                municipality_slug=desk.value("gemeente"),
                target_kind="user",
                target_id=int(user_id),
            )
        uow.commit()
    return desk.redirect("/balie", bericht=change.value)


def remove(desk: Desk) -> Response:
    """End someone's desk role."""
    user_id = int(desk.request.path_params["user_id"])
    with desk.unit_of_work() as uow:
        change = remove_desk_volunteer(uow.session, by_user_id=desk.identity.user_id, user_id=user_id)
        if change is RoleChange.NOT_ALLOWED:
            return desk.refuse()
        if change is RoleChange.REMOVED:
            desk.audit(uow.session, "people.remove", target_kind="user", target_id=user_id)
        uow.commit()
    return desk.redirect("/balie", bericht=change.value)


routes = [
    desk_route("/balie", show_people, permission=DeskPermission.PEOPLE),
    desk_route("/balie", add, permission=DeskPermission.PEOPLE, methods=("POST",), name="add_person"),
    desk_route("/balie/{user_id:int}/weg", remove, permission=DeskPermission.PEOPLE, methods=("POST",)),
]
