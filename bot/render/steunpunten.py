"""A steunpunt in words: name, what it is, and the facts that are filled in."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from bot.services.steunpunten import Steunpunt


def render_steunpunt(steunpunt: Steunpunt, _: Translator) -> str:
    """One steunpunt: name, what it is, and only the facts that are filled in."""
    lines = ["🏠 <b>" + escape(steunpunt.name) + "</b>"]
    description = steunpunt.description.get(_.locale) or steunpunt.description.get("nl")
    if description:
        lines.append(escape(description))
    if steunpunt.address:
        lines.append("📍 " + escape(steunpunt.address))
    if steunpunt.opening_hours:
        lines.append("🕘 " + escape(steunpunt.opening_hours))
    if steunpunt.phone:
        lines.append("📞 " + escape(steunpunt.phone))
    lines.append("🛎️ " + (_("Er is een loket voor vragen.") if steunpunt.loket else _("Er is geen loket.")))
    return "\n".join(lines)
