"""`/aanbieden` and "Ik wil helpen": what, where, when, phone, re-integratie, consent; then a coordinator decides."""

from __future__ import annotations

from dataclasses import asdict

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.flows.place_picker import municipality_keyboard, place_from_callback, place_from_text
from bot.flows.states import (
    SIGN_UP_AVAILABILITY,
    SIGN_UP_CATEGORIES,
    SIGN_UP_CONSENT,
    SIGN_UP_PHONE,
    SIGN_UP_PLACES,
    SIGN_UP_REINTEGRATION,
)
from bot.render.keyboards import button_rows
from bot.render.requests import category_label
from bot.render.volunteers import DAYS, PARTS, availability_text
from bot.services.catalogue import all_categories
from bot.services.places import place_of
from bot.services.volunteers import DAY_KEYS, PART_KEYS, SignUp, offer_of, submit_sign_up
from bot.understanding import PHONE_NUMBER
from db.models import VolunteerStatus

DRAFT = "sign_up"
CATEGORY_CALLBACKS = r"^vc:[a-z]{1,20}$"
PLACE_DONE_CALLBACKS = r"^vp:(more|done)$"
AVAILABILITY_CALLBACKS = r"^va:[a-z]{2,10}$"
REINTEGRATION_CALLBACKS = r"^vri:(yes|no)$"
CONSENT_CALLBACKS = r"^vok:(yes|no)$"
CHECK = "✅ "


def _draft(context: BotContext) -> SignUp:
    return SignUp(**context.user_data.get(DRAFT, {}))


def _save(context: BotContext, offer: SignUp) -> None:
    context.user_data[DRAFT] = asdict(offer)


async def start_sign_up(update: Update, context: BotContext) -> str:
    """Begin (or change) an offer; an existing offer fills in the answers."""
    if update.callback_query:
        await update.callback_query.answer()
    _ = context._
    user_id = update.effective_user.id
    with context.unit_of_work() as uow:
        existing = offer_of(uow.session, user_id)
    offer = SignUp()
    if existing is not None and existing.status != VolunteerStatus.STOPPED:
        offer = SignUp(
            categories=list(existing.category_slugs),
            areas=list(existing.area_slugs),
            availability=list(existing.availability),
            reintegration=existing.reintegration,
        )
    _save(context, offer)
    await update.effective_chat.send_message(
        "🤝 " + _("Fijn dat u wilt helpen! Ik stel u een paar korte vragen. Typ /stop om te stoppen.")
    )
    return await ask_categories(update, context)


def _category_keyboard(context: BotContext, chosen: list[str]) -> InlineKeyboardMarkup:
    _ = context._
    with context.unit_of_work() as uow:
        categories = all_categories(uow.session)
    options = [
        ((CHECK if c.slug in chosen else "") + category_label(c, _), f"vc:{c.slug}")
        for c in categories
        if c.for_volunteers
    ]
    options.append(("➡️ " + _("Klaar"), "vc:done"))
    return button_rows(options, per_row=2)


async def ask_categories(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        "🧰 " + context._("Waarmee wilt u helpen? Kies er één of meer. Druk daarna op Klaar."),
        reply_markup=_category_keyboard(context, _draft(context).categories),
    )
    return SIGN_UP_CATEGORIES


async def toggle_category(update: Update, context: BotContext) -> str:
    """A category button switches on or off; "Klaar" goes on when at least one is chosen."""
    query = update.callback_query
    choice = query.data.removeprefix("vc:")
    offer = _draft(context)
    _ = context._
    if choice == "done":
        if not offer.categories:
            await query.answer(_("Kies eerst minstens één soort hulp."), show_alert=True)
            return SIGN_UP_CATEGORIES
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await ask_places(update, context)
    await query.answer()
    with context.unit_of_work() as uow:
        known = {c.slug for c in all_categories(uow.session) if c.for_volunteers}
    if choice not in known:
        return SIGN_UP_CATEGORIES
    offer.categories = [slug for slug in offer.categories if slug != choice] + (
        [] if choice in offer.categories else [choice]
    )
    _save(context, offer)
    await query.edit_message_reply_markup(_category_keyboard(context, offer.categories))
    return SIGN_UP_CATEGORIES


