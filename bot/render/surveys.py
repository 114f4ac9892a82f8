"""Surveys in words: the invitation, each question as a message or a native poll, the preview and the results."""

from __future__ import annotations

from html import escape
from io import BytesIO
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.buttons import SurveyMark, SurveyNext, SurveyStep
from bot.i18n import Translator
from bot.render.keyboards import button_rows
from bot.services.surveys.results import SurveyResults
from bot.services.surveys.views import QuestionView, SurveyView
from db.models import QuestionKind

POLL_QUESTION_LENGTH = 300
MESSAGE_LENGTH = 3500  # under Telegram's 4096, with room for the HTML around it


def period_text(survey: SurveyView, _: Translator) -> str:
    """ "1 december tot en met 14 december"."""
    return _("{start} tot en met {end}").format(start=_.day(survey.starts_on), end=_.day(survey.ends_on))


def invitation(survey: SurveyView, _: Translator, *, reminder: bool) -> tuple[str, InlineKeyboardMarkup]:
    """The invitation (or the one reminder) with "Meedoen" and "Stoppen"."""
    count = len(survey.questions)
    lines = [
        "📝 <b>" + escape(survey.title) + "</b>",
        _("Wat vindt u van wonen in uw kern? Wat mist u, nu of later? De gemeente wil het graag weten."),
        _.plural("Het zijn {count} korte vraag.", "Het zijn {count} korte vragen.", count).format(
            count=_.number(count)
        ),
        _("Uw naam staat nergens bij uw antwoorden."),
        _("U kunt meedoen tot en met {day}.").format(day=_.day(survey.ends_on)),
    ]
    if reminder:
        lines.insert(1, "⏰ " + _("Een herinnering. Meedoen kan nog."))
    markup = button_rows(
        [("✅ " + _("Meedoen"), SurveyStep(survey.id, "join")), ("✋ " + _("Stoppen"), SurveyStep(survey.id, "stop"))],
        per_row=2,
    )
    return "\n".join(lines), markup


def question_heading(question: QuestionView, _: Translator) -> str:
    """ "Vraag 2 van 5"."""
    return _("Vraag {number} van {total}").format(
        number=_.number(question.position + 1), total=_.number(question.total)
    )


