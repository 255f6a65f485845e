from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.profiles import domain
from filrouge.profiles.models import Barrier, BarrierStatus, Experience, Profile, ProfileRevision, TargetJob
from filrouge.referentials.models import Situation, Theme
from tests.profiles.factories import barrier, job_title, profile, situation

pytestmark = pytest.mark.django_db


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_data(targets=(), experiences=(), **fields):
    data = {"version": "1", "skills": "", "soft_skills": "", "expectations": "", "dream_job": ""}
    data |= (
        management("experiences", len(experiences))
        | management("trainings")
        | management("targets", len(targets))
    )
    for index, experience in enumerate(experiences):
        data |= {f"experiences-{index}-{key}": value for key, value in experience.items()}
    for index, target in enumerate(targets):
        data |= {f"targets-{index}-{key}": value for key, value in target.items()}
    return data | fields


def target(code, **fields):
    return {
        "job_title": str(code),
        "working_time": "part",
        "hours_per_week": "20",
        "mobility_km": "15",
    } | fields


def post(client, world, data, user="coach"):
    client.force_login(world.users[user])
    return client.post(reverse("profiles:edit", args=[world.person.pk]), data)


def test_the_one_form_saves_the_profile_its_targets_and_barriers_together(client, world):
    baker = job_title()
    mobility = situation("mobilite")
    data = form_data(
        targets=[
            target(
                baker.pk,
                contract_types=["cdi", "cdd_long"],
                transport=["public", "bicycle"],
                availability="Pas avant 10 h",
            )
        ],
        experiences=[
            {
                "job_title": job_title("Vendeur / Vendeuse en boulangerie-pâtisserie").pk,
                "started_on": "2020-01-06",
                "ended_on": "2021-03-31",
            }
        ],
        skills="Pétrissage, façonnage",
        dream_job=str(baker.pk),
    )
    data[f"barriers-status_{mobility.pk}"] = BarrierStatus.WORKING_ON
    data[f"barriers-comment_{mobility.pk}"] = "Permis B en cours"

    response = post(client, world, data)

    assert response.status_code == 302
    saved = Profile.objects.get(person=world.person)
    assert saved.dream_job == baker and saved.skills == "Pétrissage, façonnage"
    target_job = TargetJob.objects.get(profile=saved)
    assert target_job.contract_types == ["cdi", "cdd_long"] and target_job.transport == ["public", "bicycle"]
    assert (target_job.hours_per_week, target_job.mobility_km, target_job.position) == (20, 15, 1)
    assert Barrier.objects.get(person=world.person).comment == "Permis B en cours"
    assert ProfileRevision.objects.filter(person=world.person).count() == 1

    page = client.get(reverse("profiles:detail", args=[world.person.pk])).content.decode()
    assert "Boulanger / Boulangère (D1102)" in page
    assert "20 h" in page and "15 km" in page and "Pas avant 10 h" in page
    assert "Permis B en cours" in page and "En cours de traitement" in page


def test_an_experience_ending_before_it_starts_keeps_nothing(client, world):
    data = form_data(
        experiences=[{"job_title": job_title().pk, "started_on": "2022-05-01", "ended_on": "2021-05-01"}],
        skills="Ne doit pas être gardé",
    )
    response = post(client, world, data)
    assert response.status_code == 200
    assert "La fin ne peut pas précéder le début." in response.content.decode()
    assert (
        not Profile.objects.exists()
        and not Experience.objects.exists()
        and not ProfileRevision.objects.exists()
    )


def test_an_unknown_job_title_code_is_refused_with_a_clear_message(client, world):
    response = post(client, world, form_data(targets=[target(99999999)]))
    assert response.status_code == 200
    assert "Cet intitulé de métier n'existe pas dans le référentiel ROME." in unescape(
        response.content.decode()
    )
    assert not TargetJob.objects.exists()


def test_an_unknown_contract_type_is_refused(client, world):
    response = post(
        client, world, form_data(targets=[target(job_title().pk, contract_types=["cdi", "esclavage"])])
    )
    assert response.status_code == 200
    assert "esclavage n’en fait pas partie" in unescape(response.content.decode())
    assert not TargetJob.objects.exists()


def test_a_seventh_target_job_is_refused(client, world):
    titles = list(job_title().occupation.job_titles.values_list("pk", flat=True)[:7])
    assert len(titles) == 7
    response = post(client, world, form_data(targets=[target(code) for code in titles]))
    assert response.status_code == 200
    assert "Six métiers visés au plus" in unescape(response.content.decode())
    assert not TargetJob.objects.exists()


