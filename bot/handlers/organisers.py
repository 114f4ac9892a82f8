"""`/organisator add|remove|list`: a coordinator makes a resident the organiser of a werkgroep for one kern."""

from __future__ import annotations

from html import escape

from bot.flows.gates import coordinator_scope
from bot.flows.turn import Turn
from bot.services.organisers import OrganiserChange, appoint_organiser, list_organisers, remove_organiser

USAGE = (
    "/organisator add <telegram-nummer> <kern> [naam van de werkgroep]",
    "/organisator remove <telegram-nummer>",
    "/organisator list",
)


def organiser_command(turn: Turn) -> None:
    """`/organisator add 123 ubachsberg Werkgroep Ubachsberg`, `remove 123`, `list`."""
    if coordinator_scope(turn) is None:
        return
    _ = turn._
    args = turn.arguments
    action = args[0].lower() if args else "list"
    if action == "list":
        entries = list_organisers(turn.session, by_user_id=turn.user_id) or []
        if not entries:
            turn.say(_("Nog niemand zet iets op touw voor een werkgroep."))
            return
        lines = [f"{e.user_id} · {escape(e.kern_name)} · {escape(e.werkgroep)}" for e in entries]
        turn.say("🤝 " + _("Deze mensen organiseren activiteiten:") + "\n" + "\n".join(lines))
        return
    needed = 3 if action == "add" else 2
    if action not in ("add", "remove") or len(args) < needed or not args[1].isdigit():
        turn.say(_("Zo gebruikt u dit:") + "\n" + escape("\n".join(USAGE)))
        return
    user_id = int(args[1])
    if action == "add":
        werkgroep = " ".join(args[3:])[:100]
        change = appoint_organiser(
            turn.session, by_user_id=turn.user_id, user_id=user_id, kern=args[2], werkgroep=werkgroep, now=turn.now
        )
    else:
        change = remove_organiser(turn.session, by_user_id=turn.user_id, user_id=user_id)
    texts = {
        OrganiserChange.ADDED: "✅ " + _("{user} mag nu zelf iets op touw zetten in deze kern."),
        OrganiserChange.REMOVED: "✅ " + _("{user} doet dit nu niet meer."),
        OrganiserChange.NOT_ALLOWED: _("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente."),
        OrganiserChange.UNKNOWN_KERN: _("Die kern ken ik niet."),
        OrganiserChange.NOT_FOUND: _("{user} is geen organisator."),
    }
    turn.say(texts[change].format(user=user_id))
