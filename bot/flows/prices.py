"""What help costs, for the resident's place: one sentence before "Klopt dit?", and "wat kost het?" at any moment."""

from __future__ import annotations

from bot.flows.turn import Turn
from bot.i18n import N_
from bot.render.prices import price_sentence, prices_overview
from bot.services.catalogue import all_categories
from bot.services.places import municipality_name
from bot.services.prices import municipality_of, price_for, prices_in

GENERAL = N_("Hulp van een vrijwilliger is gratis. Kost iets wel geld? Dan hoort u dat altijd eerst.")


def request_price(turn: Turn, category_slug: str) -> str:
    """The price sentence for a kind of help where the resident lives."""
    price = price_for(
        turn.session,
        place_slug=turn.profile.neighbourhood_slug,
        category_slug=category_slug,
        data_dir=turn.runtime.settings.data_dir,
    )
    return price_sentence(price, turn._)


def cost_answer(turn: Turn, category_slug: str | None) -> str:
    """During a request: that kind of help's price; else the prices in the resident's municipality."""
    _ = turn._
    if category_slug is not None:
        return "💶 " + request_price(turn, category_slug)
    place = turn.profile.neighbourhood_slug
    municipality = municipality_of(turn.session, place)
    if place is None or municipality is None:
        return "💶 " + _(GENERAL)
    categories = all_categories(turn.session)
    prices = prices_in(
        turn.session,
        place_slug=place,
        category_slugs=[category.slug for category in categories],
        data_dir=turn.runtime.settings.data_dir,
    )
    name = municipality_name(turn.session, municipality) or municipality
    return prices_overview(name, [(category, prices[category.slug]) for category in categories], _)
