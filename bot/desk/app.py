"""The desk's app factory: one Starlette app on the bot's runtime (settings, database, clock, matchers)."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from telegram import Bot

from bot.config import Settings
from bot.desk.navigation import menu_for
from bot.desk.pages import account, activities, inbox, intake, login, media, overview, people, surveys, volunteers
from bot.desk.web import render_page, request_translator
from bot.logs import quiet_library_loggers
from bot.ops import OPS_ROUTES
from bot.services.desk_login import signing_secret
from bot.services.desk_roles import DeskPermission
from bot.services.runtime import Runtime

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
# Only our own files: no inline script or style, no frames, forms post to us only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # A login link in the address bar never travels on as a Referer.
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class QuietErrors:
    """An unexpected error becomes a plain 500 page; only its class is logged (its message may quote personal data,
    as a database error quotes its parameters), and nothing is raised on to the server, which would log it whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            log.error("desk page failed: %s", type(error).__name__)
            if not started:
                await PlainTextResponse("500", status_code=500)(scope, receive, send)


def page_routes() -> list[BaseRoute]:
    """Every page of the desk, grouped by page module."""
    return [
        *login.routes,
        *account.routes,
        *inbox.routes,
        *media.routes,
        *intake.routes,
        *overview.routes,
        *volunteers.routes,
        *activities.routes,
        *surveys.routes,
        *people.routes,
    ]


def template_environment() -> Environment:
    """Jinja2 with autoescaping; texts come through the `_` translator passed to every render."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["menu_for"] = menu_for
    environment.globals["permission"] = DeskPermission
    return environment


async def _not_found(request: Request, error: HTTPException) -> Response:
    return render_page(request, "refused.html", request_translator(request), status=error.status_code)


def _own_bot(settings: Settings) -> Bot | None:
    """The desk on its own asks Telegram for residents' media and invite links; without a token it does without."""
    if not settings.bot_token:
        return None
    return Bot(settings.bot_token, base_url=settings.api_base_url, base_file_url=settings.api_file_url)


def create_desk(runtime: Runtime, telegram: Bot | None = None) -> Starlette:
    """The desk for `runtime` (the bot's Runtime: settings, engine, clock, matchers); `telegram` fetches residents'
    media (the bot's own Bot when both run in one process)."""
    quiet_library_loggers()
    with runtime.unit_of_work() as uow:
        secret = signing_secret(uow.session, configured=runtime.settings.desk_secret, now=runtime.clock.now())
        uow.commit()
    app = Starlette(
        routes=[*page_routes(), *OPS_ROUTES, Mount("/static", StaticFiles(directory=STATIC), name="static")],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.runtime = runtime
    app.state.secret = secret
    app.state.telegram = telegram or _own_bot(runtime.settings)
    app.state.templates = template_environment()
    app.add_middleware(QuietErrors)
    app.add_middleware(SecurityHeaders)
    return app
