"""The coordinators' inbox, update by update: order and age, assign by hand, refer, note, close, and refusals;
managing coordinators in chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from bot.i18n import translator
from bot.services.call_backs import request_call_back
from bot.services.inbox import InboxOutcome, assign_item, refer_item
from bot.services.referrals import refer_request
from bot.services.requests import claim_request, create_request
from bot.services.timers import fire_due_timers
from db.models import (
    Coordinator,
    HelpRequest,
    InboxItem,
    InboxKind,
    RequestStatus,
    Timer,
    User,
)
from tests.support.app import World
from tests.support.scenarios import (
    claim_and_confirm,
    escalate_with_item,
    new_request,
    rows_to,
    settings_of,
    texts_to,
)
from tests.support.updates import callback, make_user, photo

VERA = make_user(902, "Vera")  # coordinator of Voerendaal
HANNA = make_user(903, "Hanna")  # coordinator of Heerlen


async def press_on(world: World, user, fragment: str, label: str) -> None:
    """Press `label` on the newest message in the user's chat whose text holds `fragment`."""
    for message in reversed(world.api.messages(user.id)):
        if fragment not in message.get("text", ""):
            continue
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"]:
                    await world.harness.process(callback(user, message, button["callback_data"]))
                    return
    raise AssertionError(f"no button {label!r} under a message with {fragment!r}")


async def fill_inbox(world: World) -> dict[str, int]:
    """An escalated request, a call-back and a complaint in Voerendaal; a call-back in Heerlen."""
    runtime = world.harness.app.bot_data["runtime"]
    now = world.clock.now()
    with world.unit_of_work() as uow:
        session = uow.session
        for user, place, municipality in ((VERA, None, "voerendaal"), (HANNA, None, "heerlen")):
            session.add(User(id=user.id, first_name=user.first_name, created_at=now, neighbourhood_slug=place))
            session.add(Coordinator(user_id=user.id, municipality_slug=municipality, added_at=now))
        anna = User(id=world.resident.id, first_name="Anna", created_at=now, neighbourhood_slug="klimmen")
        heerlen_resident = User(id=555, first_name="Henk", created_at=now, neighbourhood_slug="heerlen-centrum")
        session.add_all([anna, heerlen_resident])
        session.get(User, world.volunteer.id).first_name = "Piet"
        uow.commit()
        create_request(
            session,
            resident_id=anna.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details="boodschappen",
            now=now,
            settings=runtime.settings,
        )
        uow.commit()
    await world.deliver()
    world.clock.advance(timedelta(hours=30))
    with world.unit_of_work() as uow:
        session = uow.session
        fire_due_timers(session, now=world.clock.now(), settings=runtime.settings)
        anna = session.get(User, world.resident.id)
        request_call_back(
            session,
            user_id=anna.id,
            phone="0612345678",
            part="morning",
            now=world.clock.now(),
            settings=runtime.settings,
        )
        request_call_back(
            session, user_id=555, phone="0698765432", part="any", now=world.clock.now(), settings=runtime.settings
        )
        session.add(
            InboxItem(
                kind="feedback",
                municipality_slug="voerendaal",
                user_id=anna.id,
                details={"comment": "Niemand kwam"},
                created_at=world.clock.now() - timedelta(hours=50),
            )
        )
        uow.commit()
        items = {item.kind + ":" + (item.municipality_slug or ""): item.id for item in session.exec(select(InboxItem))}
    world.clock.advance(timedelta(hours=2))
    await world.deliver()  # what the background sender has sent by now
    return items


async def test_inbox_lists_own_municipality_by_urgency_with_age(world: World) -> None:
    h = world.harness
    items = await fill_inbox(world)
    await h.command(VERA, "/inbox")
    texts = h.texts(VERA)[-3:]
    assert "Geen vrijwilliger gevonden" in texts[0] and "uur geleden" in texts[0]
    assert "Bel terug" in texts[1] and "0612345678" in texts[1]
    assert "Klacht" in texts[2] and "2 dagen geleden" in texts[2]
    assert not any("Henk" in text for text in h.texts(VERA))
    await h.command(HANNA, "/inbox")
    assert "Henk" in h.last_text(HANNA)
    await h.command(world.coordinator, "/inbox")
    assert sum(f"#{item_id}" in " ".join(h.texts(world.coordinator)) for item_id in items.values()) == 4


