"""Vraag aannemen: a request taken by phone or at the desk, for a resident without Telegram."""

from __future__ import annotations

from starlette.responses import Response

from bot.dates import parse_date
from bot.desk.web import Desk, desk_route
from bot.i18n import N_
from bot.services.desk_inbox import category_names
from bot.services.desk_intake import CALL_PARTS, Intake, IntakeOutcome, places_for, resolve_place, take_request
from bot.services.desk_roles import DeskPermission

WHEN_LABELS = {
    "today": N_("Vandaag"),
    "tomorrow": N_("Morgen"),
    "week": N_("Deze week"),
    "any": N_("Maakt niet uit"),
    "date": N_("Op een dag:"),
}
CALL_PART_LABELS = {
    "morning": N_("In de ochtend"),
    "afternoon": N_("In de middag"),
    "any": N_("De hele dag"),
}
PROBLEMS = {
    IntakeOutcome.NOT_ALLOWED: N_("Die plaats hoort niet bij uw gemeente."),
    IntakeOutcome.NO_CONSENT: N_("Vraag eerst of we de vraag mogen bewaren."),
    IntakeOutcome.INCOMPLETE: N_("Vul naam, telefoon, plaats, vraag en soort hulp in."),
}


def _form(desk: Desk, *, status: int = 200, **context) -> Response:
    with desk.unit_of_work() as uow:
        places = places_for(uow.session, desk.identity)
        categories = category_names(uow.session, desk._.locale)
    return desk.render(
        "intake.html",
        status=status,
        places=places,
        categories=categories,
        when_labels=WHEN_LABELS,
        call_part_labels=CALL_PART_LABELS,
        call_parts=CALL_PARTS,
        **context,
    )


def intake_form(desk: Desk) -> Response:
    """The empty form (or the one just sent, with its result)."""
    return _form(desk, values={}, posted=desk.value("klaar"))


def suggest_category(desk: Desk) -> Response:
    """While the resident's words are typed: the matcher's guess, as the category field (htmx)."""
    matches = desk.runtime.categories.match(desk.value("details"))
    with desk.unit_of_work() as uow:
        categories = category_names(uow.session, desk._.locale)
    chosen = matches[0][0] if matches else desk.value("category")
    return desk.render("intake_category.html", categories=categories, chosen=chosen, guessed=bool(matches))


def take(desk: Desk) -> Response:
    """Store the request; it goes to the group of the place like a request from the chat."""
    settings = desk.runtime.settings
    with desk.unit_of_work() as uow:
        kind = desk.value("when")
        today = desk.now().astimezone(settings.time_zone).date()
        intake = Intake(
            name=desk.value("name"),
            phone=desk.value("phone"),
            neighbourhood_slug=resolve_place(
                uow.session, taker=desk.identity, typed=desk.value("place"), places=desk.runtime.places
            ),
            category_slug=desk.value("category"),
            details=desk.value("details"),
            when_kind=kind,
            when_date=parse_date(desk.value("day"), today, desk._.locale) if kind == "date" else None,
            call_part=desk.value("call_part"),
            consent=desk.value("consent") == "yes",
        )
        result = take_request(uow.session, taker=desk.identity, intake=intake, now=desk.now(), settings=settings)
        uow.commit()
    if result.request_id is None:
        status = 403 if result.outcome is IntakeOutcome.NOT_ALLOWED else 400
        return _form(desk, status=status, values=desk.form, problem=PROBLEMS[result.outcome], posted="")
    return desk.redirect("/vraag", klaar=result.outcome.value, nummer=result.request_id)


routes = [
    desk_route("/vraag", intake_form, permission=DeskPermission.INTAKE),
    desk_route("/vraag", take, permission=DeskPermission.INTAKE, methods=("POST",), name="take"),
    desk_route("/vraag/soort", suggest_category, permission=DeskPermission.INTAKE, methods=("POST",)),
]
