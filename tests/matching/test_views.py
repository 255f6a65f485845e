"""The record's "Offres suggérées" tab, proposing and answering, the opening's panel, and the
person's home coordinates on the identity form."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.matching import domain
from filrouge.matching.models import Answer, Proposal
from filrouge.matching.panels import opening_panel
from filrouge.pathways.domain import today
from tests.employers.factories import OpeningFactory
from tests.matching.factories import BAKER, BAKERY_SELLER, CLEANER, target
from tests.pathways.factories import enrol
from tests.profiles.factories import job_title


def opening(world, label=BAKER, **fields):
    return OpeningFactory(company__organisation=world.org_a, job_title=job_title(label), **fields)


def page(client, world, user="coach"):
    client.force_login(world.users[user])
    return client.get(reverse("matching:person_suggestions", args=[world.person.pk]))


def text(response):
    return response.content.decode()


def test_the_tab_lists_suggestions_with_what_fits_and_what_does_not(client, world):
    target(world.person, BAKER, hours_per_week=20, contract_types=["cdi"])
    opening(world, hours_per_week=35, contract_type="temporary")
    response = page(client, world)
    assert response.status_code == 200
    body = text(response)
    assert "35 h par semaine, au-delà des 20 h que la personne peut assumer" in body
    assert "un contrat que la personne n&#x27;accepte pas" in body
    assert "Distance inconnue" in body
    assert "Proposer" in body
    assert "Aucune candidature proposée pour l'instant." in body


def test_empty_states_name_the_missing_target_or_the_missing_opening(client, world):
    body = text(page(client, world))
    assert "Aucun métier visé dans le profil" in body
    assert reverse("profiles:detail", args=[world.person.pk]) in body
    target(world.person, CLEANER)
    opening(world, BAKER)
    assert "Aucune offre ouverte ne correspond" in text(page(client, world))


def test_the_suggestions_page_costs_the_same_queries_whatever_the_number_of_openings(client, world):
    target(world.person, BAKER)
    target(world.person, BAKERY_SELLER)
    opening(world)
    domain.propose(world.enrolment, opening(world), by=world.users["coach"], on=today())
    client.force_login(world.users["coach"])
    url = reverse("matching:person_suggestions", args=[world.person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        opening(world)
        opening(world, BAKERY_SELLER)
    domain.propose(world.enrolment, opening(world, BAKERY_SELLER), by=world.users["coach"], on=today())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["suggestions"]) == 13
    assert len(many) == len(few)


def test_reading_the_tab_is_recorded(client, world):
    page(client, world)
    assert AuditEntry.objects.filter(person_id=world.person.pk, kind="read").exists()


def test_proposing_from_the_tab_then_twice_is_refused_naming_the_date(client, world):
    target(world.person, BAKER)
    job = opening(world)
    client.force_login(world.users["coach"])
    url = reverse("matching:propose", args=[world.person.pk, job.pk])
    back = reverse("matching:person_suggestions", args=[world.person.pk])
    response = client.post(url, {"proposed_on": today().isoformat(), "next": back})
    assert response.status_code == 302 and response["Location"] == back
    proposal = Proposal.objects.get()
    assert (proposal.enrolment, proposal.opening, proposal.proposed_by) == (
        world.enrolment,
        job,
        world.users["coach"],
    )
    again = client.post(url, {"proposed_on": today().isoformat()})
    assert again.status_code == 200
    assert "déjà été proposée pour cette offre le" in text(again)
    assert Proposal.objects.count() == 1
    assert "Proposée le" in text(client.get(back))


def test_an_outside_next_address_is_not_followed(client, world):
    job = opening(world)
    client.force_login(world.users["coach"])
    response = client.post(
        reverse("matching:propose", args=[world.person.pk, job.pk]),
        {"proposed_on": today().isoformat(), "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse("matching:person_suggestions", args=[world.person.pk])


def test_with_two_current_pathways_the_coach_chooses_one(client, world):
    second = enrol(world.a2, person=world.person)
    director = world.users["director"]  # works in both services
    job = opening(world)
    target(world.person, BAKER)
    client.force_login(director)
    url = reverse("matching:propose", args=[world.person.pk, job.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["enrolment"].queryset) == {world.enrolment, second}
    assert 'name="enrolment"' in text(
        client.get(reverse("matching:person_suggestions", args=[world.person.pk]))
    )
    missing = client.post(url, {"proposed_on": today().isoformat()})
    assert missing.status_code == 200 and not Proposal.objects.exists()
    client.post(url, {"proposed_on": today().isoformat(), "enrolment": second.pk})
    assert Proposal.objects.get().enrolment == second


def test_bad_input_re_renders_the_form(client, world):
    job = opening(world)
    client.force_login(world.users["coach"])
    url = reverse("matching:propose", args=[world.person.pk, job.pk])
    response = client.post(url, {"proposed_on": "pas une date", "enrolment": "abc"})
    assert response.status_code == 200
    future = client.post(url, {"proposed_on": (today() + timedelta(days=2)).isoformat()})
    assert future.status_code == 200 and "futur" in text(future)
    assert not Proposal.objects.exists()


def test_answering_before_the_proposal_is_refused_then_recorded(client, world):
    proposal = domain.propose(
        world.enrolment, opening(world), by=world.users["coach"], on=today() - timedelta(days=5)
    )
    client.force_login(world.users["coach"])
    url = reverse("matching:answer", args=[proposal.pk])
    early = client.post(
        url, {"answer": Answer.INTERVIEW, "answered_on": (today() - timedelta(days=6)).isoformat()}
    )
    assert early.status_code == 200 and "ne peut pas précéder la proposition" in text(early)
    done = client.post(
        url, {"answer": Answer.INTERVIEW, "answered_on": today().isoformat(), "comment": "Mardi"}
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.answer, proposal.comment) == (Answer.INTERVIEW, "Mardi")


def test_proposals_of_another_service_stay_hidden(client, world):
    other = enrol(world.a2, person=world.person)
    job = opening(world)
    hidden = domain.propose(other, job, by=world.users["other_service_coach"], on=today())
    body = text(page(client, world))
    assert "Aucune candidature proposée pour l'instant." in body
    assert page(client, world, "other_service_coach").status_code == 200
    assert client.get(reverse("matching:answer", args=[hidden.pk])).status_code == 200
    client.force_login(world.users["coach"])
    assert client.get(reverse("matching:answer", args=[hidden.pk])).status_code == 404
    assert opening_panel(world.users["coach"], job)["matching_proposals"] == []
    assert opening_panel(world.users["other_service_coach"], job)["matching_proposals"] == [hidden]


def test_the_opening_panel_ranks_the_users_candidates_and_renders(rf, world):
    target(world.person, BAKER, hours_per_week=10)
    other = enrol(world.a1)
    target(other.person, BAKER, hours_per_week=30)
    outsider = enrol(world.a2)
    target(outsider.person, BAKER)
    job = opening(world)
    proposal = domain.propose(other, job, by=world.users["coach"], on=today())
    context = opening_panel(world.users["coach"], job)
    assert [line["candidate"].person for line in context["matching_candidates"]] == [
        other.person,
        world.person,
    ]
    assert context["matching_candidates"][0]["proposal"] == proposal
    assert context["matching_candidates"][1]["enrolments"] == [world.enrolment]
    request = rf.get("/offres/1/")
    request.user = world.users["coach"]
    html = render_to_string("matching/_opening_panel.html", context, request=request)
    assert world.person.full_name in html and outsider.person.full_name not in html
    assert "24 h par semaine, au-delà des 10 h" in html
    assert reverse("matching:propose", args=[world.person.pk, job.pk]) in html
    # Whoever works no case (the funder) sees no one.
    assert opening_panel(world.users["funder_viewer"], job)["matching_candidates"] == []


def test_the_identity_form_places_the_home_at_its_commune_for_the_distances(client, world):
    url = reverse("people:edit", args=[world.person.pk])
    client.force_login(world.users["coach"])
    form = client.get(url).context["form"]
    assert "latitude" not in form.fields  # nobody types coordinates
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {
        "date_of_birth": world.person.date_of_birth.isoformat(),
        "postal_code": "26000",
        "city": "valence",
    }
    assert client.post(url, data).status_code == 302
    world.person.refresh_from_db()
    assert (world.person.latitude, world.person.longitude) == (Decimal("44.92342"), Decimal("4.91639"))


def test_the_distance_from_commune_to_commune_is_shown_as_approximate(client, world):
    world.person.postal_code, world.person.city = "26000", "Valence"
    world.person.save()  # placed at Valence: nobody typed a point
    target(world.person, BAKER, mobility_km=30)
    job = OpeningFactory(
        company__organisation=world.org_a,
        job_title=job_title(BAKER),
        postal_code="26100",
        city="Romans-sur-Isère",
    )
    assert job.latitude is not None
    client.force_login(world.users["coach"])
    body = text(client.get(reverse("matching:person_suggestions", args=[world.person.pk])))
    assert "À ≈ 18,5 km, de commune à commune, dans son rayon de 30 km" in body


def test_the_opening_page_shows_the_panel_and_a_proposal_made_from_it_returns_there(client, world):
    target(world.person, BAKER, hours_per_week=20)
    job = opening(world)
    page_url = reverse("employers:opening_detail", args=[job.pk])
    client.force_login(world.users["coach"])
    body = text(client.get(page_url))
    assert world.person.full_name in body and "Proposer" in body
    response = client.post(
        reverse("matching:propose", args=[world.person.pk, job.pk]),
        {"proposed_on": today().isoformat(), "next": page_url},
    )
    assert response["Location"] == page_url
    assert "En attente de réponse" in text(client.get(page_url))
