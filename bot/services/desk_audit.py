"""The desk's audit log: who did what, when; readable by the coordinators of that municipality. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from bot.services.desk_roles import DeskIdentity, DeskPermission
from db.models import DeskAudit, User

AUDIT_PAGE = 200


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    created_at: datetime
    user_id: int
    user_name: str
    action: str
    target_kind: str | None
    target_id: int | None
    municipality_slug: str | None


def record_action(
    session: Session,
    *,
    user_id: int,
    action: str,
    now: datetime,
    municipality_slug: str | None = None,
    target_kind: str | None = None,
    target_id: int | None = None,
) -> None:
    """Write one line; ids only, never a name, a phone number or a text."""
    session.add(
        DeskAudit(
            user_id=user_id,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            municipality_slug=municipality_slug,
            created_at=now,
        )
    )


def audit_entries(session: Session, *, reader: DeskIdentity, limit: int = AUDIT_PAGE) -> list[AuditEntry]:
    """The newest lines the reader may see: a coordinator sees their municipality, all-coordinators everything."""
    if not reader.may(DeskPermission.AUDIT):
        return []
    query = select(DeskAudit, User.first_name).join(User, User.id == DeskAudit.user_id, isouter=True)
    if not reader.all_municipalities:
        query = query.where(DeskAudit.municipality_slug == reader.municipality_slug)
    rows = session.exec(query.order_by(DeskAudit.created_at.desc(), DeskAudit.id.desc()).limit(limit))
    return [
        AuditEntry(
            created_at=row.created_at,
            user_id=row.user_id,
            user_name=name or str(row.user_id),
            action=row.action,
            target_kind=row.target_kind,
            target_id=row.target_id,
            municipality_slug=row.municipality_slug,
        )
        for row, name in rows
    ]
