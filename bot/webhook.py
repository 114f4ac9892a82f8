"""`samenbot run --webhook`: Telegram posts each update to us; several processes may share one database.

PTB's webhook server (Tornado) checks Telegram's secret token header on every request. Each process
registers the same `WEBHOOK_URL` with Telegram at start-up; a load balancer spreads the requests. What
makes several processes safe: an update is handled once (`ProcessedUpdate`), and outbox rows and
timers are taken with `FOR UPDATE SKIP LOCKED`, so each is sent or fired by exactly one process.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""Telegram's rule for `secret_token`."""
NO_TORNADO = "Webhooks need PTB's webhook server: pip install 'python-telegram-bot[webhooks]' (it adds Tornado)."


def webhook_problem(settings: Settings, *, server_installed: bool | None = None) -> str | None:
    """Why the webhook cannot start with these settings, or None."""
    url = urlsplit(settings.webhook_url)
    if url.scheme != "https" or not url.netloc:
        return "Set WEBHOOK_URL to the public https:// address Telegram must post to, e.g. https://bot.example.nl/tg."
    if not SECRET.match(settings.webhook_secret):
        return "Set WEBHOOK_SECRET to 1-256 characters from A-Z, a-z, 0-9, _ and - (the same in every process)."
    if server_installed is None:
        server_installed = importlib.util.find_spec("tornado") is not None
    if not server_installed:
        return NO_TORNADO
    return None


def webhook_options(settings: Settings) -> dict[str, Any]:
    """The arguments of `Updater.start_webhook` for these settings."""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
        "allowed_updates": None,
        "drop_pending_updates": False,
    }
