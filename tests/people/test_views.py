import html
from datetime import timedelta

import pytest
from django.urls import reverse

from filrouge.organisations.models import Role
from filrouge.pathways import domain
from filrouge.pathways.models import Phase
from filrouge.people.models import Contact, Person, PersonContact
from tests.accounts.factories import staff
from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory

pytestmark = pytest.mark.django_db
TODAY = domain.today()


def text(response) -> str:
    return html.unescape(response.content.decode())


def new_person_data(world, **overrides):
    data = {
        "person-first_name": "Hélène",
        "person-birth_name": "Dupré",
        "person-date_of_birth": "1985-06-01",
        "person-phone": "+33 6 12 34 56 78",
        "start-service": world.a1.pk,
        "start-referral_date": (TODAY - timedelta(days=10)).isoformat(),
        "start-primary_coach": world.users["coach"].pk,
        "entry-employment_status": "out_of_work",
        "entry-education_level": "4",
        "entry-rqth_status": "none",
        "entry-housing": "independent",
    }
    return data | overrides


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


def test_creating_a_person_opens_the_first_pathway(coach_client, world):
    response = coach_client.post(reverse("people:create"), new_person_data(world))
    person = Person.objects.get(birth_name="Dupré")
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.phone == "+33612345678"
    assert person.organisation == world.org_a
    enrolment = person.enrolments.get()
    assert (enrolment.service, enrolment.primary_coach, enrolment.phase) == (
        world.a1,
        world.users["coach"],
        Phase.REFERRAL,
    )


def test_the_same_names_and_birth_date_warn_and_link_to_the_existing_record(coach_client, world):
    coach_client.post(reverse("people:create"), new_person_data(world))
    existing = Person.objects.get(birth_name="Dupré")
    again = new_person_data(world, **{"person-first_name": "helene", "person-birth_name": "DUPRE"})
    response = coach_client.post(reverse("people:create"), again)
    assert response.status_code == 200
    assert "existe déjà" in text(response)
    assert reverse("people:detail", args=[existing.pk]) in text(response)
    assert Person.objects.filter(date_of_birth="1985-06-01").count() == 1
    response = coach_client.post(reverse("people:create"), again | {"not_a_duplicate": "1"})
    assert response.status_code == 302
    assert Person.objects.filter(date_of_birth="1985-06-01").count() == 2


