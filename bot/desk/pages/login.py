"""Logging in with a one-time link from the bot (`/balie`), and logging out."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.desk.web import Desk, cookie_name, desk_route, render_page, request_translator, secure_cookies
from bot.services.desk_audit import record_action
from bot.services.desk_login import OpenedSession, end_session, redeem_login_link
from bot.services.desk_roles import desk_identity
from bot.services.runtime import Runtime

LINK_FIELD = "link"


async def welcome(request: Request) -> Response:
    """How to log in: ask the bot for a link."""
    return render_page(request, "welcome.html", request_translator(request))


async def confirm_login(request: Request) -> Response:
    """The link from the bot shows a button; only pressing it uses the link (link previews must not)."""
    _ = request_translator(request)
    return render_page(request, "login.html", _, link=request.path_params["link"])


def _redeem(runtime: Runtime, secret: str, link: str) -> OpenedSession | None:
    now = runtime.clock.now()
    with runtime.unit_of_work() as uow:
        opened = redeem_login_link(uow.session, signed_token=link, secret=secret, now=now)
        if opened is None:
            return None
        identity = desk_identity(uow.session, opened.user_id)
        record_action(
            uow.session, user_id=opened.user_id, action="login", now=now, municipality_slug=identity.municipality_slug
        )
        uow.commit()
        return opened


async def log_in(request: Request) -> Response:
    """Use the link once: set the session cookie and go to the desk; a used or old link is refused."""
    runtime = request.app.state.runtime
    form = await request.form()
    link = form.get(LINK_FIELD)
    opened = await run_in_threadpool(_redeem, runtime, request.app.state.secret, link if isinstance(link, str) else "")
    if opened is None:
        return render_page(request, "login_refused.html", request_translator(request), status=403)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        cookie_name(runtime),
        opened.cookie_value,
        max_age=int((opened.expires_at - runtime.clock.now()).total_seconds()),
        path="/",
        secure=secure_cookies(runtime),
        httponly=True,
        samesite="strict",
    )
    return response


def log_out(desk: Desk) -> Response:
    """End the session at once and forget the cookie."""
    runtime = desk.runtime
    with desk.unit_of_work() as uow:
        end_session(uow.session, cookie_value=desk.request.cookies.get(cookie_name(runtime), ""), now=desk.now())
        desk.audit(uow.session, "logout")
        uow.commit()
    response = desk.redirect("/welkom")
    response.delete_cookie(cookie_name(runtime), path="/", secure=secure_cookies(runtime), httponly=True)
    return response


routes = [
    Route("/welkom", welcome, methods=["GET"]),
    Route("/login/{link:str}", confirm_login, methods=["GET"]),
    Route("/login", log_in, methods=["POST"]),
    desk_route("/logout", log_out, permission=None, methods=("POST",)),
]
