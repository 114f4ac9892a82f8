"""Volunteer sign-up, a coordinator's decision, and who may join a neighbourhood group."""

from __future__ import annotations

from bot.services.people import add_volunteer
from db.models import (
    Coordinator,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)
from tests.support.app import World
from tests.support.scenarios import (
    JOEP,
    approve,
    sign_up,
)
from tests.support.updates import callback, chat_join_request, make_group, make_user


async def test_sign_up_is_pending_and_the_coordinator_is_asked(world: World) -> None:
    await sign_up(world)
    with world.session() as session:
        volunteer = session.get(Volunteer, JOEP.id)
        assert volunteer.status == VolunteerStatus.PENDING
        assert volunteer.categories == ["boodschappen"] and set(volunteer.availability) == {"ma", "ochtend"}
        assert volunteer.consent_at is not None and not volunteer.reintegration
        assert session.get(VolunteerArea, (JOEP.id, "klimmen")) is not None
        assert session.get(User, JOEP.id).phone == "+31612345678"
    await world.deliver()
    text = world.harness.last_text(world.coordinator)
    assert "Nieuwe vrijwilliger" in text and "Joep" in text and "Klimmen" in text
    assert "✅ Goedkeuren" in world.harness.buttons(world.coordinator)


async def test_i_want_to_help_button_starts_the_sign_up(world: World) -> None:
    h = world.harness
    with world.session() as session:
        session.add(User(id=JOEP.id, first_name="Joep", neighbourhood_slug="klimmen", created_at=world.clock.now()))
        session.commit()
    await h.command(JOEP, "/start")
    await h.press(JOEP, "Ik wil helpen")
    assert "Waarmee wilt u helpen" in h.last_text(JOEP)


async def test_klaar_needs_a_category_first(world: World) -> None:
    h = world.harness
    await h.command(JOEP, "/aanbieden")
    await h.press(JOEP, "Klaar")
    answer = h.api.calls_to("answerCallbackQuery")[-1]
    assert "minstens één" in answer.params["text"]
    assert "Waarmee wilt u helpen" in h.last_text(JOEP)


async def test_no_consent_keeps_nothing(world: World) -> None:
    h = world.harness
    await h.command(JOEP, "/aanbieden")
    await h.press(JOEP, "Boodschappen")
    await h.press(JOEP, "Klaar")
    await h.send(JOEP, "Klimmen")
    await h.press(JOEP, "Klaar")
    await h.press(JOEP, "Klaar")
    await h.send(JOEP, "Overslaan")
    await h.press(JOEP, "Ja")
    await h.press(JOEP, "Liever niet")
    assert "eerst eens zijn met de afspraken" in h.last_text(JOEP)
    with world.session() as session:
        assert session.get(Volunteer, JOEP.id) is None


async def test_approval_sends_an_invite_link_and_the_join_request_is_approved(world: World) -> None:
    h = world.harness
    await sign_up(world)
    await approve(world)
    assert "Goedgekeurd door Carla" in h.last_text(world.coordinator)
    links = h.api.invite_links
    assert len(links) == 1 and links[0]["creates_join_request"] and links[0]["_chat_id"] == world.group_id
    await world.deliver()
    message = h.last_text(JOEP)
    assert "goedgekeurd" in message and links[0]["invite_link"] in message
    with world.session() as session:
        assert session.get(Volunteer, JOEP.id).status == VolunteerStatus.APPROVED

    group = make_group(world.group_id, "Klimmen helpt")
    await h.process(chat_join_request(JOEP, group, invite_link={**links[0]}))
    assert [c.params["user_id"] for c in h.api.calls_to("approveChatJoinRequest")] == [JOEP.id]
    assert h.api.calls_to("declineChatJoinRequest") == []


async def test_strangers_and_volunteers_of_elsewhere_are_declined(world: World) -> None:
    h = world.harness
    elsewhere = make_user(404, "Kees")
    with world.session() as session:
        add_volunteer(session, user_id=elsewhere.id, neighbourhoods=["bleijerheide"], now=world.clock.now())
        session.commit()
    group = make_group(world.group_id, "Klimmen helpt")
    for user in (make_user(405, "Onbekend"), elsewhere, JOEP):
        await h.process(chat_join_request(user, group))
    assert [c.params["user_id"] for c in h.api.calls_to("declineChatJoinRequest")] == [405, 404, 303]
    assert "vrijwilligers van de buurt" in h.last_text(405)
    await h.process(chat_join_request(world.volunteer, group))
    assert [c.params["user_id"] for c in h.api.calls_to("approveChatJoinRequest")] == [world.volunteer.id]


