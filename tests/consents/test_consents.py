import io
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from filrouge import policy
from filrouge.consents import domain
from filrouge.consents.models import (
    Consent,
    ConsentMethod,
    ConsentStatus,
    Disclosure,
    DisclosureLevel,
    Purpose,
)
from filrouge.documents.models import Attachment, AttachmentKind
from filrouge.pathways.domain import today
from filrouge.people.models import ContactKind
from filrouge.profiles.models import BarrierStatus
from tests.accounts.factories import staff
from tests.consents.factories import give, partner
from tests.documents.factories import attachment, upload
from tests.journal.factories import MeetingFactory
from tests.matrix import ANONYMOUS, PERSON_TEAM, SUBJECTS
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory
from tests.profiles.factories import barrier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"
    return settings.PRIVATE_MEDIA_ROOT


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def french_date(day) -> str:
    with translation.override("fr"):
        return date_format(day, "DATE_FORMAT")


# --- The rule: the latest decision applies ----------------------------------------------------------


def test_nothing_may_be_shared_with_a_partner_until_the_person_consents(world):
    coach = world.users["coach"]
    assert not policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, world.contact)
    give(world.person, coach, recipient=world.contact)
    assert policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, world.contact)
    # The consent covers that purpose only, and names its recipient.
    assert not policy.may_share(world.person, Purpose.REPORT_TO_PARTNER, world.contact)
    assert not policy.may_share(world.person, Purpose.PLAN_TO_PARTNER)


def test_a_withdrawal_stops_sharing_and_the_history_keeps_both_decisions(world):
    coach = world.users["coach"]
    given = give(world.person, coach, recipient=world.contact, days_ago=10)
    withdrawn = domain.withdraw(given, by=coach)
    assert not policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, world.contact)
    assert list(domain.history(world.person)) == [withdrawn, given]
    assert withdrawn.status == ConsentStatus.WITHDRAWN and withdrawn.witness == coach
    # The state on a day before the withdrawal is still the consent.
    assert policy.may_share(
        world.person, Purpose.PLAN_TO_PARTNER, world.contact, on=today() - timedelta(days=1)
    )
    # Giving again writes a third row, which applies.
    give(world.person, coach, recipient=world.contact)
    assert policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, world.contact)
    assert Consent.objects.count() == 3


def test_a_consent_for_one_partner_does_not_reach_another(world):
    other = partner(world.person, full_name="Yves Autre")
    give(world.person, world.users["coach"], recipient=world.contact)
    assert not policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, other)


def test_the_funders_purpose_names_no_recipient_and_the_employers_may_name_one(world):
    coach = world.users["coach"]
    give(world.person, coach, purpose=Purpose.FUNDER_FIGURES, recipient_label="Conseil départemental")
    assert policy.may_share(world.person, Purpose.FUNDER_FIGURES)
    give(world.person, coach, purpose=Purpose.EMPLOYER_PROGRESS, recipient_label="Boulangerie Martin")
    assert policy.may_share(world.person, Purpose.EMPLOYER_PROGRESS, "boulangerie martin")
    assert not policy.may_share(world.person, Purpose.EMPLOYER_PROGRESS, "Garage Durand")


def test_a_decision_is_never_changed(world):
    consent = give(world.person, world.users["coach"], recipient=world.contact)
    consent.comment = "changé"
    with pytest.raises(ValueError, match="record a new one"):
        consent.save()


