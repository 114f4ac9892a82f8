"""Where a coordinator sends a request on: the routes' labels and what the resident hears."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, Translator

# The inbox's routes (`InboxAction(item, "ref", route)`).
REFERRAL_LABELS = {
    "wijkteam": N_("Wijkteam"),
    "wmo": N_("Wmo-loket"),
    "woonservice": N_("Woonservice"),
    "particulier": N_("Particuliere hulp"),
    "bedrijf": N_("Bedrijf"),
}
# PuntExtra's order after an escalation (`Refer(request, route)`).
PUNTEXTRA_LABELS = {
    "woonservice": N_("Woonservice"),
    "particulier": N_("Particuliere hulp"),
    "bedrijf": N_("Bedrijf"),
    "bellen": N_("Bewoner bellen"),
}
RESIDENT_NEWS = {
    "woonservice": N_("Een woonserviceproject in uw buurt gaat u helpen. Zij nemen contact met u op."),
    "particulier": N_("Wij zoeken een particuliere hulp voor u. Wij nemen contact met u op."),
    "bedrijf": N_("Wij zoeken een bedrijf dat u kan helpen. Wij nemen contact met u op."),
    "bellen": N_("Een coördinator belt u snel. Dan praat u samen over uw vraag."),
}
# The levels of the sociale kaart (`bot.services.providers`), as the coordinator reads them after an escalation.
LEVEL_LABELS = {
    "vrijwilliger": N_("Vrijwilligers"),
    "woonservice": N_("Woonservice"),
    "particulier": N_("Particuliere hulp"),
    "bedrijf": N_("Bedrijf"),
    "loket": N_("Wijkteam of loket"),
}


def organisation_news(name: str, phone: str, _: Translator) -> str:
    """What the resident hears when the coordinator sent the request to an organisation: its name and phone."""
    text = _("Wij hebben uw vraag doorgegeven aan {name}.").format(name=escape(name))
    if phone:
        return text + " " + _("U kunt hen ook zelf bellen: {phone}.").format(phone=escape(phone))
    return text + " " + _("Zij nemen contact met u op.")
