"""Every typed message in a private chat, in every state: danger first, then the answer to the open question,
then what the person means (`bot.understanding`), and never a loop.

"Dat begrijp ik niet" is said once in a row, above the question asked once more; the second time the bot offers
the call-back instead of asking again, the third time it asks for the phone number, and at the call-back's own
questions a second miss makes the call-back as far as it got: no message comes three times in a row. "Ik weet het
niet" and "Bel mij terug" lead to the call-back everywhere.
"""

from __future__ import annotations

from bot.buttons import ConfirmLocation, Menu, PickPlace
from bot.flows import (
    activity,
    call_back,
    danger,
    help_request,
    inbox_note,
    my_requests,
    on_behalf,
    sign_up,
    small_talk,
    steunpunt,
    survey,
    survey_builder,
    time_spent,
    welcome,
)
from bot.flows.menu import call_me_markup, show_menu
from bot.flows.place_picker import ask_place, remember_place
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.understanding import Expecting, Intent, Understanding, understand

QUESTIONS: dict[str, Question] = {
    **welcome.QUESTIONS,
    **help_request.QUESTIONS,
    **on_behalf.QUESTIONS,
    **call_back.QUESTIONS,
    **sign_up.QUESTIONS,
    **time_spent.QUESTIONS,
    **activity.QUESTIONS,
    **inbox_note.QUESTIONS,
    **survey_builder.QUESTIONS,
    **survey.QUESTIONS,
}


# Who takes a chosen place (a button, or a shared location confirmed), by the question that is open.
PLACE_TAKERS = {
    State.START_PLACE: welcome.take_start_place,
    State.ASK_PLACE: help_request.take_place,
    State.SIGN_UP_PLACES: sign_up.take_place,
}


def on_text(turn: Turn) -> None:
    """A typed message in a private chat."""
    question = QUESTIONS.get(turn.state)
    meaning = understand(turn.text, question.expecting if question else Expecting.NOTHING)
    if meaning.intent is Intent.DANGER:
        if question is None or not question.for_work:
            danger.respond(turn, meaning)
            return
        meaning = Understanding(Intent.ANSWER, matches=meaning.matches)  # a coordinator's words about their work
    if question is not None and question.read(turn, meaning):
        return
    react(turn, meaning, question)


def react(turn: Turn, meaning: Understanding, question: Question | None) -> None:
    """What the person means, when it is not the answer to the open question."""
    intent = meaning.intent
    ask_again = question.ask if question else None
    missed = turn.conversation.misunderstood
    turn.conversation.misunderstood = 0  # "in a row": anything understood starts the count again
    if intent in (Intent.DONT_KNOW, Intent.CALL_BACK):
        call_back.ask_phone(turn)
    elif intent is Intent.STOP:
        if question is not None or not my_requests.offer_to_withdraw(turn):
            welcome.stop(turn)
    elif intent is Intent.STEUNPUNT:
        steunpunt.show(turn, ask_again)
    elif intent is Intent.VOLUNTEER:
        sign_up.start(turn)
    elif intent is Intent.GREETING:
        small_talk.greet(turn, ask_again)
    elif intent is Intent.THANKS:
        small_talk.thank(turn, ask_again)
    elif intent is Intent.ABOUT:
        small_talk.about(turn, ask_again)
    elif intent is Intent.COST:
        small_talk.cost(turn, ask_again, help_request.draft_category(turn))
    elif intent is Intent.HELP_REQUEST and (question is None or question.new_request):
        help_request.understand(turn, meaning)
    elif intent in (Intent.YES, Intent.NO) and question is None:
        show_menu(turn)  # "ja" with nothing asked: what the bot can do, not "daar kan ik niet mee helpen"
    else:
        misunderstood(turn, question, missed)


def misunderstood(turn: Turn, question: Question | None, missed: int) -> None:
    """Not understood `missed` times before, in a row: the question once more (or with none open: what we help
    with), then the offer of a call-back, then the phone question; at the call-back's own questions the call-back
    is made."""
    _ = turn._
    turn.conversation.misunderstood = missed + 1
    if missed and turn.state in call_back.QUESTIONS:
        call_back.settle(turn)
    elif missed == 0 and question is None:
        small_talk.out_of_scope(turn)
    elif missed == 0:
        turn.preface(_(question.unclear))
        question.ask(turn)
    elif missed >= 2 and (question is None or not question.for_work):
        call_back.ask_phone(turn)
    else:
        turn.say(
            _("Het lukt zo niet goed. Zal iemand u bellen? Dan kunt u het gewoon vertellen.")
            + " "
            + _("Of typ /stop om te stoppen."),
            call_me_markup(_),
        )


def pick_place(turn: Turn, button: PickPlace | ConfirmLocation) -> None:
    """A place chosen with a button: for the open question, or (with none open) as where the person lives."""
    taker = PLACE_TAKERS.get(turn.state)
    if taker is not None:
        if not taker(turn, button.place):
            turn.answer(turn._("Deze knop werkt niet meer."))
        return
    name = remember_place(turn, button.place)
    if name is None:
        turn.answer(turn._("Deze knop werkt niet meer."))
        return
    turn.acknowledge("📍 " + turn._("Dank u. U woont in {place}.").format(place=name))
    show_menu(turn)


def menu_choice(turn: Turn, button: Menu) -> None:
    """The big buttons of the menu (and the "Bel mij terug" under many messages)."""
    if button.choice == "help":
        help_request.start(turn)
    elif button.choice == "volunteer":
        sign_up.start(turn)
    elif button.choice == "callme":
        turn.drop_buttons()
        call_back.ask_phone(turn)
    elif button.choice == "place":
        turn.drop_buttons()
        open_place_question = turn.state in PLACE_TAKERS
        ask_place(turn, turn.state if open_place_question else State.START_PLACE)
