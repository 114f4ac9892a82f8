"""After a claim: "Gedaan" and the time spent (buttons or typed), "Ik kan toch niet", the resident's 👍/👎,
weekly repeats, and the usual helper passing a weekly offer. Every press is authorised by its service."""

from __future__ import annotations

from html import escape

from bot.buttons import Again, Done, Feedback, PassOffer, Release
from bot.flows import time_spent
from bot.flows.turn import Turn
from bot.render.keyboards import button_rows
from bot.render.requests import category_label, when_text
from bot.services.request_states import finish_request, give_feedback, release_request
from bot.services.weekly import repeat_weekly, withdraw_offer


def _refuse(turn: Turn) -> None:
    turn.answer(turn._("Dat kan niet (meer)."), alert=True)


def done(turn: Turn, button: Done) -> None:
    """ "Gedaan": only the helper of a claimed request; then the time spent, if they like (a button or typed)."""
    _ = turn._
    if not finish_request(
        turn.session,
        request_id=button.request_id,
        volunteer_id=turn.user_id,
        now=turn.now,
        settings=turn.runtime.settings,
    ):
        _refuse(turn)
        return
    turn.answer("🙏 " + _("Dank u wel!"))
    time_spent.ask_after_done(
        turn, button.request_id, turn.message.text_html + "\n\n✅ <b>" + _("Gedaan. Dank u wel!") + "</b>"
    )


def release(turn: Turn, button: Release) -> None:
    """ "Ik kan toch niet": only the helper; the request goes back to the group, the resident's contact goes."""
    _ = turn._
    request = release_request(
        turn.session,
        request_id=button.request_id,
        volunteer_id=turn.user_id,
        now=turn.now,
        settings=turn.runtime.settings,
    )
    if request is None:
        _refuse(turn)
        return
    turn.edit(
        "\n".join(
            [
                f"{escape(category_label(request.category, _))} · {escape(request.place_name)}",
                "📅 " + escape(when_text(request, _)),
                "",
                "↩️ " + _("Jammer, maar goed dat u het zegt. De vraag staat weer open in de groep."),
            ]
        )
    )


def feedback(turn: Turn, button: Feedback) -> None:
    """👍/👎 from the resident, once; after a 👍 we offer the same help every week."""
    _ = turn._
    given = give_feedback(
        turn.session, request_id=button.request_id, resident_id=turn.user_id, verdict=button.verdict, now=turn.now
    )
    if given is None:
        _refuse(turn)
        return
    if button.verdict == "down":
        turn.edit("🙁 " + _("Dank u voor uw antwoord. Wat jammer! Een coördinator neemt contact met u op."))
        return
    turn.edit("😊 " + _("Fijn! Wij geven uw dank door."))
    if given.repeat_weekly or given.helper_name is None:
        return
    options = [
        ("🔁 " + _("Ja, elke week"), Again(button.request_id, "yes")),
        ("❌ " + _("Nee, dank u"), Again(button.request_id, "no")),
    ]
    turn.say(
        _("Wilt u deze hulp elke week? Dan vragen wij eerst weer {name}.").format(name=escape(given.helper_name)),
        button_rows(options, per_row=2),
    )


def again(turn: Turn, button: Again) -> None:
    """ "Elke week opnieuw?": next week's request, first offered to the same helper."""
    _ = turn._
    if button.answer == "no":
        turn.edit("👍 " + _("Goed. Typ gerust als u weer iets nodig heeft."))
        return
    following = repeat_weekly(
        turn.session,
        request_id=button.request_id,
        resident_id=turn.user_id,
        now=turn.now,
        settings=turn.runtime.settings,
    )
    if following is None:
        _refuse(turn)
        return
    turn.edit(
        "🔁 "
        + _("Goed. Vanaf nu elke week. Volgende keer: {day}.").format(day=_.day(following.when_date))
        + " "
        + _("Stoppen? Typ /mijnvragen.")
    )


def pass_offer(turn: Turn, button: PassOffer) -> None:
    """The usual helper cannot this week: the group gets the request (an offer already decided expires kindly)."""
    _ = turn._
    if not withdraw_offer(
        turn.session,
        request_id=button.request_id,
        volunteer_id=turn.user_id,
        now=turn.now,
        settings=turn.runtime.settings,
    ):
        turn.answer(_("Deze vraag is al geregeld. Dank u wel!"), alert=True)
        return
    turn.edit(turn.message.text_html + "\n\n👍 " + _("Geen probleem. Wij vragen het aan de groep."))
