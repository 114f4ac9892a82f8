"""The start page, the language choice and the audit log."""

from __future__ import annotations

from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import LOCALES, N_
from bot.services.desk_audit import audit_entries
from bot.services.desk_roles import DeskPermission
from bot.services.people import set_locale


def start(desk: Desk) -> Response:
    """The first page after logging in: what this person can do here."""
    return desk.render("start.html")


def choose_language(desk: Desk) -> Response:
    """Nederlands, English or Deutsch: the same choice as /taal in the bot."""
    locale = desk.value("lang")
    if locale in LOCALES:
        with desk.unit_of_work() as uow:
            set_locale(uow.session, desk.identity.user_id, locale)
            uow.commit()
    back = desk.value("next")
    return desk.redirect(back if back.startswith("/") and not back.startswith("//") else "/")


ACTION_LABELS = {
    "login": N_("Ingelogd"),
    "logout": N_("Uitgelogd"),
    "intake": N_("Vraag aangenomen"),
    "inbox.note": N_("Notitie geschreven"),
    "inbox.called.reached": N_("Gebeld en gesproken"),
    "inbox.called.not_reached": N_("Gebeld, niet bereikt"),
    "inbox.close": N_("Gesloten"),
    "inbox.refer": N_("Doorverwezen"),
    "inbox.assign": N_("Vrijwilliger gekozen"),
    "overview": N_("Overzicht bekeken"),
    "export": N_("Cijfers gedownload"),
    "volunteer.approve": N_("Vrijwilliger goedgekeurd"),
    "volunteer.reject": N_("Vrijwilliger afgewezen"),
    "volunteer.pause": N_("Vrijwilliger op pauze"),
    "volunteer.resume": N_("Vrijwilliger weer actief"),
    "volunteer.hours_export": N_("Uren gedownload"),
    "activity.create": N_("Activiteit gemaakt"),
    "activity.publish": N_("Activiteit verstuurd"),
    "people.add": N_("Iemand aan de balie gezet"),
    "people.remove": N_("Iemand van de balie gehaald"),
    "resident.forget": N_("Alles van een bewoner gewist"),
}


def audit_log(desk: Desk) -> Response:
    """Who did what on the desk, newest first (the coordinator's own municipality)."""
    with desk.unit_of_work() as uow:
        entries = audit_entries(uow.session, reader=desk.identity)
    return desk.render("audit.html", entries=entries, labels=ACTION_LABELS)


routes = [
    desk_route("/", start, permission=None),
    desk_route("/taal", choose_language, permission=None, methods=("POST",)),
    desk_route("/logboek", audit_log, permission=DeskPermission.AUDIT),
]
