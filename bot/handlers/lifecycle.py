"""Buttons after a claim: "Gedaan", "Ik kan toch niet", time spent, 👍/👎, weekly repeats. Authorised per press."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.render.keyboards import button_rows
from bot.services.request_states import finish_request, give_feedback, record_minutes, release_request
from bot.services.weekly import repeat_weekly, withdraw_offer

DONE = re.compile(r"^done:(\d{1,12})$")
RELEASE = re.compile(r"^release:(\d{1,12})$")
MINUTES = re.compile(r"^mins:(\d{1,12}):(\d{1,3})$")
FEEDBACK = re.compile(r"^fb:(\d{1,12}):(up|down)$")
AGAIN = re.compile(r"^again:(\d{1,12}):(yes|no)$")
PASS = re.compile(r"^pass:(\d{1,12})$")
# A helper's action on their request: finish it, give it back, or pass a weekly offer.
HelperAction = Callable[..., bool]


async def _refuse(update: Update, context: BotContext) -> None:
    await update.callback_query.answer(context._("Dat kan niet (meer)."), show_alert=True)


def _as_helper(update: Update, context: BotContext, pattern: re.Pattern[str], action: HelperAction) -> tuple[int, bool]:
    """Run a helper's button on the request named in its callback data; the request id and whether it worked."""
    request_id = int(pattern.match(update.callback_query.data).group(1))
    runtime = context.runtime
    with context.unit_of_work() as uow:
        done = action(
            uow.session,
            request_id=request_id,
            volunteer_id=update.effective_user.id,
            now=runtime.clock.now(),
            settings=runtime.settings,
        )
        uow.commit()
    return request_id, done


async def done(update: Update, context: BotContext) -> None:
    """ "Gedaan": only the helper of a claimed request; then the time spent, if they like."""
    query = update.callback_query
    _ = context._
    request_id, finished = _as_helper(update, context, DONE, finish_request)
    if not finished:
        await _refuse(update, context)
        return
    await query.answer("🙏 " + _("Dank u wel!"))
    options = [
        (_("30 min"), f"mins:{request_id}:30"),
        (_("1 uur"), f"mins:{request_id}:60"),
        (_("2 uur"), f"mins:{request_id}:120"),
        (_("Overslaan"), f"mins:{request_id}:0"),
    ]
    await query.edit_message_text(
        query.message.text_html
        + "\n\n✅ <b>"
        + _("Gedaan. Dank u wel!")
        + "</b>\n"
        + _("Hoeveel tijd kostte het? Dat hoeft u niet te zeggen."),
        reply_markup=button_rows(options, per_row=2),
    )


async def minutes(update: Update, context: BotContext) -> None:
    """The time spent, once, by the helper who finished the request."""
    query = update.callback_query
    found = MINUTES.match(query.data)
    request_id, spent = int(found.group(1)), int(found.group(2))
    with context.unit_of_work() as uow:
        recorded = record_minutes(
            uow.session, request_id=request_id, volunteer_id=update.effective_user.id, minutes=spent
        )
        uow.commit()
    if not recorded:
        await _refuse(update, context)
        return
    await query.answer("👍")
    await query.edit_message_reply_markup(None)


async def release(update: Update, context: BotContext) -> None:
    """ "Ik kan toch niet": only the helper; the request goes back to the group."""
    query = update.callback_query
    _ = context._
    _request_id, released = _as_helper(update, context, RELEASE, release_request)
    if not released:
        await _refuse(update, context)
        return
    await query.answer()
    await query.edit_message_text(
        query.message.text_html
        + "\n\n↩️ "
        + _("Jammer, maar goed dat u het zegt. De vraag staat weer open in de groep."),
        reply_markup=None,
    )


async def feedback(update: Update, context: BotContext) -> None:
    """👍/👎 from the resident, once; after a 👍 we offer the same help every week."""
    query = update.callback_query
    found = FEEDBACK.match(query.data)
    request_id, verdict = int(found.group(1)), found.group(2)
    runtime = context.runtime
    _ = context._
    with context.unit_of_work() as uow:
        given = give_feedback(
            uow.session,
            request_id=request_id,
            resident_id=update.effective_user.id,
            verdict=verdict,
            now=runtime.clock.now(),
        )
        uow.commit()
    if given is None:
        await _refuse(update, context)
        return
    await query.answer()
    if verdict == "down":
        text = _("Dank u voor uw antwoord. Wat jammer! Een coördinator neemt contact met u op.")
        await query.edit_message_text("🙁 " + text, reply_markup=None)
        return
    await query.edit_message_text("😊 " + _("Fijn! Wij geven uw dank door."), reply_markup=None)
    if given.repeat_weekly or given.helper_name is None:
        return
    options = [
        ("🔁 " + _("Ja, elke week"), f"again:{request_id}:yes"),
        ("❌ " + _("Nee, dank u"), f"again:{request_id}:no"),
    ]
    await update.effective_chat.send_message(
        _("Wilt u deze hulp elke week? Dan vragen wij eerst weer {name}.").format(name=escape(given.helper_name)),
        reply_markup=button_rows(options, per_row=2),
    )


async def again(update: Update, context: BotContext) -> None:
    """ "Elke week opnieuw?": next week's request, first offered to the same helper."""
    query = update.callback_query
    found = AGAIN.match(query.data)
    request_id, wanted = int(found.group(1)), found.group(2) == "yes"
    runtime = context.runtime
    _ = context._
    if not wanted:
        await query.answer()
        await query.edit_message_text("👍 " + _("Goed. Typ gerust als u weer iets nodig heeft."), reply_markup=None)
        return
    with context.unit_of_work() as uow:
        following = repeat_weekly(
            uow.session,
            request_id=request_id,
            resident_id=update.effective_user.id,
            now=runtime.clock.now(),
            settings=runtime.settings,
        )
        uow.commit()
    if following is None:
        await _refuse(update, context)
        return
    await query.answer()
    await query.edit_message_text(
        "🔁 "
        + _("Goed. Vanaf nu elke week. Volgende keer: {day}.").format(day=_.day(following.when_date))
        + " "
        + _("Stoppen? Typ /mijnvragen."),
        reply_markup=None,
    )


async def pass_offer(update: Update, context: BotContext) -> None:
    """The usual helper cannot this week: the group gets the request."""
    query = update.callback_query
    _ = context._
    _request_id, passed = _as_helper(update, context, PASS, withdraw_offer)
    if not passed:
        await _refuse(update, context)
        return
    await query.answer()
    await query.edit_message_text(
        query.message.text_html + "\n\n👍 " + _("Geen probleem. Wij vragen het aan de groep."), reply_markup=None
    )
