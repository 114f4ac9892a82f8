"""Big buttons: one per row, or two when the labels are short."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons import Button


def button_rows(buttons: Iterable[tuple[str, Button | str]], per_row: int = 1) -> InlineKeyboardMarkup:
    """A keyboard from (label, button) pairs; a button is a typed `Button` (or its packed data)."""
    items = [
        InlineKeyboardButton(label, callback_data=data.pack() if isinstance(data, Button) else data)
        for label, data in buttons
    ]
    return InlineKeyboardMarkup([items[i : i + per_row] for i in range(0, len(items), per_row)])
