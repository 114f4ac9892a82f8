"""What help costs, in one short sentence: free, dienstencheques per hour, or paid."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render.requests import category_label
from bot.services.prices import Price
from bot.services.views import CategoryView


def price_sentence(price: Price, _: Translator) -> str:
    """ "Gratis: een vrijwilliger uit uw buurt helpt." / "Dit kost 1 dienstencheque van € 5,00 per uur." """
    if price.free:
        return _("Gratis: een vrijwilliger uit uw buurt helpt.")
    if price.level == "woonservice":
        return _.plural(
            "Dit kost {count} dienstencheque van {amount} per uur.",
            "Dit kost {count} dienstencheques van {amount} per uur.",
            price.cheques_per_hour,
        ).format(count=price.cheques_per_hour, amount=_.money(price.cheque_value))
    if price.price_per_hour is not None:
        return _("Dit kost ongeveer {amount} per uur.").format(amount=_.money(price.price_per_hour))
    if price.level is not None:
        return _("Hier betaalt u voor. Wat het kost, hoort u altijd eerst.")
    return _("Wat dit kost, hoort u altijd eerst van de coördinator.")


def prices_overview(municipality: str, prices: list[tuple[CategoryView, Price]], _: Translator) -> str:
    """The prices in a municipality: volunteers are free; each kind of help that is not, on its own line."""
    lines = ["💶 " + _("Wat kost hulp in {municipality}?").format(municipality=municipality)]
    if any(price.free for _category, price in prices):
        lines.append(_("Hulp van een vrijwilliger is gratis."))
    for category, price in prices:
        if not price.free:
            lines.append("• " + category_label(category, _) + ": " + price_sentence(price, _))
    return "\n".join(lines)
