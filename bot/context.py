"""What every handler can reach: settings, database, clock, matchers, and the translator of this update."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator, translator
from bot.matching import CategoryMatcher, PlaceMatcher


@dataclass
class Runtime:
    """The long-lived parts of the bot, built once by `build_application`."""

    settings: Settings
    engine: Engine
    clock: Clock
    categories: CategoryMatcher
    places: PlaceMatcher


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's context plus typed access to the runtime and the translator chosen for this update."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._translator: Translator | None = None

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data["runtime"]

    def session(self) -> Session:
        """A new short-lived database session."""
        return Session(self.runtime.engine, expire_on_commit=False)

    @property
    def _(self) -> Translator:
        """The translator for the user of this update (set by the first handler group)."""
        settings = self.runtime.settings
        return self._translator or translator(settings.default_locale, settings.time_zone)

    def group_translator(self) -> Translator:
        """Groups read the bot in the default language."""
        return translator(self.runtime.settings.default_locale, self.runtime.settings.time_zone)

    def use_locale(self, locale: str) -> None:
        self._translator = translator(locale, self.runtime.settings.time_zone)
