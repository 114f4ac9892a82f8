"""The desk in a real browser (Debian's chromium through Playwright), with the bot on the fake Bot API.

One test per user story; each page is also checked with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.services.desk_roles import add_desk_volunteer
from bot.services.people import add_volunteer
from bot.services.places import link_group
from bot.services.requests import create_request, open_inbox_item
from db.models import Coordinator, HelpRequest, RequestStatus, User
from tests.support import updates as upd
from tests.support.accessibility import assert_accessible, serious_violations
from tests.support.http_bot_api import HttpBotAPI
from tests.support.live import LiveApp, chromium_browser, live_database, live_settings, wait_for  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
LINK = re.compile(r'href="(http://127\.0\.0\.1:\d+/login/[^"]+)"')
DESK_VOLUNTEER = upd.make_user(3101, "Dora")
COORDINATOR = upd.make_user(700, "Coby")
COORDINATOR_HEERLEN = upd.make_user(3102, "Henk")
VOLUNTEER = upd.make_user(202, "Piet")
GROUP = upd.make_group(-1001, "Klimmen helpt")


def people(session: Session) -> None:
    now = datetime.now(UTC)
    session.add(User(id=COORDINATOR.id, first_name="Coby", created_at=now))
    session.add(Coordinator(user_id=COORDINATOR.id, municipality_slug="voerendaal", added_at=now))
    session.add(Coordinator(user_id=COORDINATOR_HEERLEN.id, municipality_slug="heerlen", added_at=now))
    session.flush()
    add_desk_volunteer(
        session,
        by_user_id=None,
        user_id=DESK_VOLUNTEER.id,
        municipality_slug="voerendaal",
        steunpunt_slug="wijksteunpunt-klimmen",
        now=now,
    )
    session.get(User, DESK_VOLUNTEER.id).first_name = "Dora"
    session.add(User(id=VOLUNTEER.id, first_name="Piet", has_private_chat=True, created_at=now))
    session.flush()
    add_volunteer(session, user_id=VOLUNTEER.id, neighbourhoods=["klimmen"], now=now)
    link_group(session, chat_id=GROUP.id, title=GROUP.title, neighbourhood_slug="klimmen", linked_by=700, now=now)


@pytest.fixture
def live(seeded_sqlite_file: Path) -> Iterator[LiveApp]:
    with HttpBotAPI() as server:
        engine = live_database(seeded_sqlite_file, people)
        app = LiveApp(server, engine, live_settings(server, engine, coordinator_ids=(900,))).start()
        try:
            yield app
        finally:
            app.stop()
            engine.dispose()


@pytest.fixture
def page(chromium_browser, live: LiveApp):  # noqa: F811
    context = chromium_browser.new_context(base_url=live.desk_url, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def log_in(live: LiveApp, page, user) -> None:
    """Ask the bot for a link with /balie, open it in the browser and press the button."""
    for known in (user,):
        live.server.call(lambda known=known: live.server.api.register_user(known))
    live.say(user, "/balie")
    message = live.wait_for_message(user.id, "/login/")
    page.goto(LINK.search(message["text"]).group(1))
    assert_accessible(page)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name=re.compile("Welkom bij de balie")).wait_for()


def test_log_in_with_a_link_from_the_bot_and_log_out(live: LiveApp, page) -> None:
    page.goto("/")
    assert page.url.endswith("/welkom")
    assert_accessible(page)
    log_in(live, page, DESK_VOLUNTEER)
    assert_accessible(page)
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link", name="Vraag aannemen").is_visible()
    assert menu.get_by_role("link", name="Overzicht").count() == 0
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("heading", name="Inloggen bij de balie").wait_for()
    page.goto("/")
    assert page.url.endswith("/welkom")


def test_phone_intake_for_a_resident_without_telegram_is_claimed_and_the_desk_says_whom_to_call(
    live: LiveApp, page
) -> None:
    log_in(live, page, DESK_VOLUNTEER)
    page.get_by_role("link", name="Vraag aannemen").first.click()
    assert_accessible(page)
    page.get_by_label("Naam", exact=True).fill("Vrauw Hoeppertz")
    page.get_by_label("Telefoon", exact=True).fill("045 - 123 45 67")
    page.get_by_role("combobox", name="Kern of wijk").fill("Klimmen")
    page.get_by_label("Wat vraagt de bewoner?").fill("kan iemand boodschappen doen voor mij ik kan niet meer lopen")
    # The matcher suggests the category while the words are typed.
    page.get_by_text("Voorstel bij deze woorden").wait_for()
    assert page.get_by_label("Soort hulp").input_value() == "boodschappen"
    page.get_by_label("In de ochtend").check()
    page.get_by_label("De bewoner vindt het goed").check()
    page.get_by_role("button", name="Vraag versturen").click()
    page.get_by_text("De vraag staat nu in de groep van de buurt").wait_for()
    assert_accessible(page)

    # The card is in Klimmen's group, like a request from the chat; no name, no phone number on it.
    card = live.wait_for_message(GROUP.id, "boodschappen")
    assert "Hoeppertz" not in card["text"] and "123 45 67" not in card["text"]
    live.server.call(lambda: live.server.api.register_user(VOLUNTEER))
    live.press(VOLUNTEER, GROUP.id, "claim:")
    live.wait_for_message(VOLUNTEER.id, "Hoeppertz")

    # The desk shows who helps and when to call the resident, with the news to pass on.
    def call_back_shown() -> bool:
        page.goto("/inbox")
        return page.get_by_text("Wie helpt").count() > 0

    wait_for(call_back_shown, what="the call-back on the desk")
    item = page.get_by_role("article").filter(has_text="Vrauw Hoeppertz")
    assert "Piet" in item.inner_text()
    assert "in de ochtend" in item.inner_text()
    assert "0451234567" in item.inner_text()
    assert "Goed nieuws! Piet helpt u" in item.inner_text()
    assert_accessible(page)
    item.get_by_text("Gebeld", exact=True).click()
    item.get_by_label("Wat is er gezegd?").fill("Mevrouw weet het, Piet komt morgen.")
    item.get_by_role("button", name="Opslaan").first.click()
    page.get_by_text("Gedaan.").wait_for()
    assert page.get_by_role("article").filter(has_text="Vrauw Hoeppertz").count() == 0


def open_items(live: LiveApp) -> dict[str, int]:
    """Two open items of Voerendaal: an escalated request of Anna's, and her call-back."""
    now = datetime.now(UTC)
    with live.unit_of_work() as uow:
        session = uow.session
        session.add(
            User(id=ANNA.id, first_name="Anna", neighbourhood_slug="klimmen", has_private_chat=True, created_at=now)
        )
        session.flush()
        placed = create_request(
            session,
            resident_id=ANNA.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details="melk en brood",
            now=now,
            settings=live.settings,
        )
        request = session.get(HelpRequest, placed.request_id)
        request.status = RequestStatus.ESCALATED
        session.add(request)
        escalation = open_inbox_item(
            session, kind="escalation", municipality_slug="voerendaal", user_id=ANNA.id, request_id=request.id, now=now
        )
        call_back = open_inbox_item(
            session,
            kind="callback",
            municipality_slug="voerendaal",
            user_id=ANNA.id,
            details={"part": "afternoon", "reason": "ik weet niet hoe het werkt"},
            now=now,
        )
        uow.commit()
        return {"escalation": escalation.id, "callback": call_back.id}


