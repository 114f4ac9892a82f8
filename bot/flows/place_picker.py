"""Choosing a neighbourhood: municipality, then kern or wijk, or a typed name, or a shared location."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardMarkup

from bot.buttons import PickMunicipality, PickPlace
from bot.flows.turn import Turn
from bot.render.keyboards import button_rows
from bot.services.people import set_neighbourhood
from bot.services.places import areas_of, municipalities


def municipality_markup(turn: Turn) -> InlineKeyboardMarkup:
    """The eight municipalities as buttons."""
    options = [(place.name, PickMunicipality(place.slug)) for place in municipalities(turn.session)]
    return button_rows(options, per_row=2)


def ask_place(turn: Turn, state: str, question: str = "") -> None:
    """Ask where the person lives (or `question`), with the municipalities as buttons; a typed name works too."""
    _ = turn._
    turn.goto(state)
    text = question or _("In welke gemeente woont u? Kies hieronder, of typ de naam van uw wijk of dorp.")
    turn.say("🏘️ " + text, municipality_markup(turn))


def show_areas(turn: Turn, button: PickMunicipality) -> None:
    """A municipality was chosen: its kernen and wijken as buttons, in the same message."""
    _ = turn._
    options = [(area.name, PickPlace(area.slug)) for area in areas_of(turn.session, button.municipality)]
    if not options:
        turn.answer(_("Deze knop werkt niet meer."), alert=True)
        return
    turn.edit("🏘️ " + _("In welke wijk of welk dorp?"), button_rows(options, per_row=2))


def place_from_text(turn: Turn, text: str) -> str | None:
    """The neighbourhood a typed name most likely means, if the match is clear."""
    matches = turn.runtime.places.match(text)
    return matches[0][0] if matches else None


def remember_place(turn: Turn, slug: str) -> str | None:
    """Store where the person lives; the place's name (None for an unknown slug)."""
    name = set_neighbourhood(turn.session, turn.user_id, slug)
    if name is not None:
        turn.profile = dataclasses.replace(turn.profile, neighbourhood_slug=slug)
    return name