async def test_a_pending_volunteer_cannot_join_yet(world: World) -> None:
    await sign_up(world)
    await world.harness.process(chat_join_request(JOEP, make_group(world.group_id, "Klimmen helpt")))
    assert len(world.harness.api.calls_to("declineChatJoinRequest")) == 1


async def test_rejection_tells_the_volunteer(world: World) -> None:
    await sign_up(world)
    await approve(world, label="Afwijzen")
    assert "Afgewezen door Carla" in world.harness.last_text(world.coordinator)
    await world.deliver()
    assert "Helaas" in world.harness.last_text(JOEP)
    with world.session() as session:
        assert session.get(Volunteer, JOEP.id).status == VolunteerStatus.REJECTED
    assert world.harness.api.invite_links == []


async def test_only_a_coordinator_of_that_municipality_decides_and_only_once(world: World) -> None:
    h = world.harness
    other = make_user(901, "Olga")
    with world.session() as session:
        session.add(Coordinator(user_id=other.id, municipality_slug="kerkrade", added_at=world.clock.now()))
        session.commit()
    await sign_up(world)
    await world.deliver()
    message = h.api.messages(world.coordinator.id)[-1]
    for presser in (other, world.volunteer, JOEP):
        await h.process(callback(presser, message, f"vol:{JOEP.id}:ok", bot=h.bot))
        answer = h.api.calls_to("answerCallbackQuery")[-1]
        assert "dat mag u niet" in answer.params["text"]
    with world.session() as session:
        assert session.get(Volunteer, JOEP.id).status == VolunteerStatus.PENDING
    await h.press(world.coordinator, "Goedkeuren")
    await h.process(callback(world.coordinator, message, f"vol:{JOEP.id}:no", bot=h.bot))
    assert "al beslist" in h.api.calls_to("answerCallbackQuery")[-1].params["text"]
    with world.session() as session:
        assert session.get(Volunteer, JOEP.id).status == VolunteerStatus.APPROVED


async def test_without_admin_rights_the_coordinator_is_told(world: World) -> None:
    h = world.harness
    h.api.fail("createChatInviteLink", "bad_request", description="Bad Request: not enough rights")
    await sign_up(world)
    await approve(world)
    assert "Maak mij beheerder" in h.last_text(world.coordinator)
    await world.deliver()
    assert "coördinator voegt u toe" in h.last_text(JOEP)


async def test_pause_resume_change_and_stop(world: World) -> None:
    h, piet = world.harness, world.volunteer
    await h.command(piet, "/aanbod")
    assert "Actief" in h.last_text(piet)
    await h.press(piet, "Even pauzeren")
    assert "pauze" in h.last_text(piet)
    with world.session() as session:
        assert session.get(Volunteer, piet.id).status == VolunteerStatus.PAUSED
    await h.command(piet, "/aanbod")
    await h.press(piet, "Weer beschikbaar")
    with world.session() as session:
        assert session.get(Volunteer, piet.id).status == VolunteerStatus.APPROVED

    # Changing the offer within the same neighbourhoods needs no new approval.
    await h.command(piet, "/aanbod")
    await h.press(piet, "Wijzigen")
    await h.press(piet, "Tuin")
    await h.press(piet, "Klaar")
    await h.send(piet, "Klimmen")
    await h.press(piet, "Klaar")
    await h.press(piet, "Klaar")
    await h.send(piet, "Overslaan")
    await h.press(piet, "Nee")
    await h.press(piet, "Ik ga akkoord")
    assert "aanbod is aangepast" in h.last_text(piet)
    with world.session() as session:
        assert session.get(Volunteer, piet.id).status == VolunteerStatus.APPROVED

    await h.command(piet, "/aanbod")
    await h.press(piet, "Stoppen als vrijwilliger")
    await h.press(piet, "Ja, ik stop")
    assert "gestopt" in h.last_text(piet)
    with world.session() as session:
        assert session.get(Volunteer, piet.id).status == VolunteerStatus.STOPPED
    await world.deliver()
    assert "stopt" in h.last_text(world.coordinator)


