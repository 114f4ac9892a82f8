"""`/balie`: a coordinator or desk volunteer gets a one-time link to the desk; anyone else a polite no."""

from __future__ import annotations

from html import escape

from telegram import LinkPreviewOptions, Update

from bot.context import BotContext
from bot.services.desk_login import LinkOutcome, issue_login_link, signing_secret


async def send_login_link(update: Update, context: BotContext) -> None:
    """Send a link that logs in once, within ten minutes; past three links in ten minutes, ask to wait."""
    runtime = context.runtime
    now = runtime.clock.now()
    _ = context._
    with context.unit_of_work() as uow:
        secret = signing_secret(uow.session, configured=runtime.settings.desk_secret, now=now)
        link = issue_login_link(uow.session, user_id=update.effective_user.id, secret=secret, now=now)
        uow.commit()
    if link.outcome is LinkOutcome.NOT_ALLOWED:
        text = _("Sorry, dat kan niet. De balie is alleen voor mensen die er werken.")
    elif link.outcome is LinkOutcome.TOO_MANY:
        text = _("U kreeg net al een paar links. Probeer het over tien minuten opnieuw.")
    else:
        url = f"{runtime.settings.desk_url}/login/{link.signed_token}"
        text = "\n".join(
            [
                "🔑 " + _("Hier is uw link naar de balie. Hij werkt één keer en tien minuten lang."),
                f'<a href="{escape(url)}">{escape(url)}</a>',
                _("Stuur deze link aan niemand door."),
            ]
        )
    # No preview: a preview would open the link before the person does.
    await update.effective_chat.send_message(text, link_preview_options=LinkPreviewOptions(is_disabled=True))