ANNA = upd.make_user(101, "Anna")


def test_the_inbox_actions_assign_note_and_close(live: LiveApp, page) -> None:
    items = open_items(live)
    live.server.call(lambda: [live.server.api.register_user(user) for user in (ANNA, VOLUNTEER)])
    log_in(live, page, COORDINATOR)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Inbox").click()
    assert_accessible(page)
    page.get_by_label("Soort").select_option("escalation")
    page.get_by_role("button", name="Toon").click()
    assert page.get_by_role("article").count() == 1
    escalation = page.get_by_role("article").filter(has_text=f"#{items['escalation']}")
    escalation.get_by_role("link", name="Vrijwilliger kiezen").click()
    assert_accessible(page)
    page.get_by_label("Zoek op naam of plaats").fill("klim")
    page.get_by_role("button", name="Zoek").click()
    assert "klim" not in page.url  # what was searched (a name, perhaps) stays out of addresses
    page.get_by_role("button", name="Geef de vraag aan Piet").click()
    page.get_by_text("Gedaan.").wait_for()
    live.wait_for_message(VOLUNTEER.id, "Een coördinator vraagt u te helpen")
    live.wait_for_message(ANNA.id, "Piet helpt u")

    call_back = page.get_by_role("article").filter(has_text=f"#{items['callback']}")
    assert "ik weet niet hoe het werkt" in call_back.inner_text() and "in de middag" in call_back.inner_text()
    call_back.get_by_text("Notitie", exact=True).click()
    call_back.get_by_label("Uw notitie").fill("Morgen terugbellen")
    call_back.get_by_role("button", name="Opslaan").click()
    page.get_by_text("Morgen terugbellen").wait_for()
    page.get_by_role("button", name=f"Sluiten #{items['callback']}").click()
    page.get_by_text("Gedaan.").wait_for()
    assert page.get_by_role("article").count() == 0
    assert_accessible(page)
    page.goto("/logboek")
    assert_accessible(page)
    for action in ("Vrijwilliger gekozen", "Notitie geschreven", "Gesloten", "Ingelogd"):
        assert page.get_by_role("cell", name=action).count() >= 1