async def test_the_questions_say_where_to_help_and_repeat_the_choices(world: World) -> None:
    h = world.harness
    await h.command(JOEP, "/aanbieden")
    await h.press(JOEP, "Boodschappen")
    await h.press(JOEP, "Tuin")
    await h.press(JOEP, "Klaar")
    assert "U helpt met: 🛒 Boodschappen, " in h.texts(JOEP)[-2] and "Tuin" in h.texts(JOEP)[-2]
    question = h.last_text(JOEP)
    assert "wilt u helpen" in question and "woont u" not in question
    await h.send(JOEP, "Klimmen")
    await h.press(JOEP, "Klaar")
    await h.press(JOEP, "Klaar")
    await h.send(JOEP, "Overslaan")
    await h.press(JOEP, "Nee")
    await h.press(JOEP, "Ik ga akkoord")
    agreement = h.texts(JOEP)[-2]
    assert "Onze afspraken" in agreement and "Uw gegevens" in agreement and "U bent akkoord" in agreement
    assert "coördinator bekijkt uw aanmelding" in h.last_text(JOEP)
    with world.session() as session:
        assert session.get(User, JOEP.id).neighbourhood_slug is None  # where he helps is not where he lives


async def test_every_question_takes_a_typed_answer(world: World) -> None:
    h = world.harness
    await h.send(JOEP, "ik wil graag helpen")
    assert "Waarmee wilt u helpen" in h.last_text(JOEP)
    await h.send(JOEP, "boodschappen en de tuin")
    assert any(label.startswith("✅") and "Tuin" in label for label in h.buttons(JOEP))
    await h.send(JOEP, "klaar")
    assert "wilt u helpen" in h.last_text(JOEP)
    await h.send(JOEP, "Klimmen")
    assert "Gekozen: Klimmen" in h.last_text(JOEP)
    await h.send(JOEP, "klaar")
    assert "Wanneer kunt u" in h.last_text(JOEP)
    await h.send(JOEP, "maandag en woensdag 's avonds")
    await h.send(JOEP, "klaar")
    assert "Mag de coördinator u bellen" in h.last_text(JOEP)
    await h.send(JOEP, "06 12345678")
    assert "re-integratie" in h.last_text(JOEP)
    await h.send(JOEP, "nee hoor")
    assert "Onze afspraken" in h.last_text(JOEP)
    await h.send(JOEP, "ja")
    assert "coördinator bekijkt uw aanmelding" in h.last_text(JOEP)
    with world.session() as session:
        volunteer = session.get(Volunteer, JOEP.id)
        assert volunteer.status == VolunteerStatus.PENDING and not volunteer.reintegration
        assert sorted(volunteer.categories) == ["boodschappen", "tuin"]
        assert set(volunteer.availability) == {"ma", "wo", "avond"}
        assert session.get(VolunteerArea, (JOEP.id, "klimmen")) is not None
        assert session.get(User, JOEP.id).phone == "06 12345678"


async def test_not_knowing_leads_to_the_call_back_and_nonsense_is_asked_again(world: World) -> None:
    h = world.harness
    await h.command(JOEP, "/aanbieden")
    await h.send(JOEP, "blauw")
    assert "begrijp ik niet" in h.last_text(JOEP) and "Waarmee wilt u helpen" in h.last_text(JOEP)
    await h.send(JOEP, "weet ik niet")
    assert "Wij bellen u graag terug" in h.last_text(JOEP)


async def test_a_shared_contact_answers_the_phone_question(world: World) -> None:
    h = world.harness
    await h.command(JOEP, "/aanbieden")
    await h.press(JOEP, "Boodschappen")
    await h.press(JOEP, "Klaar")
    await h.send(JOEP, "Klimmen")
    await h.press(JOEP, "Klaar")
    await h.press(JOEP, "Klaar")
    await h.share_contact(JOEP, "+31687654321")
    assert "re-integratie" in h.last_text(JOEP)
    await h.press(JOEP, "Ja")
    await h.press(JOEP, "Ik ga akkoord")
    with world.session() as session:
        assert session.get(User, JOEP.id).phone == "+31687654321"
        assert session.get(Volunteer, JOEP.id).reintegration


async def test_an_old_sign_up_button_has_expired(world: World) -> None:
    h = world.harness
    await h.command(JOEP, "/aanbieden")
    await h.command(JOEP, "/stop")
    await h.press(JOEP, "Boodschappen")
    assert "werkt niet meer" in world.alert()
    assert "eerdere vraag" in h.last_text(JOEP)
