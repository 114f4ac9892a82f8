"""A coordinator's note on an inbox item: the "Notitie" button asks for it, the next typed message is the note."""

from __future__ import annotations

from bot.buttons import InboxAction
from bot.flows.gates import refuse
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.services.inbox import InboxOutcome, add_note, item_for
from bot.understanding import Expecting, Intent, Understanding


def ask_note(turn: Turn, button: InboxAction) -> None:
    """The "Notitie" button: checked, then the next typed message is the note."""
    if item_for(turn.session, item_id=button.item_id, coordinator_id=turn.user_id) is None:
        refuse(turn)
        return
    turn.end()
    turn.draft["item_id"] = button.item_id
    ask_again(turn)


def ask_again(turn: Turn) -> None:
    """Ask for the note (again)."""
    turn.goto(State.INBOX_NOTE)
    turn.say("📝 " + turn._("Typ uw notitie bij #{id}.").format(id=turn.draft.get("item_id", "")))


def read_note(turn: Turn, meaning: Understanding) -> bool:
    """Any typed text is the note ("stop" stops); the role is checked again."""
    if meaning.intent is Intent.STOP:
        return False
    item_id = turn.draft.get("item_id", 0)
    turn.end()
    outcome = add_note(turn.session, item_id=item_id, coordinator_id=turn.user_id, text=turn.text, now=turn.now)
    if outcome is not InboxOutcome.DONE:
        refuse(turn)
        return True
    turn.say("📝 " + turn._("Notitie bewaard bij #{id}.").format(id=item_id))
    return True


QUESTIONS = {State.INBOX_NOTE: Question(Expecting.FREE_TEXT, read_note, ask_again, for_work=True)}