def test_the_profile_as_it_was_on_a_past_date(client, world):
    person = world.person
    profile(person, skills="Anciennes compétences")
    old = ProfileRevision.objects.create(
        person=person, organisation=person.organisation, data=domain.snapshot(person)
    )
    ProfileRevision.objects.filter(pk=old.pk).update(recorded_at=timezone.now() - timedelta(days=30))
    Profile.objects.filter(person=person).update(skills="Nouvelles compétences")
    domain.save_barriers(person, None, {})
    ProfileRevision.objects.create(
        person=person, organisation=person.organisation, data=domain.snapshot(person)
    )

    client.force_login(world.users["coach"])
    url = reverse("profiles:detail", args=[person.pk])
    past = (timezone.localdate() - timedelta(days=20)).isoformat()
    assert "Anciennes compétences" in client.get(url, {"au": past}).content.decode()
    assert "Nouvelles compétences" in client.get(url).content.decode()
    before_all = (timezone.localdate() - timedelta(days=60)).isoformat()
    assert "pas encore été rempli à cette date" in client.get(url, {"au": before_all}).content.decode()
    assert "pas valide" in client.get(url, {"au": "2026-02-31"}).content.decode()


def test_barriers_change_only_when_they_differ_and_not_discussed_rows_are_not_stored(world):
    person = world.person
    mobility, housing = situation("mobilite"), situation("logement")
    domain.save_barriers(
        person, None, {mobility: (BarrierStatus.PRESENT, ""), housing: (BarrierStatus.NOT_DISCUSSED, "")}
    )
    assert list(Barrier.objects.values_list("situation", flat=True)) == [mobility.pk]
    domain.save_barriers(person, None, {mobility: (BarrierStatus.RESOLVED, "Permis obtenu")})
    assert Barrier.objects.get().status == BarrierStatus.RESOLVED


def test_a_services_own_situation_is_offered_only_to_people_of_that_service(world):
    own = Situation.objects.create(
        theme=Theme.objects.get(code="sante"),
        label="Suivi CMP à organiser",
        organisation=world.org_a,
        service=world.a1,
    )
    other = Situation.objects.create(
        theme=Theme.objects.get(code="sante"), label="Propre à A2", organisation=world.org_a, service=world.a2
    )
    offered = set(domain.situations_for(world.person))
    assert own in offered and other not in offered
    assert Situation.objects.national().count() + 1 == len(offered)


def test_the_timeline_tells_each_save_and_the_barriers_lifted(client, world):
    person = world.person
    barrier(person, status=BarrierStatus.PRESENT)
    ProfileRevision.objects.create(
        person=person, organisation=person.organisation, data=domain.snapshot(person)
    )
    Barrier.objects.update(status=BarrierStatus.RESOLVED)
    ProfileRevision.objects.create(
        person=person, organisation=person.organisation, data=domain.snapshot(person)
    )
    client.force_login(world.users["coach"])
    page = client.get(reverse("people:timeline", args=[person.pk])).content.decode()
    assert page.count("Profil professionnel mis à jour") == 2
    assert f"Frein levé : {situation('mobilite').label}" in page


def test_the_profile_pages_stay_within_a_few_queries_when_full(client, world, django_assert_max_num_queries):
    person = world.person
    saved = profile(person, dream_job=job_title())
    for index, title in enumerate(job_title().occupation.job_titles.all()[:6], start=1):
        TargetJob.objects.create(
            profile=saved, organisation=person.organisation, job_title=title, position=index
        )
        Experience.objects.create(
            profile=saved, organisation=person.organisation, job_title=title, started_on="2020-01-01"
        )
    for item in Situation.objects.national()[:30]:
        Barrier.objects.create(
            person=person, organisation=person.organisation, situation=item, status=BarrierStatus.PRESENT
        )
    client.force_login(world.users["coach"])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("profiles:detail", args=[person.pk])).status_code == 200
    with django_assert_max_num_queries(40):  # one per job-title picker: at most 6 targets
        assert client.get(reverse("profiles:edit", args=[person.pk])).status_code == 200


def test_an_outsider_cannot_read_or_write_the_profile(client, world):
    client.force_login(world.users["other_service_coach"])
    assert client.get(reverse("profiles:detail", args=[world.person.pk])).status_code == 404
    assert (
        client.post(reverse("profiles:edit", args=[world.person.pk]), form_data(skills="x")).status_code
        == 404
    )
    assert not Profile.objects.exists()
