"""The service categories as the bot offers them."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.services.views import CategoryView, category_view
from db.models import Category


def all_categories(session: Session) -> list[CategoryView]:
    """Every category in the data file's order."""
    return [category_view(c) for c in session.exec(select(Category).order_by(Category.position))]


def category_of(session: Session, slug: str) -> CategoryView | None:
    """One category by its slug, or None."""
    category = session.get(Category, slug)
    return category_view(category) if category else None
