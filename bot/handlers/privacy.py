"""Privacy (AVG): `/privacy` says what we keep and why; `/vergeetmij` erases it, after one confirmation."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.render.keyboards import button_rows
from bot.services.erasure import forget_user

log = logging.getLogger(__name__)
FORGET_CALLBACK = r"^forget:(yes|no)$"
DAYS_PER_MONTH = 30.44


async def explain(update: Update, context: BotContext) -> None:
    """`/privacy`: what is stored, why, who sees it, for how long, and how to erase it."""
    _ = context._
    days = context.runtime.settings.retention_days
    if days >= 60:
        months = round(days / DAYS_PER_MONTH)
        period = _.plural("{count} maand", "{count} maanden", months).format(count=months)
    else:
        period = _.plural("{count} dag", "{count} dagen", days).format(count=days)
    paragraphs = [
        "🔒 <b>" + _("Uw privacy") + "</b>",
        _("Wat bewaren wij? Uw voornaam, uw Telegram-naam, uw buurt en uw vragen.")
        + " "
        + _("Uw telefoonnummer alleen als u het zelf deelt."),
        _("Waarom? Zo kunnen wij u helpen. En zo vindt u snel een buur die helpt."),
        _("Wie ziet het? De groep ziet uw vraag zonder naam, nummer of adres.")
        + " "
        + _("Alleen de vrijwilliger die helpt krijgt uw naam en nummer."),
        _("Hoe lang? Na {period} maken wij een afgeronde vraag anoniem.").format(period=period)
        + " "
        + _("Dan weet niemand meer dat de vraag van u was."),
        _("Wij geven uw gegevens aan niemand anders."),
        _("Wilt u dat wij alles over u wissen? Typ /vergeetmij."),
    ]
    await update.effective_chat.send_message("\n\n".join(paragraphs))


async def ask_to_forget(update: Update, context: BotContext) -> None:
    """`/vergeetmij`: say what will happen and ask once to confirm."""
    _ = context._
    text = "\n\n".join(
        [
            "🗑️ " + _("Wilt u dat wij alles over u wissen?"),
            _("Uw naam, nummer en buurt gaan weg. Open vragen stoppen wij.")
            + " "
            + _("Dit kunnen wij niet terugdraaien."),
        ]
    )
    options = [("🗑️ " + _("Ja, wis alles"), "forget:yes"), ("↩️ " + _("Nee, niet wissen"), "forget:no")]
    await update.effective_chat.send_message(text, reply_markup=button_rows(options))


async def confirm_forget(update: Update, context: BotContext) -> None:
    """The answer to `/vergeetmij`: a user can only ever erase themselves."""
    query = update.callback_query
    _ = context._
    if query.message is None or query.message.chat.type != ChatType.PRIVATE:
        # Our own button lives only in the private chat; anything else is forged.
        await query.answer(_("Deze knop werkt niet meer."), show_alert=True)
        return
    await query.answer()
    if query.data != "forget:yes":
        await query.edit_message_text("👍 " + _("Goed. Wij hebben niets gewist."))
        return
    runtime = context.runtime
    with context.unit_of_work() as uow:
        cancelled = forget_user(
            uow.session, user_id=update.effective_user.id, now=runtime.clock.now(), settings=runtime.settings
        )
        uow.commit()
    context.user_data.clear()
    log.info("user %s was forgotten; %s open requests cancelled", update.effective_user.id, cancelled)
    text = "✅ " + _("Klaar. Wij hebben uw gegevens gewist.")
    if cancelled:
        text += " " + _.plural("Uw open vraag is gestopt.", "Uw {count} open vragen zijn gestopt.", cancelled).format(
            count=cancelled
        )
    text += " " + _("U kunt altijd opnieuw beginnen met /start.")
    await query.edit_message_text(text)
