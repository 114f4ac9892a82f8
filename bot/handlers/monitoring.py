"""`/overzicht` and `/export`: figures and the anonymous CSV for a coordinator's municipality.

Each is a turn (who asks, may they, the figures and the text) and then a file made off the event loop: the chart
is drawn and the CSV written in a worker thread after the turn's unit of work has closed, so other people's
updates are answered meanwhile. The file goes straight to Telegram; if Telegram refuses it for now, the
coordinator hears so in one short message (through the outbox) and nothing waits.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import InputFile, Update
from telegram.error import NetworkError, RetryAfter

from bot.context import BotContext
from bot.flows.gates import coordinator_scope, refuse
from bot.flows.survey_builder import list_results
from bot.flows.turn import Turn, run_turn
from bot.i18n import Translator
from bot.render.monitoring import overview_chart, overview_text
from bot.services.export import cheques_csv, export_csv, reintegration_hours_csv
from bot.services.monitoring import Overview, overview, report_scope
from bot.services.outbox import enqueue_message
from bot.services.runtime import Runtime
from bot.services.surveys.results import surveys_for

log = logging.getLogger(__name__)
PERIODS = {"week": 7, "maand": 30, "kwartaal": 91, "jaar": 365, "month": 30, "year": 365}
# `/export cheques` and `/export uren`: per month, dienstencheques per resident and hours per re-integration helper.
EXPORTS = {"vragen": export_csv, "cheques": cheques_csv, "uren": reintegration_hours_csv}
DEFAULT_DAYS = 30
MAX_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """What a report is about: a period, a municipality (None: all of Parkstad) and its name."""

    start: datetime
    end: datetime
    municipality_slug: str | None
    name: str


def parse_scope(args: list[str]) -> tuple[int, str | None]:
    """Days and municipality from the arguments, e.g. `/overzicht maand landgraaf` or `/overzicht 14`."""
    days, municipality = DEFAULT_DAYS, None
    for arg in args:
        word = arg.lower()
        if word in EXPORTS:
            continue
        if word.isdigit():
            days = max(1, min(int(word), MAX_DAYS))
        elif word in PERIODS:
            days = PERIODS[word]
        else:
            municipality = word
    return days, municipality


def report_period(turn: Turn) -> Period | None:
    """The period and municipality the coordinator asked for and may see; None after a polite refusal."""
    if coordinator_scope(turn) is None:
        return None
    days, municipality = parse_scope(turn.arguments)
    allowed = report_scope(turn.session, coordinator_id=turn.user_id, municipality_slug=municipality)
    if allowed is None:
        refuse(turn)
        return None
    name = allowed.name or turn._("Parkstad")
    return Period(turn.now - timedelta(days=days), turn.now, allowed.scope.municipality_slug, name)


async def show_overview(update: Update, context: BotContext) -> None:
    """`/overzicht [week|maand|jaar|dagen] [gemeente]`: the figures as text, then a chart."""
    counted: list[tuple[Overview, Translator]] = []

    def count(turn: Turn) -> None:
        period = report_period(turn)
        if period is None:
            return
        result = overview(turn.session, start=period.start, end=period.end, municipality_slug=period.municipality_slug)
        turn.say(overview_text(result, period.name, turn._))
        if surveys_for(turn.session, coordinator_id=turn.user_id):
            list_results(turn)  # the leefbaarheid surveys' results, one button each
        counted.append((result, turn._))

    await run_turn(update, context, count)
    if not counted:
        return
    result, _ = counted[0]
    chart = await asyncio.to_thread(overview_chart, result, _)
    chat_id = update.effective_chat.id
    photo = InputFile(io.BytesIO(chart), filename="overzicht.png")
    await send_file(context, chat_id, _, lambda: context.bot.send_photo(chat_id, photo))


async def send_export(update: Update, context: BotContext) -> None:
    """`/export [cheques|uren] [periode] [gemeente]`: a CSV without personal data, as a document."""
    asked: list[tuple[Period, Translator, str]] = []

    def check(turn: Turn) -> None:
        period = report_period(turn)
        if period is not None:
            kind = next((word.lower() for word in turn.arguments if word.lower() in EXPORTS), "vragen")
            asked.append((period, turn._, kind))

    await run_turn(update, context, check)
    if not asked:
        return
    period, _, kind = asked[0]
    data, count = await asyncio.to_thread(write_export, context.runtime, period, kind)
    slug = period.municipality_slug or "parkstad"
    prefix = "samenvoorelkaar" if kind == "vragen" else kind
    filename = f"{prefix}-{slug}-{period.start.date()}-{period.end.date()}.csv"
    if kind == "vragen":
        caption = "📄 " + _.plural(
            "{count} vraag, zonder persoonsgegevens.", "{count} vragen, zonder persoonsgegevens.", count
        ).format(count=_.number(count))
    else:
        caption = "📄 " + _.plural(
            "{count} regel per maand, zonder namen of nummers.",
            "{count} regels per maand, zonder namen of nummers.",
            count,
        ).format(count=_.number(count))
    chat_id = update.effective_chat.id
    document = InputFile(io.BytesIO(data), filename=filename)
    await send_file(context, chat_id, _, lambda: context.bot.send_document(chat_id, document, caption=caption))


def write_export(runtime: Runtime, period: Period, kind: str = "vragen") -> tuple[bytes, int]:
    """The CSV of a period and its number of rows, read in a unit of work of its own (run in a worker thread)."""
    buffer = io.StringIO()
    with runtime.unit_of_work() as uow:
        count = EXPORTS[kind](
            uow.session,
            start=period.start,
            end=period.end,
            municipality_slug=period.municipality_slug,
            zone=runtime.settings.time_zone,
            out=buffer,
        )
    return buffer.getvalue().encode("utf-8"), count


async def send_file(context: BotContext, chat_id: int, _: Translator, send: Callable[[], Awaitable]) -> None:
    """Send a file now; when Telegram says wait, or cannot be reached, log it and say so in one message."""
    try:
        await send()
    except (RetryAfter, NetworkError) as error:
        log.warning("could not send a file to chat %s: %s", chat_id, type(error).__name__)
        runtime = context.runtime
        with runtime.unit_of_work() as uow:
            text = "⏳ " + _("Het bestand kon nu niet mee. Probeer het over een paar minuten opnieuw.")
            enqueue_message(uow.session, chat_id=chat_id, text=text, now=runtime.clock.now())
            uow.commit()
