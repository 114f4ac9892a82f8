"""The desk's menu: each page with the permission it needs, so everyone sees only what they may open."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.services.desk_roles import DeskIdentity, DeskPermission


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    permission: DeskPermission


NAV = (
    NavItem("/inbox", N_("Inbox"), DeskPermission.CALL_BACKS),
    NavItem("/vraag", N_("Vraag aannemen"), DeskPermission.INTAKE),
    NavItem("/vrijwilligers", N_("Vrijwilligers"), DeskPermission.VOLUNTEERS),
    NavItem("/activiteiten", N_("Activiteiten"), DeskPermission.ACTIVITIES),
    NavItem("/overzicht", N_("Overzicht"), DeskPermission.OVERVIEW),
    NavItem("/enquetes", N_("Enquêtes"), DeskPermission.OVERVIEW),
    NavItem("/balie", N_("Mensen aan de balie"), DeskPermission.PEOPLE),
    NavItem("/logboek", N_("Logboek"), DeskPermission.AUDIT),
)


def menu_for(identity: DeskIdentity) -> list[NavItem]:
    """The menu items this person may open."""
    return [item for item in NAV if identity.may(item.permission)]
