"""Join requests from our invite links: only approved volunteers of the group's neighbourhood get in."""

from __future__ import annotations

import logging

from bot.flows.turn import Turn
from bot.services.volunteers import may_join_group

log = logging.getLogger(__name__)


def join_request(turn: Turn) -> None:
    """Approve an approved volunteer of this group's neighbourhood; decline anyone else, with a word why."""
    request = turn.update.chat_join_request
    allowed = may_join_group(turn.session, user_id=turn.user_id, chat_id=turn.chat_id)
    log.info("join request of %s to chat %s %s", turn.user_id, turn.chat_id, "approved" if allowed else "declined")
    method = "approveChatJoinRequest" if allowed else "declineChatJoinRequest"
    turn.call(turn.chat_id, method, user_id=turn.user_id)
    if not allowed:
        # The user who asked may be written to for a few minutes, even without a chat with us.
        turn.say_to(
            request.user_chat_id,
            turn._("Deze groep is voor vrijwilligers van de buurt. Wilt u helpen? Meld u aan met /aanbieden."),
        )
