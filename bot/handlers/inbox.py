"""`/inbox`: a coordinator's open items, most urgent first, each with its buttons (`InboxAction`)."""

from __future__ import annotations

from html import escape

from bot.buttons import InboxAction
from bot.flows import inbox_note
from bot.flows.gates import coordinator_scope, refuse
from bot.flows.turn import Turn
from bot.i18n import Translator
from bot.render.inbox import item_markup, render_item
from bot.render.keyboards import button_rows
from bot.render.referrals import REFERRAL_LABELS
from bot.services.inbox import (
    REFERRAL_ROUTES,
    InboxOutcome,
    ItemView,
    assign_item,
    close_item,
    item_for,
    open_items,
    refer_item,
    volunteers_for,
)
from bot.services.views import contact_of


def show_inbox(turn: Turn) -> None:
    """`/inbox`: the open items of the coordinator's municipality, most urgent first."""
    if coordinator_scope(turn) is None:
        return
    _ = turn._
    items = open_items(turn.session, coordinator_id=turn.user_id)
    if not items:
        turn.say("📭 " + _("Uw inbox is leeg. Er is niets te doen."))
        return
    turn.say("📥 " + _("Inbox: het meest dringende eerst.") + " " + _("Kies bij elk bericht wat u doet."))
    for item in items:
        turn.say(render_item(item, turn.now, _), item_markup(item, _))


def inbox_action(turn: Turn, button: InboxAction) -> None:
    """A button under an item; the role and municipality are checked again at every press."""
    if button.action == "note":
        inbox_note.ask_note(turn, button)
        return
    item = item_for(turn.session, item_id=button.item_id, coordinator_id=turn.user_id)
    if item is None:
        refuse(turn)
    elif button.action in ("assign", "refer", "back"):
        _show_choices(turn, item, button.action)
    else:
        _act(turn, item, button)


def _show_choices(turn: Turn, item: ItemView, action: str) -> None:
    """The item's buttons, the routes to refer it along, or the volunteers who may take its request."""
    _ = turn._
    if action == "back":
        turn.edit_buttons(item_markup(item, _))
        return
    back = ("↩️ " + _("Terug"), InboxAction(item.id, "back"))
    if action == "refer":
        options = [(_(REFERRAL_LABELS[route]), InboxAction(item.id, "ref", route)) for route in REFERRAL_ROUTES]
        turn.edit_buttons(button_rows([*options, back], per_row=2))
        return
    volunteers = volunteers_for(turn.session, item_id=item.id, coordinator_id=turn.user_id)
    if not volunteers:
        turn.answer(_("Er zijn geen vrijwilligers voor deze wijk."), alert=True)
        return
    options = [(v.first_name or str(v.user_id), InboxAction(item.id, "to", str(v.user_id))) for v in volunteers]
    turn.edit_buttons(button_rows([*options, back], per_row=2))


def _act(turn: Turn, item: ItemView, button: InboxAction) -> None:
    """Assign, refer or close; the item shows what was done, or the press is answered why not."""
    _ = turn._
    session, argument = turn.session, button.argument or ""
    if button.action == "to" and argument.isdigit():
        volunteer = contact_of(session, int(argument))
        outcome = assign_item(
            session,
            item_id=item.id,
            coordinator_id=turn.user_id,
            volunteer_id=int(argument),
            now=turn.now,
            settings=turn.runtime.settings,
        )
        done = "🙋 " + _("{name} krijgt de vraag. Zij krijgen nu allebei een bericht.").format(
            name=escape(volunteer.first_name if volunteer and volunteer.first_name else argument)
        )
    elif button.action == "ref" and argument in REFERRAL_ROUTES:
        outcome = refer_item(session, item_id=item.id, coordinator_id=turn.user_id, route=argument, now=turn.now)
        done = "📨 " + _("Doorverwezen naar: {route}").format(route=escape(_(REFERRAL_LABELS[argument])))
    elif button.action == "close":
        outcome = close_item(session, item_id=item.id, coordinator_id=turn.user_id, now=turn.now)
        done = "✅ " + _("Gesloten.")
    else:
        turn.answer(_("Deze knop werkt niet meer."))
        return
    if outcome is not InboxOutcome.DONE:
        turn.answer(_outcome_text(outcome, _), alert=True)
        return
    after = item_for(session, item_id=item.id, coordinator_id=turn.user_id) or item
    turn.edit(render_item(after, turn.now, _) + "\n\n" + done)


def _outcome_text(outcome: InboxOutcome, _: Translator) -> str:
    return {
        InboxOutcome.TAKEN: _("Iemand anders helpt al met deze vraag."),
        InboxOutcome.NOT_VOLUNTEER: _("Deze vrijwilliger kan niet helpen in deze wijk."),
        InboxOutcome.NO_REQUEST: _("Hier hoort geen hulpvraag bij."),
        InboxOutcome.NOT_ALLOWED: _("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente."),
    }.get(outcome, _("Dit bericht is al afgehandeld."))
