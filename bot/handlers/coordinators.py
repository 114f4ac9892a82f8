"""`/coordinator add|remove|list`: only a coordinator of all municipalities manages coordinators."""

from __future__ import annotations

from html import escape

from bot.flows.gates import coordinator_scope
from bot.flows.turn import Turn
from bot.services.access import Scope
from bot.services.coordinators import RoleChange, add_coordinator, list_coordinators, remove_coordinator

USAGE = (
    "/coordinator add <telegram-nummer> [gemeente]",
    "/coordinator remove <telegram-nummer>",
    "/coordinator list",
)


def coordinator_command(turn: Turn) -> None:
    """`/coordinator add|remove|list`."""
    if coordinator_scope(turn) is None:
        return
    _ = turn._
    args = turn.arguments
    action = args[0].lower() if args else "list"
    if action == "list":
        entries = list_coordinators(turn.session, by_user_id=turn.user_id) or []
        lines = [f"{e.user_id} · {escape(e.scope.municipality_slug or _('alle gemeenten'))}" for e in entries]
        turn.say("👥 " + _("Deze mensen zijn coördinator:") + "\n" + "\n".join(lines))
        return
    if action not in ("add", "remove") or len(args) < 2 or not args[1].isdigit():
        turn.say(_("Zo gebruikt u dit:") + "\n" + escape("\n".join(USAGE)))
        return
    user_id = int(args[1])
    if action == "add":
        scope = Scope.of(args[2].lower()) if len(args) > 2 else Scope.ALL
        change = add_coordinator(turn.session, by_user_id=turn.user_id, user_id=user_id, scope=scope, now=turn.now)
    else:
        change = remove_coordinator(turn.session, by_user_id=turn.user_id, user_id=user_id)
    texts = {
        RoleChange.ADDED: "✅ " + _("{user} is nu coördinator."),
        RoleChange.REMOVED: "✅ " + _("{user} is nu geen coördinator meer."),
        RoleChange.NOT_ALLOWED: _("Sorry, dat mag u niet. Dat doet de coördinator voor heel Parkstad."),
        RoleChange.UNKNOWN_MUNICIPALITY: _("Die gemeente ken ik niet."),
        RoleChange.NOT_FOUND: _("{user} is geen coördinator."),
    }
    turn.say(texts[change].format(user=user_id))