async def ask_places(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        "🏘️ " + context._("In welke buurt wilt u helpen? Kies de gemeente, of typ de naam van de wijk of het dorp."),
        reply_markup=municipality_keyboard(context),
    )
    return SIGN_UP_PLACES


async def _place_chosen(update: Update, context: BotContext, slug: str) -> str:
    offer = _draft(context)
    if slug not in offer.areas:
        offer.areas.append(slug)
    _save(context, offer)
    _ = context._
    with context.unit_of_work() as uow:
        names = [place.name for area in offer.areas if (place := place_of(uow.session, area))]
    options = [("➕ " + _("Nog een buurt"), "vp:more"), ("➡️ " + _("Klaar"), "vp:done")]
    text = "📍 " + _("Gekozen: {places}").format(places=", ".join(names))
    if update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=button_rows(options, per_row=2))
    else:
        await update.effective_chat.send_message(text, reply_markup=button_rows(options, per_row=2))
    return SIGN_UP_PLACES


async def choose_place(update: Update, context: BotContext) -> str:
    """A municipality or neighbourhood button (the shared place picker)."""
    slug = await place_from_callback(update, context)
    with context.unit_of_work() as uow:
        known = slug is not None and place_of(uow.session, slug) is not None
    if not known:
        return SIGN_UP_PLACES
    return await _place_chosen(update, context, slug)


async def type_place(update: Update, context: BotContext) -> str:
    slug = place_from_text(context, update.effective_message.text)
    if slug is None:
        await update.effective_chat.send_message(context._("Die plaats ken ik niet. Kies hieronder de gemeente."))
        return await ask_places(update, context)
    return await _place_chosen(update, context, slug)


async def places_done(update: Update, context: BotContext) -> str:
    """ "Nog een buurt" shows the municipalities again; "Klaar" goes on."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    if query.data == "vp:more" or not _draft(context).areas:
        return await ask_places(update, context)
    return await ask_availability(update, context)


def _availability_keyboard(context: BotContext, chosen: list[str]) -> InlineKeyboardMarkup:
    _ = context._

    def button(key: str, label: str) -> InlineKeyboardButton:
        return InlineKeyboardButton((CHECK if key in chosen else "") + _(label), callback_data=f"va:{key}")

    days = [button(key, label) for key, label in DAYS.items()]
    parts = [button(key, label) for key, label in PARTS.items()]
    done = InlineKeyboardButton("➡️ " + _("Klaar"), callback_data="va:done")
    return InlineKeyboardMarkup([days[:4], days[4:], parts, [done]])


async def ask_availability(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        "🗓️ " + context._("Wanneer kunt u meestal? Kies dagen en dagdelen. Druk daarna op Klaar."),
        reply_markup=_availability_keyboard(context, _draft(context).availability),
    )
    return SIGN_UP_AVAILABILITY


async def toggle_availability(update: Update, context: BotContext) -> str:
    query = update.callback_query
    await query.answer()
    choice = query.data.removeprefix("va:")
    offer = _draft(context)
    if choice == "done":
        await query.edit_message_text("🗓️ " + availability_text(offer.availability, context._))
        return await ask_phone(update, context)
    if choice not in DAY_KEYS and choice not in PART_KEYS:
        return SIGN_UP_AVAILABILITY
    offer.availability = [key for key in offer.availability if key != choice] + (
        [] if choice in offer.availability else [choice]
    )
    _save(context, offer)
    await query.edit_message_reply_markup(_availability_keyboard(context, offer.availability))
    return SIGN_UP_AVAILABILITY


def _skip_label(context: BotContext) -> str:
    return "⏭️ " + context._("Overslaan")


async def ask_phone(update: Update, context: BotContext) -> str:
    """Telegram's share-contact button; skipping is fine."""
    _ = context._
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📞 " + _("Deel mijn nummer"), request_contact=True)], [_skip_label(context)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await update.effective_chat.send_message(
        "📞 " + _("Mag de coördinator u bellen? Deel dan uw nummer. Dat hoeft niet."), reply_markup=keyboard
    )
    return SIGN_UP_PHONE