def test_an_activity_from_creation_to_the_attendee_list(live: LiveApp, page) -> None:
    live.server.call(lambda: live.server.api.register_user(ANNA))
    log_in(live, page, COORDINATOR)
    page.goto("/activiteiten")
    assert_accessible(page)
    day = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    page.get_by_label("Titel").fill("Samen eten")
    page.get_by_label("Wat gaan we doen?").fill("Soep en een praatje")
    page.get_by_label("Dag").fill(day)
    page.get_by_label("Tijd").fill("18:00")
    page.get_by_label("Waar?").fill("Buurthuis Klimmen")
    page.get_by_label("Hoeveel plaatsen?").fill("1")
    page.get_by_role("button", name="Bekijk de kaart").click()
    page.get_by_role("heading", name="Zo zien bewoners het").wait_for()
    assert "Soep en een praatje" in page.locator(".preview").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Versturen").click()
    page.get_by_text("De activiteit is verstuurd").wait_for()
    card = live.wait_for_message(GROUP.id, "Samen eten")
    assert "Buurthuis Klimmen" in card["text"]
    live.press(ANNA, GROUP.id, "rsvp:")
    live.press(VOLUNTEER, GROUP.id, "rsvp:")

    def both_answered() -> bool:
        page.reload()
        return page.get_by_role("cell", name="Piet").count() == 1 and page.get_by_role("cell", name="Anna").count() == 1

    wait_for(both_answered, what="the attendee and the waiting list")
    going = page.get_by_role("table", name="Wie komt")
    waiting = page.get_by_role("table", name="Wachtlijst")
    assert going.get_by_role("cell").first.inner_text() in ("Anna", "Piet")
    assert waiting.get_by_role("cell").count() == 2
    assert_accessible(page)
    page.get_by_role("link", name="Lijst om te printen").click()
    page.get_by_role("table", name="Wie komt").wait_for()
    assert_accessible(page)


def test_a_survey_built_on_the_desk_from_the_form_to_sending(live: LiveApp, page) -> None:
    log_in(live, page, COORDINATOR)
    page.goto("/enquetes")
    assert_accessible(page)
    today = datetime.now(UTC).date()
    page.get_by_label("Naam van de enquête").fill("Wonen in Klimmen")
    page.get_by_label("Klimmen").check()
    page.get_by_label("Eerste dag").fill(today.isoformat())
    page.get_by_label("Laatste dag").fill((today - timedelta(days=1)).isoformat())
    page.locator("#vraag-1").fill("Wat mist u het meest?")
    page.locator("#antwoorden-1").fill("Een winkel")
    page.get_by_role("button", name="Bekijk de enquête").click()
    page.get_by_text("De laatste dag ligt voor de eerste dag.").wait_for()
    assert_accessible(page)
    page.get_by_label("Laatste dag").fill((today + timedelta(days=14)).isoformat())
    page.locator("#antwoorden-1").fill("Een winkel\nEen bushalte")
    page.locator("#soort-2").select_option("open")
    page.locator("#vraag-2").fill("Wat kan beter?")
    page.get_by_role("button", name="Bekijk de enquête").click()
    page.get_by_role("heading", name="Zo ziet de enquête eruit:").wait_for()
    assert "Een bushalte" in page.locator(".preview").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Versturen").click()
    page.get_by_text("De enquête is verstuurd.").wait_for()
    assert_accessible(page)


def test_the_overview_with_its_chart_and_a_desk_volunteer_kept_out(live: LiveApp, page, chromium_browser) -> None:  # noqa: F811
    open_items(live)
    log_in(live, page, COORDINATOR)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Overzicht").click()
    page.get_by_role("heading", name="Overzicht Voerendaal").wait_for()
    chart = page.get_by_role("img", name="Vragen per soort hulp")
    assert chart.is_visible()
    assert chart.locator("rect").count() == 2
    assert "Boodschappen" in page.get_by_role("table", name="Vragen per soort hulp").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download de cijfers").click()
    assert download.value.suggested_filename.startswith("samenvoorelkaar-voerendaal-")

    other = chromium_browser.new_context(base_url=live.desk_url, locale="nl-NL").new_page()
    log_in(live, other, DESK_VOLUNTEER)
    assert other.get_by_role("link", name="Overzicht").count() == 0
    assert other.goto("/overzicht").status == 403
    assert_accessible(other)
    assert other.goto("/overzicht/export.csv").status == 403
    other.context.close()


def test_the_accessibility_check_finds_a_serious_violation(chromium_browser) -> None:  # noqa: F811
    page = chromium_browser.new_page()
    page.set_content('<html lang="nl"><body><main><input type="text"><img src="x.png"></main></body></html>')
    problems = " ".join(serious_violations(page))
    assert "label" in problems and "image-alt" in problems
    page.close()
