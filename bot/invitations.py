"""Invite links for a volunteer just approved: one join-request link per group of their neighbourhoods.

Made before the approval's transaction (Telegram is called outside it), by the bot's button and by the desk alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger(__name__)
INVITE_NAME = "vrijwilliger {id}"


@dataclass(frozen=True)
class Invitations:
    """The invite links Telegram made for an approval, and how many groups refused one."""

    links: tuple[str, ...] = ()
    failed: int = 0


async def invite_to_groups(bot: Bot, *, volunteer_id: int, chat_ids: Iterable[int]) -> Invitations:
    """A link that asks to join (an admin lets them in) for each group; a group that refuses is counted, not fatal."""
    links, failed = [], 0
    for chat_id in chat_ids:
        try:
            link = await bot.create_chat_invite_link(
                chat_id, name=INVITE_NAME.format(id=volunteer_id), creates_join_request=True
            )
            links.append(link.invite_link)
        except TelegramError as error:
            failed += 1
            log.warning("no invite link for chat %s: %s", chat_id, type(error).__name__)
    return Invitations(tuple(links), failed)
