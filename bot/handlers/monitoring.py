"""`/overzicht` and `/export`: figures and the anonymous CSV for a coordinator's municipality."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from telegram import InputFile, Update

from bot.context import BotContext
from bot.flows.gates import refuse, require_coordinator
from bot.render.monitoring import overview_chart, overview_text
from bot.services.export import export_csv
from bot.services.monitoring import overview, report_scope

PERIODS = {"week": 7, "maand": 30, "kwartaal": 91, "jaar": 365, "month": 30, "year": 365}
DEFAULT_DAYS = 30


def parse_scope(args: list[str]) -> tuple[int, str | None]:
    """Days and municipality from the arguments, e.g. `/overzicht maand landgraaf` or `/overzicht 14`."""
    days, municipality = DEFAULT_DAYS, None
    for arg in args:
        word = arg.lower()
        if word.isdigit():
            days = max(1, min(int(word), 3660))
        elif word in PERIODS:
            days = PERIODS[word]
        else:
            municipality = word
    return days, municipality


async def _scope(update: Update, context: BotContext) -> tuple[datetime, datetime, str | None, str] | None:
    """Period, municipality (None: all) and its name the coordinator may see; None after a refusal."""
    if await require_coordinator(update, context) is None:
        return None
    days, municipality = parse_scope(list(context.args or []))
    with context.unit_of_work() as uow:
        allowed = report_scope(uow.session, coordinator_id=update.effective_user.id, municipality_slug=municipality)
    if allowed is None:
        await refuse(update, context)
        return None
    end = context.runtime.clock.now()
    name = allowed.name or context._("Parkstad")
    return end - timedelta(days=days), end, allowed.scope.municipality_slug, name


async def show_overview(update: Update, context: BotContext) -> None:
    """`/overzicht [week|maand|jaar|dagen] [gemeente]`: a short text and a chart."""
    scope = await _scope(update, context)
    if scope is None:
        return
    start, end, municipality, name = scope
    _ = context._
    with context.unit_of_work() as uow:
        result = overview(uow.session, start=start, end=end, municipality_slug=municipality)
    await update.effective_chat.send_message(overview_text(result, name, _))
    chart = overview_chart(result, _)
    await update.effective_chat.send_photo(InputFile(io.BytesIO(chart), filename="overzicht.png"))


async def send_export(update: Update, context: BotContext) -> None:
    """`/export [periode] [gemeente]`: the CSV without personal data, as a document."""
    scope = await _scope(update, context)
    if scope is None:
        return
    start, end, municipality, _name = scope
    buffer = io.StringIO()
    with context.unit_of_work() as uow:
        count = export_csv(
            uow.session,
            start=start,
            end=end,
            municipality_slug=municipality,
            zone=context.runtime.settings.time_zone,
            out=buffer,
        )
    filename = f"samenvoorelkaar-{municipality or 'parkstad'}-{start.date()}-{end.date()}.csv"
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(buffer.getvalue().encode("utf-8")), filename=filename),
        caption="📄 "
        + context._.plural(
            "{count} vraag, zonder persoonsgegevens.", "{count} vragen, zonder persoonsgegevens.", count
        ).format(count=context._.number(count)),
    )