async def receive_phone(update: Update, context: BotContext) -> str:
    """The user's own contact, a typed number, or "Overslaan"."""
    message = update.effective_message
    _ = context._
    offer = _draft(context)
    text = (message.text or "").strip()
    if message.contact and message.contact.user_id == update.effective_user.id:
        offer.phone = message.contact.phone_number
    elif text and PHONE_NUMBER.match(text):
        offer.phone = text
    elif text and (text == _skip_label(context) or text.lower() in (_("overslaan"), _("nee"))):
        offer.phone = None
    else:
        await message.reply_text(_("Druk op 'Deel mijn nummer' of op 'Overslaan'."))
        return SIGN_UP_PHONE
    _save(context, offer)
    await message.reply_text("👍 " + _("Dank u."), reply_markup=ReplyKeyboardRemove())
    options = [("✅ " + _("Ja"), "vri:yes"), ("❌ " + _("Nee"), "vri:no")]
    await update.effective_chat.send_message(
        "📋 "
        + _("Doet u dit via re-integratie, bijvoorbeeld via Kompas of het UWV? Dan kunnen wij uw uren doorgeven."),
        reply_markup=button_rows(options, per_row=2),
    )
    return SIGN_UP_REINTEGRATION


async def choose_reintegration(update: Update, context: BotContext) -> str:
    query = update.callback_query
    await query.answer()
    offer = _draft(context)
    offer.reintegration = query.data == "vri:yes"
    _save(context, offer)
    await query.edit_message_reply_markup(None)
    return await ask_consent(update, context)


def code_of_conduct(context: BotContext) -> str:
    """The short code of conduct and privacy text, in plain words."""
    _ = context._
    return "\n".join(
        [
            "📜 <b>" + _("Onze afspraken") + "</b>",
            "• " + _("U bent vriendelijk en betrouwbaar."),
            "• " + _("U vraagt geen geld voor uw hulp."),
            "• " + _("U vertelt niemand iets over de bewoner."),
            "• " + _("Kunt u toch niet? Druk dan op tijd op 'Ik kan toch niet'."),
            "• " + _("Gaat er iets mis? Neem contact op met de coördinator."),
            "",
            "🔒 <b>" + _("Uw gegevens") + "</b>",
            _("Wij bewaren uw naam, buurt, tijden en nummer. Uw nummer ziet alleen de coördinator."),
            _("Wilt u stoppen? Typ /aanbod. Dan kunt u stoppen of pauzeren."),
            "",
            _("Gaat u akkoord?"),
        ]
    )


async def ask_consent(update: Update, context: BotContext) -> str:
    options = [("✅ " + context._("Ik ga akkoord"), "vok:yes"), ("❌ " + context._("Liever niet"), "vok:no")]
    await update.effective_chat.send_message(code_of_conduct(context), reply_markup=button_rows(options))
    return SIGN_UP_CONSENT


async def choose_consent(update: Update, context: BotContext) -> int:
    """Agreed: store the offer; the coordinators decide. Not agreed: nothing is kept."""
    query = update.callback_query
    await query.answer()
    _ = context._
    offer = _draft(context)
    context.user_data.pop(DRAFT, None)
    if query.data != "vok:yes" or not offer.areas:
        await query.edit_message_text(
            _("Jammer. U moet het eerst eens zijn met de afspraken. Wilt u het toch? Typ dan /aanbieden.")
        )
        return ConversationHandler.END
    runtime = context.runtime
    with context.unit_of_work() as uow:
        status = submit_sign_up(uow.session, user_id=update.effective_user.id, offer=offer, now=runtime.clock.now())
        uow.commit()
    if status == VolunteerStatus.PENDING:
        text = _("Dank u wel! Een coördinator bekijkt uw aanmelding. U krijgt snel bericht.")
    else:
        text = _("Dank u wel! Uw aanbod is aangepast.")
    await query.edit_message_text("✅ " + text)
    return ConversationHandler.END
