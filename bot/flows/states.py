"""The questions the bot can have open in a private chat: one state per question, kept in the database."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a person is in the conversation; the next typed message answers this question."""

    IDLE = ""
    # /start
    START_PLACE = "start_place"
    NEWS = "news"
    # a help request
    ASK_CATEGORY = "ask_category"
    ASK_PLACE = "ask_place"
    ASK_WHEN = "ask_when"
    ASK_DETAILS = "ask_details"
    ASK_CONFIRM = "ask_confirm"
    BEHALF_NAME = "behalf_name"
    BEHALF_CONSENT = "behalf_consent"
    SECOND_NEED = "second_need"
    # a call-back
    CALLBACK_PHONE = "callback_phone"
    CALLBACK_TIME = "callback_time"
    # a volunteer's sign-up, and the time spent after helping
    SIGN_UP_CATEGORIES = "sign_up_categories"
    SIGN_UP_PLACES = "sign_up_places"
    SIGN_UP_AVAILABILITY = "sign_up_availability"
    SIGN_UP_PHONE = "sign_up_phone"
    SIGN_UP_REINTEGRATION = "sign_up_reintegration"
    SIGN_UP_CONSENT = "sign_up_consent"
    MINUTES = "minutes"
    # a coordinator's activity and inbox note
    ACT_MUNICIPALITY = "act_municipality"
    ACT_TITLE = "act_title"
    ACT_DESCRIPTION = "act_description"
    ACT_WHEN = "act_when"
    ACT_PLACE = "act_place"
    ACT_AREA = "act_area"
    ACT_CAPACITY = "act_capacity"
    ACT_COST = "act_cost"
    ACT_PREVIEW = "act_preview"
    INBOX_NOTE = "inbox_note"
    # a coordinator's survey, and a resident's answer to it
    SURVEY_MUNICIPALITY = "survey_municipality"
    SURVEY_TITLE = "survey_title"
    SURVEY_AREA = "survey_area"
    SURVEY_START = "survey_start"
    SURVEY_END = "survey_end"
    SURVEY_KIND = "survey_kind"
    SURVEY_QUESTION = "survey_question"
    SURVEY_OPTIONS = "survey_options"
    SURVEY_PREVIEW = "survey_preview"
    SURVEY_ANSWER = "survey_answer"
