"""Understanding private messages: danger first, then what the person means, before a category is matched.

Pure: no Telegram, no database, no texts to translate. The words are data: ``data/intents.toml``
(greetings, thanks, yes, no, stop, ...) and ``data/danger.toml`` (words of danger and help lines), read
from ``data/`` or ``$SAMENBOT_DATA_DIR``. The order of precedence is in :mod:`bot.understanding.reader`.

    >>> understand("ik ben gevallen en kan niet opstaan").danger
    <DangerKind.FALL: 'fall'>
    >>> understand("morgen", Expecting.DAY).intent
    <Intent.ANSWER: 'answer'>
"""

from __future__ import annotations

from .answers import PHONE_NUMBER, asks_for_steunpunt, is_dont_know, is_no, is_yes
from .danger import DangerRules, HelpLine
from .durations import Durations
from .kinds import DangerKind, Expecting, Intent
from .loaders import default_danger_rules, default_durations, default_reader, default_vocabulary, understand
from .reader import Reader, Understanding
from .vocabulary import Vocabulary

__all__ = [
    "PHONE_NUMBER",
    "DangerKind",
    "DangerRules",
    "Durations",
    "Expecting",
    "HelpLine",
    "Intent",
    "Reader",
    "Understanding",
    "Vocabulary",
    "asks_for_steunpunt",
    "default_danger_rules",
    "default_durations",
    "default_reader",
    "default_vocabulary",
    "is_dont_know",
    "is_no",
    "is_yes",
    "understand",
]
