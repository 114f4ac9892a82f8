"""`/coordinator add|remove|list`: only a coordinator of all municipalities manages coordinators."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.context import BotContext
from bot.flows.gates import require_coordinator
from bot.services.access import Scope
from bot.services.coordinators import RoleChange, add_coordinator, list_coordinators, remove_coordinator

USAGE = "/coordinator add <user id> [gemeente] · /coordinator remove <user id> · /coordinator list"


async def coordinator_command(update: Update, context: BotContext) -> None:
    """`/coordinator add|remove|list`."""
    _ = context._
    args = context.args or []
    if await require_coordinator(update, context) is None:
        return
    action = args[0].lower() if args else "list"
    by_user_id = update.effective_user.id
    if action == "list":
        with context.unit_of_work() as uow:
            entries = list_coordinators(uow.session, by_user_id=by_user_id) or []
        lines = [f"{e.user_id} · {e.scope.municipality_slug or _('alle gemeenten')}" for e in entries]
        heading = "👥 " + _("Deze mensen zijn coördinator:")
        await update.effective_chat.send_message(heading + "\n" + "\n".join(lines))
        return
    if action not in ("add", "remove") or len(args) < 2 or not args[1].isdigit():
        await update.effective_chat.send_message(_("Zo gebruikt u dit:") + "\n" + escape(USAGE))
        return
    user_id = int(args[1])
    with context.unit_of_work() as uow:
        if action == "add":
            scope = Scope.of(args[2].lower()) if len(args) > 2 else Scope.ALL
            change = add_coordinator(
                uow.session, by_user_id=by_user_id, user_id=user_id, scope=scope, now=context.runtime.clock.now()
            )
        else:
            change = remove_coordinator(uow.session, by_user_id=by_user_id, user_id=user_id)
        uow.commit()
    texts = {
        RoleChange.ADDED: "✅ " + _("{user} is nu coördinator."),
        RoleChange.REMOVED: "✅ " + _("{user} is nu geen coördinator meer."),
        RoleChange.NOT_ALLOWED: _("Sorry, dat mag u niet. Dat doet de coördinator voor heel Parkstad."),
        RoleChange.UNKNOWN_MUNICIPALITY: _("Die gemeente ken ik niet."),
        RoleChange.NOT_FOUND: _("{user} is geen coördinator."),
    }
    await update.effective_chat.send_message(texts[change].format(user=user_id))
