"""`/balie`: a coordinator or desk volunteer gets a one-time link to the desk; anyone else a polite no."""

from __future__ import annotations

from html import escape

from bot.flows.turn import Turn
from bot.services.desk_login import LinkOutcome, issue_login_link, signing_secret


def send_login_link(turn: Turn) -> None:
    """Send a link that logs in once, within ten minutes; past three links in ten minutes, ask to wait."""
    settings = turn.runtime.settings
    _ = turn._
    secret = signing_secret(turn.session, configured=settings.desk_secret, now=turn.now)
    link = issue_login_link(turn.session, user_id=turn.user_id, secret=secret, now=turn.now)
    if link.outcome is LinkOutcome.NOT_ALLOWED:
        turn.say(_("Sorry, dat kan niet. De balie is alleen voor mensen die er werken."))
        return
    if link.outcome is LinkOutcome.TOO_MANY:
        turn.say(_("U kreeg net al een paar links. Probeer het over tien minuten opnieuw."))
        return
    url = f"{settings.desk_url}/login/{link.signed_token}"
    text = "\n".join(
        [
            "🔑 " + _("Hier is uw link naar de balie. Hij werkt één keer en tien minuten lang."),
            f'<a href="{escape(url)}">{escape(url)}</a>',
            _("Stuur deze link aan niemand door."),
        ]
    )
    turn.say(text, link_preview=False)  # a preview would open the link before the person does
