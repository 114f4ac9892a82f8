"""`/mijnvragen`: a resident's open and recent requests, each open one with a button to withdraw it."""

from __future__ import annotations

from html import escape

from bot.buttons import CancelRequest
from bot.flows.turn import Turn
from bot.i18n import N_, Translator
from bot.render.keyboards import button_rows
from bot.render.requests import summary
from bot.services.request_states import OwnRequest, is_own_request, requests_of_resident, withdraw_request
from db.models import RequestStatus

STATUS_LABELS = {
    RequestStatus.OPEN: N_("Wij zoeken nog een vrijwilliger."),
    RequestStatus.CLAIMED: N_("{name} helpt u."),
    RequestStatus.ESCALATED: N_("Een coördinator kijkt wat wij nu kunnen doen."),
    RequestStatus.DONE: N_("Klaar."),
    RequestStatus.CANCELLED: N_("Ingetrokken."),
    RequestStatus.REFERRED: N_("Doorgestuurd."),
}


def _describe(own: OwnRequest, _: Translator) -> str:
    request = own.request
    status = _(STATUS_LABELS.get(request.status, N_("Klaar."))).format(
        name=escape(own.helper_name) if own.helper_name is not None else _("Een vrijwilliger")
    )
    lines = [summary(request, _), "ℹ️ " + status]
    if request.repeat_weekly:
        lines.append("🔁 " + _("Elke week"))
    if own.cheques:
        used = _.plural("{count} dienstencheque gebruikt", "{count} dienstencheques gebruikt", own.cheques)
        lines.append("🎫 " + used.format(count=own.cheques))
    return "\n".join(lines)


def withdraw_markup(request_id: int, _: Translator):
    """The one button under an open request."""
    return button_rows([("❌ " + _("Intrekken"), CancelRequest(request_id))])


def show(turn: Turn) -> None:
    """One message per open request (with "Intrekken"), then the recent ones together."""
    _ = turn._
    open_, recent = requests_of_resident(turn.session, resident_id=turn.user_id, now=turn.now)
    if not open_ and not recent:
        turn.say(_("U heeft nog geen vragen gesteld. Typ gewoon wat u nodig heeft."))
        return
    if open_:
        turn.say("📋 <b>" + _("Uw open vragen") + "</b>")
    for own in open_:
        turn.say(_describe(own, _), withdraw_markup(own.request.id, _))
    if recent:
        texts = [_describe(own, _) for own in recent]
        used = sum(own.cheques or 0 for own in recent)
        if used:
            total = _.plural("Samen: {count} dienstencheque.", "Samen: {count} dienstencheques.", used)
            texts.append("🎫 " + total.format(count=used))
        turn.say("🗂️ <b>" + _("Eerdere vragen") + "</b>\n\n" + "\n\n".join(texts))


def offer_to_withdraw(turn: Turn) -> bool:
    """ "Laat maar" with nothing open to leave: offer to withdraw the newest open request, if there is one."""
    open_, _recent = requests_of_resident(turn.session, resident_id=turn.user_id, now=turn.now)
    if not open_:
        return False
    _ = turn._
    newest = open_[0]
    turn.say(_("Wilt u deze vraag intrekken?") + "\n\n" + _describe(newest, _), withdraw_markup(newest.request.id, _))
    return True


def cancel(turn: Turn, button: CancelRequest) -> None:
    """ "Intrekken" asks once more; "Ja" withdraws the request (only its resident may)."""
    _ = turn._
    if button.answer is None:
        if not is_own_request(turn.session, request_id=button.request_id, resident_id=turn.user_id):
            turn.answer(_("Dat kan niet (meer)."), alert=True)
            return
        options = [
            ("✅ " + _("Ja, intrekken"), CancelRequest(button.request_id, "yes")),
            ("↩️ " + _("Nee"), CancelRequest(button.request_id, "no")),
        ]
        turn.edit_buttons(button_rows(options, per_row=2))
        return
    if button.answer == "no":
        turn.edit_buttons(withdraw_markup(button.request_id, _))
        return
    withdrawn = withdraw_request(turn.session, request_id=button.request_id, resident_id=turn.user_id, now=turn.now)
    if not withdrawn:
        turn.answer(_("Dat kan niet (meer)."), alert=True)
        return
    turn.edit(turn.message.text_html + "\n\n❌ " + _("Uw vraag is gestopt. Wij laten de helpers dat weten."))
