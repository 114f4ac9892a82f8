"""A survey's results (text, then a chart and a CSV made off the event loop), and Telegram's poll totals.

The results are a turn (who asks, may they, the figures and the text); the chart is drawn and the CSV written
in a worker thread after the turn's unit of work has closed, like `/overzicht`. A `poll` update carries the
totals of an anonymous poll, never a voter: they are kept on the poll's row, counted per kern.
"""

from __future__ import annotations

import asyncio
import io
from html import escape

from telegram import InputFile, Update

from bot.buttons import SurveyResults
from bot.context import BotContext
from bot.dates import local_today
from bot.flows.expired import expired
from bot.flows.gates import refuse
from bot.flows.turn import Turn, run_turn
from bot.handlers.monitoring import send_file
from bot.i18n import Translator
from bot.render.surveys import results_chart, results_messages
from bot.services.surveys.answering import record_poll_totals
from bot.services.surveys.results import SurveyResults as Results
from bot.services.surveys.results import survey_results, write_results_csv


async def show_results(update: Update, context: BotContext) -> None:
    """The "📊" button of `/enquete uitslag`: the results per kern as text, then a chart and the CSV."""
    counted: list[tuple[Results, Translator]] = []

    def count(turn: Turn) -> None:
        if not isinstance(turn.button, SurveyResults):
            expired(turn)
            return
        results = survey_results(turn.session, survey_id=turn.button.survey_id, coordinator_id=turn.user_id)
        if results is None:
            refuse(turn)
            return
        for text in results_messages(results, turn._):
            turn.say(text)
        counted.append((results, turn._))

    await run_turn(update, context, count)
    if not counted:
        return
    results, _ = counted[0]
    chat_id = update.effective_chat.id
    chart = await asyncio.to_thread(results_chart, results, _)
    if chart is not None:
        photo = InputFile(io.BytesIO(chart), filename="enquete.png")
        await send_file(context, chat_id, _, lambda: context.bot.send_photo(chat_id, photo))
    data = await asyncio.to_thread(_csv, results)
    document = InputFile(io.BytesIO(data), filename=f"enquete-{results.survey.id}.csv")
    caption = "📄 " + _("De uitslag van {title}, zonder namen.").format(title=escape(results.survey.title))
    await send_file(context, chat_id, _, lambda: context.bot.send_document(chat_id, document, caption=caption))


def _csv(results: Results) -> bytes:
    buffer = io.StringIO()
    write_results_csv(results, buffer)
    return buffer.getvalue().encode("utf-8")


async def poll_totals(update: Update, context: BotContext) -> None:
    """Telegram's new totals of a poll the bot sent: kept for the poll's question and kern."""
    poll = update.poll
    runtime = context.runtime
    now = runtime.clock.now()
    with runtime.unit_of_work() as uow:
        record_poll_totals(
            uow.session,
            poll_id=poll.id,
            counts=[option.voter_count for option in poll.options],
            today=local_today(now, runtime.settings.time_zone),
        )
        uow.commit()
