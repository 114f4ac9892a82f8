"""Coordinators in chat: the role check every coordinator command starts with, and `/coordinator`."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.services.coordinators import (
    RoleChange,
    add_coordinator,
    coordinator_of,
    list_coordinators,
    remove_coordinator,
)
from db.models import Coordinator

USAGE = "/coordinator add <user id> [gemeente] · /coordinator remove <user id> · /coordinator list"


async def require_coordinator(update: Update, context: BotContext) -> Coordinator | None:
    """The coordinator behind this update, or None after a polite refusal."""
    with context.session() as session:
        coordinator = coordinator_of(session, update.effective_user.id)
    if coordinator is None:
        await refuse(update, context)
    return coordinator


async def refuse(update: Update, context: BotContext) -> None:
    """Say that only a coordinator (of this municipality) can do this."""
    text = context._("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_chat.send_message(text)


async def coordinator_command(update: Update, context: BotContext) -> None:
    """`/coordinator add|remove|list`: only a coordinator of all municipalities manages coordinators."""
    _ = context._
    args = context.args or []
    if await require_coordinator(update, context) is None:
        return
    action = args[0].lower() if args else "list"
    runtime = context.runtime
    with context.session() as session:
        if action == "list":
            lines = [f"{c.user_id} · {c.municipality_slug or _('alle gemeenten')}" for c in list_coordinators(session)]
            heading = "👥 " + _("Deze mensen zijn coördinator:")
            await update.effective_chat.send_message(heading + "\n" + "\n".join(lines))
            return
        if action not in ("add", "remove") or len(args) < 2 or not args[1].isdigit():
            await update.effective_chat.send_message(_("Zo gebruikt u dit:") + "\n" + escape(USAGE))
            return
        user_id = int(args[1])
        if action == "add":
            municipality = args[2].lower() if len(args) > 2 else None
            change = add_coordinator(
                session,
                by_user_id=update.effective_user.id,
                user_id=user_id,
                municipality_slug=municipality,
                now=runtime.clock.now(),
            )
        else:
            change = remove_coordinator(session, by_user_id=update.effective_user.id, user_id=user_id)
    texts = {
        RoleChange.ADDED: "✅ " + _("{user} is nu coördinator."),
        RoleChange.REMOVED: "✅ " + _("{user} is nu geen coördinator meer."),
        RoleChange.NOT_ALLOWED: _("Sorry, dat mag u niet. Dat doet de coördinator voor heel Parkstad."),
        RoleChange.UNKNOWN_MUNICIPALITY: _("Die gemeente ken ik niet."),
        RoleChange.NOT_FOUND: _("{user} is geen coördinator."),
    }
    await update.effective_chat.send_message(texts[change].format(user=user_id))