async def test_assign_by_hand_claims_and_tells_both(world: World) -> None:
    h, piet = world.harness, world.volunteer
    await fill_inbox(world)
    await h.command(VERA, "/inbox")
    await press_on(world, VERA, "Geen vrijwilliger gevonden", "Vrijwilliger kiezen")
    await press_on(world, VERA, "Geen vrijwilliger gevonden", "Piet")
    assert "Piet krijgt de vraag" in h.last_text(VERA) or any("Piet krijgt de vraag" in t for t in h.texts(VERA))
    await world.deliver()
    assert "Een coördinator vraagt u te helpen" in h.last_text(piet) and "Anna" in h.last_text(piet)
    assert "Piet helpt u" in h.last_text(world.resident)
    assert "Piet helpt al" in h.texts(world.group_id)[0]  # the card, edited
    with world.session() as session:
        request = session.exec(select(HelpRequest)).one()
        assert request.status == RequestStatus.CLAIMED and request.claimed_by == piet.id
        assert session.exec(select(InboxItem).where(InboxItem.kind == "escalation")).one().status == "closed"


async def test_note_refer_and_close(world: World) -> None:
    h = world.harness
    items = await fill_inbox(world)
    await h.command(VERA, "/inbox")
    await press_on(world, VERA, "Bel terug", "Notitie")
    await h.send(VERA, "Gebeld, bel morgen opnieuw")
    assert "Notitie bewaard" in h.last_text(VERA)
    await press_on(world, VERA, "Bel terug", "Doorverwijzen")
    await press_on(world, VERA, "Bel terug", "Wmo-loket")
    assert any("Doorverwezen naar: Wmo-loket" in t for t in h.texts(VERA))
    await press_on(world, VERA, "Klacht", "Sluiten")
    await world.deliver()
    assert "Wmo-loket" in h.last_text(world.resident)
    with world.session() as session:
        callback_item = session.get(InboxItem, items["callback:voerendaal"])
        assert "Gebeld, bel morgen opnieuw" in callback_item.note and callback_item.status == "referred"
        assert session.get(InboxItem, items["feedback:voerendaal"]).status == "closed"
    await h.command(VERA, "/inbox")
    assert "Geen vrijwilliger gevonden" in h.last_text(VERA)


async def test_refusals_for_strangers_and_other_municipalities(world: World) -> None:
    h, anna = world.harness, world.resident
    items = await fill_inbox(world)
    await h.command(anna, "/inbox")
    assert "dat mag u niet" in h.last_text(anna)
    await h.command(VERA, "/inbox")
    message = [m for m in h.api.messages(VERA.id) if "Klacht" in m.get("text", "")][-1]
    item_id = items["feedback:voerendaal"]
    for user in (HANNA, anna):
        for action in ("close", "assign", "refer", "ref:wmo", "note"):
            await h.process(callback(user, message, f"ibx:{item_id}:{action}"))
            assert "dat mag u niet" in world.alert()
    with world.session() as session:
        assert session.get(InboxItem, item_id).status == "open"


async def test_coordinators_managed_in_chat_by_a_coordinator_of_all(world: World) -> None:
    h, carla = world.harness, world.coordinator
    await fill_inbox(world)
    await h.command(VERA, "/coordinator add 777 voerendaal")
    assert "Dat doet de coördinator voor heel Parkstad" in h.last_text(VERA)
    await h.command(world.resident, "/coordinator add 777")
    assert "dat mag u niet" in h.last_text(world.resident)
    await h.command(carla, "/coordinator add 777 landgraaf")
    assert "777 is nu coördinator" in h.last_text(carla)
    await h.command(carla, "/coordinator add 778 nergenshuizen")
    assert "Die gemeente ken ik niet" in h.last_text(carla)
    await h.command(carla, "/coordinator list")
    assert "777 · landgraaf" in h.last_text(carla)
    await h.command(carla, "/coordinator remove 777")
    assert "777 is nu geen coördinator meer" in h.last_text(carla)
    with world.session() as session:
        assert session.get(Coordinator, 777) is None


