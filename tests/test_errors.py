"""The error handler logs where it failed, not what the user wrote, and apologises kindly."""

from __future__ import annotations

import logging

from telegram.ext import CommandHandler

from tests.support.app import make_world
from tests.support.harness import BotHarness


async def test_an_error_is_logged_without_user_text_and_answered_kindly(sqlite_engine, clock, settings, caplog):
    world = make_world(sqlite_engine, clock, settings)

    async def explode(update, _context):
        raise ValueError(f"cannot parse {update.effective_message.text}")

    world.harness.app.add_handler(CommandHandler("boem", explode), group=5)
    harness = BotHarness(world.harness.app, world.api, raise_errors=False, run_post_init=False)
    with caplog.at_level(logging.DEBUG):
        async with harness:
            await harness.command(world.resident, "/boem", args="Anna 0612345678 Hoofdstraat 12")
    assert "Sorry, er ging iets mis" in harness.last_text(world.resident)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and "explode" in logged
    assert "0612345678" not in logged and "Hoofdstraat" not in logged