def question_message(question: QuestionView, _: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """A scale or open question as a message with its buttons (HTML)."""
    stop = ("✋ " + _("Stoppen"), SurveyStep(question.survey_id, "stop"))
    lines = ["📝 " + question_heading(question, _), "<b>" + escape(question.text) + "</b>"]
    if question.kind == QuestionKind.SCALE:
        lines.append(_("Kies een cijfer: 1 is heel slecht, 5 is heel goed."))
        marks = [(str(mark), SurveyMark(question.id, mark)) for mark in (1, 2, 3, 4, 5)]
        markup = button_rows(marks, per_row=5)
        return "\n".join(lines), InlineKeyboardMarkup([*markup.inline_keyboard, *button_rows([stop]).inline_keyboard])
    lines.append(_("Typ uw antwoord in een paar woorden. Noem geen namen."))
    return "\n".join(lines), button_rows([("⏭️ " + _("Overslaan"), SurveyNext(question.id)), stop], per_row=2)


def poll_params(question: QuestionView, _: Translator) -> dict[str, Any]:
    """A multiple-choice question as the parameters of an anonymous native poll, with "Volgende" and "Stoppen"."""
    markup = button_rows(
        [
            ("➡️ " + _("Volgende vraag"), SurveyNext(question.id)),
            ("✋ " + _("Stoppen"), SurveyStep(question.survey_id, "stop")),
        ],
        per_row=2,
    )
    heading = question_heading(question, _) + ": "
    return {
        "question": (heading + question.text)[:POLL_QUESTION_LENGTH],
        "options": [{"text": option} for option in question.options],
        "is_anonymous": True,
        "reply_markup": markup.to_dict(),
    }


def kind_name(kind: str, _: Translator) -> str:
    """The kind of a question in words."""
    names = {
        QuestionKind.POLL: _("Meerkeuze"),
        QuestionKind.SCALE: _("Cijfer van 1 tot 5"),
        QuestionKind.OPEN: _("Open vraag"),
    }
    return names[QuestionKind(kind)]


def preview(survey: SurveyView, _: Translator) -> str:
    """The survey as the coordinator checks it before sending."""
    lines = [
        "📝 <b>" + escape(survey.title) + "</b>",
        "🏘️ " + escape(survey.kern_names),
        "📅 " + period_text(survey, _),
        "",
    ]
    for question in survey.questions:
        lines.append(f"{question.position + 1}. {escape(question.text)} ({kind_name(question.kind, _)})")
        lines += [f"   • {escape(option)}" for option in question.options]
    return "\n".join(lines)


def results_messages(results: SurveyResults, _: Translator) -> list[str]:
    """The results per question and kern as one or more messages (open answers without names, in quotes)."""
    survey = results.survey
    head = [
        "📊 <b>" + _("Uitslag: {title}").format(title=escape(survey.title)) + "</b>",
        period_text(survey, _),
    ]
    for _slug, name in survey.kernen:
        head.append(
            _("{kern}: {invited} kregen hem, {finished} deden mee tot het eind, {stopped} zijn gestopt").format(
                kern=escape(name),
                invited=_.number(results.invited.get(name, 0)),
                finished=_.number(results.finished.get(name, 0)),
                stopped=_.number(results.stopped.get(name, 0)),
            )
        )
    blocks = ["\n".join(head)]
    for result in results.questions:
        question = result.question
        lines = [f"<b>{question.position + 1}. {escape(question.text)}</b>"]
        for kern in result.kernen:
            if question.kind == QuestionKind.POLL:
                pairs = zip(question.options, kern.counts, strict=True)
                parts = [f"{escape(option)} {_.number(n)}" for option, n in pairs]
                lines.append(f"{escape(kern.kern)}: " + " · ".join(parts))
            elif question.kind == QuestionKind.SCALE:
                if kern.average is None:
                    lines.append(f"{escape(kern.kern)}: " + _("nog geen antwoorden"))
                else:
                    lines.append(
                        f"{escape(kern.kern)}: "
                        + _.plural(
                            "gemiddeld {mark} ({count} antwoord)", "gemiddeld {mark} ({count} antwoorden)", kern.total
                        ).format(mark=_.number(round(kern.average, 1)), count=_.number(kern.total))
                    )
            else:
                lines.append(f"{escape(kern.kern)}: " + _.number(kern.total))
                lines += [f"   « {escape(text)} »" for text in kern.texts]
        blocks.append("\n".join(lines))
    return _packed(blocks)


def _packed(blocks: list[str]) -> list[str]:
    """Blocks joined into as few messages as fit; a block too long on its own is cut."""
    messages: list[str] = []
    for block in blocks:
        block = block[:MESSAGE_LENGTH]
        if messages and len(messages[-1]) + 2 + len(block) <= MESSAGE_LENGTH:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages


def results_chart(results: SurveyResults, _: Translator) -> bytes | None:
    """One small bar chart per poll and scale question, bars per kern, as a PNG (None without such questions)."""
    shown = [result for result in results.questions if result.question.kind != QuestionKind.OPEN]
    if not shown:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 2.6 * len(shown)), dpi=100)
    axes = figure.subplots(len(shown), 1, squeeze=False)[:, 0]
    for axis, result in zip(axes, shown, strict=True):
        question = result.question
        labels = list(question.options) if question.kind == QuestionKind.POLL else ["1", "2", "3", "4", "5"]
        width = 0.8 / max(1, len(result.kernen))
        for index, kern in enumerate(result.kernen):
            positions = [place + index * width for place in range(len(labels))]
            axis.bar(positions, kern.counts, width=width, label=kern.kern)
        axis.set_xticks([place + 0.4 - width / 2 for place in range(len(labels))], labels)
        axis.set_title(f"{question.position + 1}. {question.text}"[:80])
        axis.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
