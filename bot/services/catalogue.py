"""The service categories as the bot offers them."""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import Category


def all_categories(session: Session) -> list[Category]:
    """Every category in the data file's order."""
    return list(session.exec(select(Category).order_by(Category.position)))
