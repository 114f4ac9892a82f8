"""Logging without personal data: library loggers that print whole requests are kept quiet."""

from __future__ import annotations

import logging

# PTB logs every Bot API call with its parameters (message texts, names) at DEBUG; httpx logs each URL,
# and the URL holds the bot token, at INFO. Our own loggers log ids and error class names only.
QUIET_LOGGERS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    # SQL statements carry their parameters (request texts, names, phone numbers).
    "sqlalchemy": logging.WARNING,
}


def quiet_library_loggers() -> None:
    """Raise the level of library loggers that would write personal data or secrets to the log."""
    for name, level in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < level:
            logger.setLevel(level)
