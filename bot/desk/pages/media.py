"""A resident's voice message, photo or file, played or shown in the inbox: fetched from Telegram on demand.

The desk stores no media: the inbox item keeps Telegram's file id, and each look is one line in the audit log.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from telegram import Bot
from telegram.error import TelegramError

from bot.desk.web import Desk, desk_route
from bot.services.desk_inbox import MediaFile, inbox_media
from bot.services.desk_roles import DeskPermission

log = logging.getLogger(__name__)
FALLBACK_TYPE = "application/octet-stream"


def _allowed_media(desk: Desk) -> MediaFile | None:
    item_id = int(desk.request.path_params["item_id"])
    with desk.unit_of_work() as uow:
        found = inbox_media(uow.session, reader=desk.identity, item_id=item_id)
        if found is not None:
            desk.audit(uow.session, "inbox.media", target_kind="inbox", target_id=item_id)
            uow.commit()
    return found


async def show_media(desk: Desk) -> Response:
    """The item's file as Telegram has it, never cached by the browser."""
    found = await run_in_threadpool(_allowed_media, desk)
    if found is None:
        return desk.not_found()
    telegram: Bot | None = desk.request.app.state.telegram
    if telegram is None:  # a desk started without the bot's token
        return desk.render("refused.html", status=503)
    try:
        content = await (await telegram.get_file(found.file_id)).download_as_bytearray()
    except TelegramError as error:
        log.warning("inbox media not fetched: %s", type(error).__name__)
        return desk.render("refused.html", status=502)
    return Response(
        bytes(content),
        media_type=found.mime_type or FALLBACK_TYPE,
        headers={"Cache-Control": "no-store", "Content-Disposition": "inline"},
    )


routes = [desk_route("/inbox/{item_id:int}/bestand", show_media, permission=DeskPermission.INBOX)]