def test_the_database_refuses_a_signed_form_without_its_file_and_an_oral_consent_without_witness(world):
    base = {
        "organisation": world.org_a,
        "person": world.person,
        "purpose": Purpose.PLAN_TO_PARTNER,
        "recipient": world.contact,
        "status": ConsentStatus.GIVEN,
        "decided_on": today(),
        "recorded_by": world.users["coach"],
    }
    for fields in ({"method": ConsentMethod.SIGNED_FORM}, {"method": ConsentMethod.ORAL}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Consent.objects.create(**base | fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            **base | {"recipient": None, "method": ConsentMethod.ORAL, "witness_name": "Léa"}
        )


def refusal(person, **fields) -> dict:
    arguments = {
        "purpose": Purpose.PLAN_TO_PARTNER,
        "status": ConsentStatus.GIVEN,
        "decided_on": today(),
        "method": ConsentMethod.ORAL,
        "by": None,
    } | fields
    with pytest.raises(ValidationError) as refused:
        domain.record_consent(person, **arguments)
    return refused.value.message_dict


def test_the_domain_says_every_mistake_at_once(world):
    errors = refusal(world.person, decided_on=today() + timedelta(days=1))
    assert errors["decided_on"] == ["La date de la décision ne peut pas être dans le futur."]
    assert "Un consentement oral demande un témoin" in errors["witness"][0]
    assert "Choisissez le destinataire" in errors["recipient"][0]
    errors = refusal(world.person, method=ConsentMethod.SIGNED_FORM, recipient=world.contact)
    assert "le formulaire signé" in errors["signed_form"][0]


def test_a_recipient_must_hold_the_purposes_role_around_the_person(world):
    errors = refusal(
        world.person, purpose=Purpose.MEDICAL_EXCHANGE, recipient=world.contact, witness_name="Léa Martin"
    )
    assert "n'est pas référent·e médical·e de la personne" in errors["recipient"][0]
    outsider = ContactFactory(organisation=world.org_b)
    errors = refusal(world.person, recipient=outsider, witness_name="Léa Martin")
    assert "annuaire de l'organisation" in errors["recipient"][0]


def test_a_signed_form_must_be_the_persons_and_a_witness_of_the_organisation(world):
    other_file = attachment(enrol(world.a1).person)
    errors = refusal(
        world.person, method=ConsentMethod.SIGNED_FORM, recipient=world.contact, signed_form=other_file
    )
    assert errors["signed_form"] == ["Ce document n'est pas dans le dossier de la personne."]
    errors = refusal(world.person, recipient=world.contact, witness=world.users["other_org_coach"])
    assert errors["witness"] == ["Le témoin doit être un compte actif de l'organisation."]


def test_a_decision_cannot_be_dated_before_the_one_it_follows(world):
    give(world.person, world.users["coach"], recipient=world.contact)
    errors = refusal(
        world.person,
        status=ConsentStatus.WITHDRAWN,
        recipient=world.contact,
        witness_name="Léa",
        decided_on=today() - timedelta(days=2),
    )
    assert "Une décision plus récente est déjà enregistrée" in errors["decided_on"][0]


def test_consents_are_scoped_like_the_persons_record(world):
    give(world.person, world.users["coach"], recipient=world.contact)
    for user in ("coach", "psychologist", "director"):
        assert policy.scoped_consents(world.users[user]).count() == 1
    for user in ("other_service_coach", "other_org_coach", "dpo", "funder_viewer", "org_admin"):
        assert policy.scoped_consents(world.users[user]).count() == 0
        assert not policy.may_record_consents(world.users[user], world.person)
    assert policy.may_record_consents(world.users["educator"], world.person)


# --- Disclosure to employers --------------------------------------------------------------------------


def test_the_latest_disclosure_decision_applies_for_one_employer_or_all(world):
    coach = world.users["coach"]
    employer = ContactFactory(organisation=world.org_a, kind=domain.EMPLOYER_KIND, full_name="Boulangerie")
    assert domain.current_disclosure(world.person) is None
    assert domain.disclosed_level(world.person, employer) == DisclosureLevel.NOTHING
    domain.record_disclosure(
        world.person, level=DisclosureLevel.SUPPORT, decided_on=today() - timedelta(days=5), by=coach
    )
    specific = domain.record_disclosure(
        world.person,
        level=DisclosureLevel.ADJUSTMENTS,
        decided_on=today() - timedelta(days=2),
        by=coach,
        employer=employer,
    )
    assert domain.current_disclosure(world.person, employer) == specific
    assert specific.covers(DisclosureLevel.RQTH) and not specific.covers(DisclosureLevel.CONDITION)
    assert domain.disclosed_level(world.person) == DisclosureLevel.SUPPORT
    # A later decision for every employer applies to this one too.
    domain.record_disclosure(world.person, level=DisclosureLevel.NOTHING, decided_on=today(), by=coach)
    assert domain.disclosed_level(world.person, employer) == DisclosureLevel.NOTHING
    assert Disclosure.objects.count() == 3


def test_a_disclosure_names_an_employer_of_the_organisation_and_no_future_date(world):
    with pytest.raises(ValidationError) as refused:
        domain.record_disclosure(
            world.person,
            level=DisclosureLevel.RQTH,
            decided_on=today() + timedelta(days=1),
            by=world.users["coach"],
            employer=world.contact,  # a referring partner, not an employer
        )
    errors = refused.value.message_dict
    assert errors["decided_on"] == ["La date de la décision ne peut pas être dans le futur."]
    assert errors["employer"] == ["Choisissez un employeur de l'annuaire de l'organisation."]


# --- The tab ------------------------------------------------------------------------------------------


def test_the_tab_shows_the_state_per_recipient_and_the_dated_history(client, world):
    coach = world.users["coach"]
    medical = partner(world.person, ContactKind.MEDICAL, full_name="Dr Sophie Lemaire")
    given = give(world.person, coach, recipient=world.contact, days_ago=3, comment="Accord en entretien")
    domain.withdraw(given, by=coach)
    give(world.person, coach, purpose=Purpose.REPORT_TO_PARTNER, recipient=world.contact)
    client.force_login(world.users["psychologist"])
    page = text_of(client.get(reverse("consents:person_consents", args=[world.person.pk])))
    assert "Retiré ou refusé le" in page and "Donné le" in page
    assert "Dr Sophie Lemaire" in page and "Jamais demandé" in page  # the medical referent, never asked
    assert "Accord en entretien" in page and f"Témoin : {coach.full_name}" in page
    assert page.count("Oralement, lors d'un entretien, devant un témoin") == 3
    assert medical.full_name in page


@pytest.mark.parametrize("user", ["other_service_coach", "other_org_coach", "dpo", "funder_viewer"])
def test_an_outsider_can_neither_see_nor_record_consents(client, world, user):
    consent = give(world.person, world.users["coach"], recipient=world.contact)
    client.force_login(world.users[user])
    for url in (
        reverse("consents:person_consents", args=[world.person.pk]),
        reverse("consents:record", args=[world.person.pk]),
        reverse("consents:withdraw", args=[consent.pk]),
        reverse("consents:disclosure", args=[world.person.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"decided_on": today().isoformat()}).status_code == 404
    assert Consent.objects.count() == 1 and policy.may_share(
        world.person, Purpose.PLAN_TO_PARTNER, world.contact
    )


def post_consent(client, world, **fields):
    data = {
        "status": ConsentStatus.GIVEN,
        "purpose": Purpose.PLAN_TO_PARTNER,
        "recipient": world.contact.pk,
        "decided_on": today().isoformat(),
        "method": ConsentMethod.ORAL,
        "witness": world.users["coach"].pk,
        "comment": "Dit lors de l'entretien d'accueil",
    } | fields
    client.force_login(world.users["coach"])
    return client.post(reverse("consents:record", args=[world.person.pk]), data)


def test_an_oral_consent_is_recorded_with_its_witness_and_meeting(client, world):
    meeting = MeetingFactory(enrolment=world.enrolment)
    response = post_consent(client, world, meeting=meeting.pk)
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.witness == world.users["coach"] and consent.meeting == meeting
    assert consent.recorded_by == world.users["coach"]
    assert policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, world.contact)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"decided_on": (today() + timedelta(days=3)).isoformat()}, "ne peut pas être dans le futur"),
        ({"witness": ""}, "Un consentement oral demande un témoin"),
        ({"method": ConsentMethod.SIGNED_FORM}, "Un consentement signé demande le formulaire signé"),
        ({"recipient": ""}, "Choisissez le destinataire parmi les partenaires de la personne."),
        ({"purpose": Purpose.EMPLOYER_PROGRESS, "recipient": ""}, "Indiquez l'employeur ou le tuteur"),
    ],
)
def test_a_wrong_consent_form_keeps_what_was_typed_and_says_what_is_wrong(client, world, fields, message):
    response = post_consent(client, world, **fields)
    page = text_of(response)
    assert response.status_code == 200
    assert message in page and "Le formulaire contient des erreurs" in page
    assert "Dit lors de l&#x27;entretien d&#x27;accueil" in response.content.decode()
    assert not Consent.objects.exists() and not Attachment.objects.exists()


