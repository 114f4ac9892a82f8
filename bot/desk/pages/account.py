"""The start page, the language choice and the audit log."""

from __future__ import annotations

from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import LOCALES
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
        with desk.session() as session:
            set_locale(session, desk.identity.user_id, locale)
    back = desk.value("next")
    return desk.redirect(back if back.startswith("/") and not back.startswith("//") else "/")


def audit_log(desk: Desk) -> Response:
    """Who did what on the desk, newest first (the coordinator's own municipality)."""
    with desk.session() as session:
        entries = audit_entries(session, reader=desk.identity)
    return desk.render("audit.html", entries=entries)


routes = [
    desk_route("/", start, permission=None),
    desk_route("/taal", choose_language, permission=None, methods=("POST",)),
    desk_route("/logboek", audit_log, permission=DeskPermission.AUDIT),
]
