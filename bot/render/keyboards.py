"""Big buttons: one per row, or two when the labels are short."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons import Button
from bot.i18n import Translator
from bot.services.places import Place


def button_rows(buttons: Iterable[tuple[str, Button | str]], per_row: int = 1) -> InlineKeyboardMarkup:
    """A keyboard from (label, button) pairs; a button is a typed `Button` (or its packed data)."""
    items = [
        InlineKeyboardButton(label, callback_data=data.pack() if isinstance(data, Button) else data)
        for label, data in buttons
    ]
    return InlineKeyboardMarkup([items[i : i + per_row] for i in range(0, len(items), per_row)])


def area_choices(
    areas: Iterable[Place], chosen: Iterable[str], choose: Callable[[str], Button], _: Translator
) -> InlineKeyboardMarkup:
    """Kernen and wijken to tick (✅ when chosen), "Hele gemeente", and "Klaar" once one is chosen."""
    chosen = set(chosen)
    options = [("✅ " + area.name if area.slug in chosen else area.name, choose(area.slug)) for area in areas]
    options.append(("🏘️ " + _("Hele gemeente"), choose("all")))
    if chosen:
        options.append(("➡️ " + _("Klaar"), choose("done")))
    return button_rows(options, per_row=2)