async def test_an_assigned_volunteer_gets_the_buttons_and_the_reminder(world: World) -> None:
    request_id = new_request(world)
    with world.session() as session:
        session.exec(
            update(HelpRequest)
            .where(HelpRequest.id == request_id)
            .values(when_kind="date", when_date=world.clock.now().date() + timedelta(days=3))
        )
        session.commit()
    item_id = escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        outcome = assign_item(
            session,
            item_id=item_id,
            coordinator_id=world.coordinator.id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
        assert outcome is InboxOutcome.DONE
        assert session.exec(select(Timer).where(Timer.kind == "reminder", Timer.ref_id == request_id)).one()
    message = rows_to(world, world.volunteer.id)[-1]
    buttons = [b["callback_data"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"done:{request_id}", f"release:{request_id}"]


async def test_an_assignment_to_an_item_closed_meanwhile_leaves_the_request_unclaimed(world: World) -> None:
    request_id = new_request(world)
    item_id = escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        seen = session.get(InboxItem, item_id)  # this session still sees it open (kept in its identity map)
        assert seen.status == "open"
        with Session(world.engine) as other:
            other.exec(update(InboxItem).where(InboxItem.id == item_id).values(status="closed"))
            other.commit()
        outcome = assign_item(
            session,
            item_id=item_id,
            coordinator_id=world.coordinator.id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
    assert outcome is InboxOutcome.CLOSED
    with world.session() as session:
        request = session.get(HelpRequest, request_id)
        assert request.status == RequestStatus.ESCALATED and request.claimed_by is None
    assert rows_to(world, world.volunteer.id) == []
    assert not any("helpt u" in text for text in texts_to(world, world.resident.id))


async def test_referring_a_request_a_volunteer_took_tells_the_resident_nothing(world: World) -> None:
    request_id = new_request(world)
    item_id = escalate_with_item(world, request_id)
    with world.unit_of_work() as uow:
        session = uow.session
        assert claim_request(session, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
        outcome = refer_item(
            session, item_id=item_id, coordinator_id=world.coordinator.id, route="wmo", now=world.clock.now()
        )
        uow.commit()
    assert outcome is InboxOutcome.TAKEN
    assert not any("doorgegeven" in text for text in texts_to(world, world.resident.id))
    with world.session() as session:
        assert session.get(HelpRequest, request_id).status == RequestStatus.CLAIMED


async def test_a_confirmed_claim_closes_the_escalation_item(world: World) -> None:
    request_id = new_request(world)
    item_id = escalate_with_item(world, request_id)
    claim_and_confirm(world, request_id)
    with world.session() as session:
        assert session.get(InboxItem, item_id).status == "closed"


async def test_the_resident_hears_about_the_call_once(world: World) -> None:
    request_id = new_request(world)
    escalate_with_item(world, request_id)
    results = []
    for _ in range(2):
        with world.unit_of_work() as uow:
            results.append(
                refer_request(
                    uow.session,
                    request_id=request_id,
                    coordinator_id=world.coordinator.id,
                    route="bellen",
                    now=world.clock.now(),
                )
            )
            uow.commit()
    assert results == [True, False]
    assert sum("belt u" in text for text in texts_to(world, world.resident.id)) == 1


async def test_the_inbox_says_when_and_where_to_call_back_and_shows_a_photos_caption(world: World) -> None:
    h, anna, carla = world.harness, world.resident, world.coordinator
    new_request(world)  # Anna lives in Klimmen
    await h.process(photo(anna, caption="Mijn kraan lekt, kan iemand kijken?"))
    with world.unit_of_work() as uow:
        call = request_call_back(
            uow.session,
            user_id=anna.id,
            phone="0612345678",
            part="morning",
            now=world.clock.now(),
            settings=settings_of(world),
        )
        uow.commit()
    await world.deliver()  # the running bot's sender, woken by that commit
    await h.command(carla, "/inbox")
    call_back = next(text for text in h.texts(carla) if "Bel terug" in text)
    assert translator("nl").day(call.day) + ", in de ochtend" in call_back  # as in the first message
    assert "📍 Klimmen" in call_back
    shown = next(text for text in h.texts(carla) if "📷 <b>Foto</b>" in text)
    assert "Mijn kraan lekt, kan iemand kijken?" in shown and "📍 Klimmen" in shown
    with world.session() as session:
        item = session.exec(select(InboxItem).where(InboxItem.kind == InboxKind.PHOTO)).one()
    assert item.details["file_id"].startswith("IN-PHOTO") and not item.details["file_id"].endswith("-s")
    assert item.details["mime_type"] == "image/jpeg"  # the largest size, for the desk to show


async def test_words_of_danger_come_first_in_the_inbox_marked_urgent(world: World) -> None:
    h, anna, carla = world.harness, world.resident, world.coordinator
    items = await fill_inbox(world)
    await h.send(anna, "ik ben gevallen en kan niet meer opstaan")
    await h.command(carla, "/inbox")
    first = h.texts(carla)[-len(items) - 1]  # the newest item, yet listed first
    assert first.startswith("🚨 <b>Dringend") and "⚠️ gevallen" in first
    assert "ik ben gevallen en kan niet meer opstaan" in first and "noodnummers" in first
    assert "Geen vrijwilliger gevonden" in h.texts(carla)[-len(items)]


async def test_a_note_by_typing_stops_with_stop_and_stays_with_the_item(world: World) -> None:
    h = world.harness
    items = await fill_inbox(world)
    await h.command(VERA, "/inbox")
    await press_on(world, VERA, "Klacht", "Notitie")
    await h.send(VERA, "stop")
    await h.send(VERA, "Dit is geen notitie")
    await press_on(world, VERA, "Klacht", "Notitie")
    await h.send(VERA, "Mevrouw gebeld, alles is goed")
    assert "Notitie bewaard" in h.last_text(VERA)
    with world.session() as session:
        assert session.get(InboxItem, items["feedback:voerendaal"]).note.endswith("Mevrouw gebeld, alles is goed")
