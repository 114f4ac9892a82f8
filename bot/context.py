"""What every handler can reach: the runtime (settings, database, clock, matchers) and this update's translator."""

from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from bot.delivery import OutboxSender
from bot.i18n import Translator, translator
from bot.services.runtime import Runtime
from bot.services.unit_of_work import UnitOfWork


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's context plus typed access to the runtime and the translator chosen for this update."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._translator: Translator | None = None

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data["runtime"]

    @property
    def sender(self) -> OutboxSender:
        """This process's outbox sender: a handler's replies go through it right after the commit."""
        return self.application.bot_data["sender"]

    def unit_of_work(self) -> UnitOfWork:
        """One unit of work for this update: call services, commit once, then talk to Telegram."""
        return self.runtime.unit_of_work()

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