def test_a_signed_form_is_uploaded_into_the_persons_documents(client, world):
    response = post_consent(
        client, world, method=ConsentMethod.SIGNED_FORM, witness="", signed_form_file=upload()
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signed_form.kind == AttachmentKind.CONSENT and consent.signed_form.person == world.person
    page = client.get(reverse("consents:person_consents", args=[world.person.pk])).content.decode()
    assert reverse("documents:download", args=[consent.signed_form.pk]) in page


def test_a_file_sent_with_a_refused_decision_is_not_kept(client, world, private_media):
    response = post_consent(
        client,
        world,
        method=ConsentMethod.SIGNED_FORM,
        signed_form_file=upload(),
        decided_on=(today() + timedelta(days=1)).isoformat(),
    )
    assert response.status_code == 200 and "ne peut pas être dans le futur" in text_of(response)
    assert not Attachment.objects.exists() and not Consent.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))


def test_an_already_attached_form_can_be_chosen(client, world):
    form = attachment(world.person, kind=AttachmentKind.CONSENT, title="Formulaire signé")
    assert (
        post_consent(client, world, method=ConsentMethod.SIGNED_FORM, signed_form=form.pk).status_code == 302
    )
    assert Consent.objects.get().signed_form == form


def test_withdrawing_asks_for_confirmation_then_writes_a_new_decision(client, world):
    consent = give(world.person, world.users["coach"], recipient=world.contact, days_ago=4)
    client.force_login(world.users["educator"])
    url = reverse("consents:withdraw", args=[consent.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Retirer le consentement" in text_of(page)
    assert Consent.objects.count() == 1  # GET changes nothing
    assert (
        client.post(url, {"decided_on": today().isoformat(), "comment": "Par téléphone"}).status_code == 302
    )
    latest = domain.current_consent(world.person, Purpose.PLAN_TO_PARTNER, world.contact)
    assert latest.status == ConsentStatus.WITHDRAWN and latest.witness == world.users["educator"]
    assert Consent.objects.count() == 2
    # The old consent is no longer in force: nothing more to withdraw.
    again = client.post(url, {"decided_on": today().isoformat()})
    assert again.status_code == 302 and Consent.objects.count() == 2


def test_a_withdrawal_dated_in_the_future_is_refused_on_the_page(client, world):
    consent = give(world.person, world.users["coach"], recipient=world.contact)
    client.force_login(world.users["coach"])
    response = client.post(
        reverse("consents:withdraw", args=[consent.pk]),
        {"decided_on": (today() + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200 and "ne peut pas être dans le futur" in text_of(response)
    assert policy.may_share(world.person, Purpose.PLAN_TO_PARTNER, world.contact)


def test_the_disclosure_form_records_the_persons_choice(client, world):
    client.force_login(world.users["coach"])
    url = reverse("consents:disclosure", args=[world.person.pk])
    wrong = client.post(url, {"level": DisclosureLevel.RQTH, "decided_on": "2999-01-01", "comment": "gardé"})
    assert wrong.status_code == 200 and "ne peut pas être dans le futur" in text_of(wrong)
    assert "gardé" in text_of(wrong) and not Disclosure.objects.exists()
    done = client.post(url, {"level": DisclosureLevel.RQTH, "decided_on": today().isoformat()})
    assert done.status_code == 302
    assert domain.disclosed_level(world.person) == DisclosureLevel.RQTH
    page = text_of(client.get(reverse("consents:person_consents", args=[world.person.pk])))
    assert "La reconnaissance de travailleur handicapé (RQTH)" in page


# --- Documents for a third party ------------------------------------------------------------------------


@pytest.fixture
def plan(world):
    plan = AgreedPlanFactory(enrolment=world.enrolment)
    ActionFactory(objective=ObjectiveFactory(plan=plan), custom_label="Contacter trois boulangeries")
    health = ObjectiveFactory(plan=plan, custom_label="Reprendre un suivi au CMP")
    health.theme = health.theme.__class__.objects.get(code="sante")
    health.save()
    barrier(world.person, status=BarrierStatus.PRESENT, theme="sante")
    barrier(world.person, status=BarrierStatus.RESOLVED, theme="mobilite")
    return plan


@pytest.fixture
def as_coach(client, world):
    client.force_login(world.users["coach"])
    return client


def test_a_plan_for_the_partner_needs_the_consent_and_stops_at_its_withdrawal(as_coach, world, plan):
    url = reverse("documents:plan_pdf", args=[plan.pk])
    refused = as_coach.get(url, {"destinataire": world.contact_link.pk})
    assert refused.status_code == 403
    message = text_of(refused)
    assert f"Le plan d'action ne peut pas être imprimé pour {world.contact.full_name}" in message
    assert "n'a pas donné son consentement « Partager le plan d'action avec le prescripteur »" in message

    consent = give(world.person, world.users["coach"], recipient=world.contact, days_ago=2)
    shared = as_coach.get(url, {"destinataire": world.contact_link.pk})
    assert shared.status_code == 200 and shared["Content-Type"] == "application/pdf"
    text = pdf_text(shared.content)
    assert f"Destinataire : {world.contact.full_name}, {world.contact.partner_name} (prescripteur)" in text
    assert f"consentement de la personne donné le {french_date(consent.decided_on)}" in text

    domain.withdraw(consent, by=world.users["coach"])
    again = as_coach.get(url, {"destinataire": world.contact_link.pk})
    assert again.status_code == 403 and "a retiré ou refusé son consentement" in text_of(again)
    # For the service and the person, no consent is needed.
    assert as_coach.get(url).status_code == 200


def test_a_consent_for_partner_x_does_not_print_for_partner_y(as_coach, world, plan):
    other = partner(world.person, full_name="Yves Autre")
    give(world.person, world.users["coach"], recipient=world.contact)
    link = other.person_links.get()
    assert (
        as_coach.get(reverse("documents:plan_pdf", args=[plan.pk]), {"destinataire": link.pk}).status_code
        == 403
    )


def test_the_partners_copy_leaves_health_out_and_the_medical_referents_keeps_it(as_coach, world, plan):
    coach = world.users["coach"]
    give(world.person, coach, recipient=world.contact)
    give(world.person, coach, purpose=Purpose.REPORT_TO_PARTNER, recipient=world.contact)
    plan_url = reverse("documents:plan_pdf", args=[plan.pk])
    report_url = reverse("documents:report_pdf", args=[world.enrolment.pk])
    for_partner = pdf_text(as_coach.get(plan_url, {"destinataire": world.contact_link.pk}).content)
    assert "Contacter trois boulangeries" in for_partner and "Reprendre un suivi au CMP" not in for_partner
    assert "Les informations de santé ne figurent pas dans ce document" in for_partner
    report = pdf_text(as_coach.get(report_url, {"destinataire": world.contact_link.pk}).content)
    assert "Santé" not in report and "Mobilité" in report and "RQTH" not in report

    medical = partner(world.person, ContactKind.MEDICAL, full_name="Dr Sophie Lemaire")
    link = medical.person_links.get()
    assert as_coach.get(report_url, {"destinataire": link.pk}).status_code == 403
    give(world.person, coach, purpose=Purpose.MEDICAL_EXCHANGE, recipient=medical)
    for_doctor = pdf_text(as_coach.get(report_url, {"destinataire": link.pk}).content)
    assert "Santé" in for_doctor and "RQTH" in for_doctor and "Dr Sophie Lemaire" in for_doctor
    plan_for_doctor = pdf_text(as_coach.get(plan_url, {"destinataire": link.pk}).content)
    assert "Reprendre un suivi au CMP" in plan_for_doctor
    # The copy for the service keeps everything.
    assert "Reprendre un suivi au CMP" in pdf_text(as_coach.get(plan_url).content)


@pytest.mark.parametrize("value", ["abc", "99999999", "-1", "1" * 40])
def test_an_unknown_recipient_is_not_found(as_coach, world, plan, value):
    assert (
        as_coach.get(reverse("documents:plan_pdf", args=[plan.pk]), {"destinataire": value}).status_code
        == 404
    )


def test_a_recipient_of_another_person_or_role_is_not_found(as_coach, world, plan):
    other = enrol(world.a1).person
    foreign_link = partner(other).person_links.get()
    social = partner(world.person, ContactKind.SOCIAL).person_links.get()
    give(other, world.users["coach"], recipient=foreign_link.contact)
    for link in (foreign_link, social):
        response = as_coach.get(reverse("documents:plan_pdf", args=[plan.pk]), {"destinataire": link.pk})
        assert response.status_code == 404


def test_the_share_pages_say_who_may_receive_the_document(as_coach, world, plan):
    other = partner(world.person, full_name="Yves Autre")
    give(world.person, world.users["coach"], recipient=world.contact)
    page = text_of(as_coach.get(reverse("consents:plan_share", args=[plan.pk])))
    assert f"Pour {world.contact.full_name}" in page and "Sans les informations de santé." in page
    assert (
        "Yves Autre" in page
        and "pas de consentement « Partager le plan d'action avec le prescripteur »" in page
    )
    html = as_coach.get(reverse("consents:plan_share", args=[plan.pk])).content.decode()
    assert f"?destinataire={world.contact_link.pk}" in html
    assert f"?destinataire={other.person_links.get().pk}" not in html
    report = text_of(as_coach.get(reverse("consents:report_share", args=[world.enrolment.pk])))
    assert "pas de consentement « Partager le bilan et la progression avec le prescripteur »" in report


def test_the_plan_and_documents_pages_link_to_the_choice_of_recipient(as_coach, world, plan):
    documents = as_coach.get(reverse("documents:person_documents", args=[world.person.pk])).content.decode()
    assert reverse("consents:plan_share", args=[plan.pk]) in documents
    assert reverse("consents:report_share", args=[world.enrolment.pk]) in documents
    plans = as_coach.get(reverse("plans:person_plans", args=[world.person.pk])).content.decode()
    assert reverse("consents:plan_share", args=[plan.pk]) in plans


def test_the_consents_tab_is_on_the_record(as_coach, world):
    page = as_coach.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert reverse("consents:person_consents", args=[world.person.pk]) in page


def test_a_director_of_another_service_sees_the_consents_of_that_service_only(client, world):
    a2_person = enrol(world.a2).person
    give(a2_person, world.users["other_service_coach"], recipient=partner(a2_person))
    give(world.person, world.users["coach"], recipient=world.contact)
    service = ServiceFactory(organisation=world.org_a, name="A3")
    coach_a3 = staff("coach", service, email="coach@a3.example")
    assert policy.scoped_consents(coach_a3).count() == 0
    assert policy.scoped_consents(world.users["director"]).count() == 2


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_copy_for_a_partner_is_reached_like_the_record_then_needs_the_consent(client, world, plan, subject):
    give(world.person, world.users["coach"], recipient=world.contact)
    give(world.person, world.users["coach"], purpose=Purpose.REPORT_TO_PARTNER, recipient=world.contact)
    if subject != ANONYMOUS:
        client.force_login(world.users[subject])
    for url in (
        reverse("documents:plan_pdf", args=[plan.pk]),
        reverse("documents:report_pdf", args=[world.enrolment.pk]),
    ):
        response = client.get(url, {"destinataire": world.contact_link.pk})
        if subject == ANONYMOUS:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == (200 if subject in PERSON_TEAM else 404)
