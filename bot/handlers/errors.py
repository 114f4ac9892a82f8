"""The error handler: log first, then say something kind."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, RetryAfter

from bot.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure (without message text) and apologise to the user in a private chat."""
    error = context.error
    if isinstance(error, BadRequest) and "message is not modified" in str(error):
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, RetryAfter):
        # A flood longer than the rate limiter waits for (bot/rate_limit.py); an apology would be throttled too.
        log.warning("update %s dropped: Telegram asks to wait (RetryAfter)", update_id)
        return
    # Where it failed, but not the exception's message: that could quote what a user wrote.
    frames = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))
    log.error("error while handling update %s: %s\n%s", update_id, type(error).__name__, frames)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_chat.type != "private":
        return
    _ = context._
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            _("Sorry, er ging iets mis. Probeer het nog een keer, of typ /start."),
        )
    except Exception:
        log.warning("could not send the apology for update %s", update_id)
