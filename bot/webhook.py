"""`samenbot run --webhook`: Telegram posts each update to us; several processes may share one database.

The webhook is a Starlette app on uvicorn, in the bot's event loop (as python-telegram-bot's custom webhook
example does), beside `/healthz` and `/metrics`. It checks Telegram's secret token header, handles the update
through the application's update processor (each person's updates in order, different people at once) and
answers 200 only then: the update's transaction has committed, so a process killed before its answer leaves the
update to Telegram, which delivers it again (to any worker). What makes several processes safe: an update is
handled once (`ProcessedUpdate`), conversation state is read per update, and outbox rows and timers are taken
with `FOR UPDATE SKIP LOCKED`, so each is sent or fired by exactly one process.
"""

from __future__ import annotations

import hmac
import json
import re
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.ops import OPS_ROUTES

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""Telegram's rule for `secret_token`."""
SECRET_HEADER = "x-telegram-bot-api-secret-token"


def webhook_problem(settings: Settings) -> str | None:
    """Why the webhook cannot start with these settings, or None."""
    url = urlsplit(settings.webhook_url)
    if url.scheme != "https" or not url.netloc:
        return "Set WEBHOOK_URL to the public https:// address Telegram must post to, e.g. https://bot.example.nl/tg."
    if not SECRET.match(settings.webhook_secret):
        return "Set WEBHOOK_SECRET to 1-256 characters from A-Z, a-z, 0-9, _ and - (the same in every process)."
    if webhook_path(settings) in {route.path for route in OPS_ROUTES}:
        return "WEBHOOK_URL must not end in /healthz or /metrics: those paths are the health check and the metrics."
    return None


def webhook_path(settings: Settings) -> str:
    """The path Telegram posts to: WEBHOOK_URL's path (behind a proxy that keeps it)."""
    return "/" + urlsplit(settings.webhook_url).path.strip("/")


async def register_webhook(application: Application, settings: Settings) -> None:
    """Tell Telegram where to post, with the secret (every worker registers the same address)."""
    await application.bot.set_webhook(
        url=settings.webhook_url, secret_token=settings.webhook_secret, drop_pending_updates=False
    )


def webhook_app(application: Application, settings: Settings) -> Starlette:
    """The webhook endpoint for `application`, plus /healthz and /metrics."""
    secret = settings.webhook_secret.encode()

    async def receive(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret):
            return Response(status_code=403)
        try:
            update = Update.de_json(json.loads(await request.body()), application.bot)
        except (ValueError, TypeError, KeyError):
            return Response(status_code=400)
        # Handled before the answer: a crash until then leaves the update to Telegram to deliver again.
        await application.update_processor.process_update(update, application.process_update(update))
        return Response()

    app = Starlette(routes=[Route(webhook_path(settings), receive, methods=["POST"]), *OPS_ROUTES])
    app.state.runtime = application.bot_data["runtime"]
    return app
