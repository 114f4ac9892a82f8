"""Where a coordinator sends a request on: the routes' labels and what the resident hears."""

from __future__ import annotations

from bot.i18n import N_

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