def test_a_duplicate_in_a_service_the_user_cannot_see_is_not_linked(client, world):
    client.force_login(world.users["other_service_coach"])
    data = new_person_data(
        world,
        **{
            "person-first_name": world.person.first_name,
            "person-birth_name": world.person.birth_name,
            "person-date_of_birth": world.person.date_of_birth.isoformat(),
            "start-service": world.a2.pk,
            "start-primary_coach": world.users["other_service_coach"].pk,
        },
    )
    response = client.post(reverse("people:create"), data)
    assert "existe déjà" in text(response)
    assert reverse("people:detail", args=[world.person.pk]) not in text(response)
    assert "où vous n'intervenez pas" in text(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person-date_of_birth", (TODAY.replace(year=TODAY.year - 3)).isoformat(), "vérifiez-la"),
        ("person-date_of_birth", "1890-01-01", "vérifiez-la"),
        ("person-date_of_birth", "31/02/1990", "Saisissez une date valide"),
        ("person-phone", "12345", "numéro français"),
        ("person-first_name", "x" * 101, "au plus 100 caractères"),
        ("start-referral_date", (TODAY + timedelta(days=3)).isoformat(), "futur"),
        ("start-service", "999999", "Sélectionnez un choix valide"),
        ("entry-rqth_granted_on", "2020-01-01", "seulement demandée"),
    ],
)
def test_bad_input_gives_a_french_message_and_creates_nothing(coach_client, world, field, value, message):
    data = new_person_data(world, **{field: value})
    if field == "entry-rqth_granted_on":
        data["entry-rqth_status"] = "requested"
    response = coach_client.post(reverse("people:create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert not Person.objects.filter(birth_name="Dupré").exists()


def test_a_refused_pathway_leaves_no_person_behind(coach_client, world):
    data = new_person_data(world, **{"start-intake_date": (TODAY - timedelta(days=20)).isoformat()})
    response = coach_client.post(reverse("people:create"), data)
    assert "ne peut pas précéder" in text(response)
    assert not Person.objects.filter(birth_name="Dupré").exists()


def test_two_coaches_saving_the_same_record_the_second_is_told_and_sees_both_versions(client, world):
    url = reverse("people:edit", args=[world.person.pk])
    client.force_login(world.users["coach"])
    form = client.get(url).context["form"]
    base = {name: form[name].value() or "" for name in form.fields}
    base["date_of_birth"] = world.person.date_of_birth.isoformat()

    first = client.post(url, base | {"phone": "06 11 11 11 11"})
    assert first.status_code == 302
    second = client.post(url, base | {"phone": "07 22 22 22 22"})  # built from the same version
    assert second.status_code == 200
    assert "modifié par quelqu'un d'autre" in text(second)
    assert {"label": "téléphone", "saved": "06 11 11 11 11", "yours": "07 22 22 22 22"} in [
        {**row, "label": str(row["label"]).lower()} for row in second.context["form"].conflict
    ]
    world.person.refresh_from_db()
    assert world.person.phone == "+33611111111"  # nothing silently overwritten

    resent = client.post(url, second.context["form"].data.dict())  # sent again, knowingly
    assert resent.status_code == 302
    world.person.refresh_from_db()
    assert world.person.phone == "+33722222222"


def test_the_record_shows_only_the_pathways_of_services_the_user_works_in(client, world):
    enrol(world.a2, world.users["other_service_coach"], person=world.person)
    client.force_login(world.users["coach"])
    response = client.get(reverse("people:detail", args=[world.person.pk]))
    assert [e.service for e in response.context["enrolments"]] == [world.a1]
    client.force_login(world.users["director"])
    response = client.get(reverse("people:detail", args=[world.person.pk]))
    assert {e.service for e in response.context["enrolments"]} == {world.a1, world.a2}


def test_the_record_page_costs_the_same_queries_with_a_longer_history(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["coach"])
    url = reverse("people:detail", args=[world.person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    domain.end_suspension(world.suspension, TODAY)
    for number in range(4):
        domain.suspend(
            world.enrolment,
            start=TODAY - timedelta(days=40 - number * 5),
            end=TODAY - timedelta(days=39 - number * 5),
            reason="health",
            by=None,
        )
        PersonContact.objects.create(
            organisation=world.org_a,
            person=world.person,
            contact=ContactFactory(organisation=world.org_a),
            relation="medical",
        )
    with CaptureQueriesContext(connection) as long:
        client.get(url)
    assert len(long.captured_queries) == len(short.captured_queries)


def test_the_timeline_shows_every_step_newest_first_and_filters_by_kind(coach_client, world):
    domain.change_phase(world.enrolment, Phase.PROFILE, TODAY, world.users["coach"], "Premier entretien")
    url = reverse("people:timeline", args=[world.person.pk])
    events = coach_client.get(url).context["page"].object_list
    assert [event.kind for event in events][:1] == ["phase"]
    assert events[0].title == "Étape : Profil professionnel"
    assert {event.kind for event in events} == {"phase", "suspension"}
    only = coach_client.get(url, {"type": "suspension"}).context["page"].object_list
    assert {event.kind for event in only} == {"suspension"}
    assert coach_client.get(url, {"type": "pirate", "page": "x"}).status_code == 200


def test_the_timeline_is_paginated(coach_client, world):
    for number in range(25):
        world.enrolment.phase_changes.create(
            organisation=world.org_a, phase=Phase.PROFILE, changed_on=TODAY - timedelta(days=number)
        )
    page = coach_client.get(reverse("people:timeline", args=[world.person.pk])).context["page"]
    assert len(page.object_list) == 20 and page.paginator.num_pages == 2


def test_a_partner_is_linked_from_the_directory_or_created_on_the_way(coach_client, world):
    url = reverse("people:contact_add", args=[world.person.pk])
    response = coach_client.post(url, {"relation": "medical", "contact": world.contact.pk})
    assert response.status_code == 302
    response = coach_client.post(
        url,
        {
            "relation": "social",
            "new-full_name": "Inès Sociale",
            "new-partner_name": "CCAS Valence",
            "new-kind": "social",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get(full_name="Inès Sociale").organisation == world.org_a
    assert set(world.person.contact_links.values_list("relation", flat=True)) == {
        "referring_partner",
        "medical",
        "social",
    }


def test_adding_a_partner_without_choosing_one_is_refused(coach_client, world):
    response = coach_client.post(
        reverse("people:contact_add", args=[world.person.pk]), {"relation": "medical"}
    )
    assert response.status_code == 200
    assert "Choisissez un partenaire" in text(response)


def test_a_partner_of_another_organisation_cannot_be_linked(coach_client, world):
    foreign = ContactFactory(organisation=world.org_b)
    response = coach_client.post(
        reverse("people:contact_add", args=[world.person.pk]), {"relation": "medical", "contact": foreign.pk}
    )
    assert response.status_code == 200
    assert not world.person.contact_links.filter(contact=foreign).exists()


def test_the_people_list_searches_without_accents_and_shows_exited_pathways_apart(coach_client, world):
    world.person.first_name, world.person.birth_name = "Hélène", "Dupré"
    world.person.save()
    rows = coach_client.get(reverse("people:list"), {"q": "HELENE dupre"}).context["page"].object_list
    assert [row.person for row in rows] == [world.person]
    domain.record_exit(world.enrolment, on=TODAY, outcome="moved", by=None)
    assert not coach_client.get(reverse("people:list")).context["page"].object_list
    exited = coach_client.get(reverse("people:list"), {"statut": "exited"}).context["page"].object_list
    assert [row.person for row in exited] == [world.person]


def test_re_enrolling_after_an_exit(coach_client, world):
    domain.record_exit(world.enrolment, on=TODAY, outcome="no_contact", by=None)
    data = {key.replace("person-", "x-"): value for key, value in new_person_data(world).items()}
    response = coach_client.post(reverse("people:enrol", args=[world.person.pk]), data)
    assert response.status_code == 302
    assert world.person.enrolments.count() == 2
    assert world.person.enrolments.current().count() == 1


def test_the_directors_see_people_of_every_service_but_administrators_none(client, world):
    client.force_login(world.users["director"])
    assert client.get(reverse("people:detail", args=[world.person.pk])).status_code == 200
    staff_admin = staff(Role.ORG_ADMIN, organisation=world.org_a)
    client.force_login(staff_admin)
    assert client.get(reverse("people:detail", args=[world.person.pk])).status_code == 404


def test_an_empty_partner_form_says_one_thing_only(coach_client, world):
    response = coach_client.post(
        reverse("people:contact_add", args=[world.person.pk]), {"relation": "medical"}
    )
    assert not response.context["new_contact"].errors
