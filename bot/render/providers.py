"""Organisations of the sociale kaart in words: for the coordinator after an escalation, for the resident nearby."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from bot.render.referrals import LEVEL_LABELS
from bot.services.providers import Organisation, Proposal


def proposal_text(proposal: Proposal, _: Translator) -> str:
    """ "Volgende stap: Woonserviceproject" and the organisations that fit, with their phone where known."""
    lines = ["🗺️ " + _("Volgende stap: {level}").format(level=_(LEVEL_LABELS[proposal.level]))]
    for organisation in proposal.organisations:
        phone = f" 📞 {escape(organisation.phone)}" if organisation.phone else ""
        lines.append("• " + escape(organisation.name) + phone)
    return "\n".join(lines)


def render_organisation(organisation: Organisation, _: Translator) -> str:
    """One organisation: name, what it does, and only the facts that are filled in."""
    lines = ["🤝 <b>" + escape(organisation.name) + "</b>"]
    description = organisation.description.get(_.locale) or organisation.description.get("nl")
    if description:
        lines.append(escape(description))
    if organisation.opening_hours:
        lines.append("🕘 " + escape(organisation.opening_hours))
    if organisation.phone:
        lines.append("📞 " + escape(organisation.phone))
    if organisation.web:
        lines.append("🌐 " + escape(organisation.web))
    return "\n".join(lines)
