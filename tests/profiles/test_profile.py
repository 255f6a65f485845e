from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.core.versioning import VersionConflict
from filrouge.profiles import domain
from filrouge.profiles.forms import ProfileForm
from filrouge.profiles.models import Barrier, BarrierStatus, Experience, Profile, ProfileRevision, TargetJob
from filrouge.referentials.models import Situation, Theme
from tests.pathways.factories import enrol
from tests.profiles.factories import barrier, job_title, profile, revision, situation

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
    with django_assert_max_num_queries(24):  # the navigation's question and the audit entry included
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


def nothing_saved(world):
    return (
        not Profile.objects.filter(person=world.person).exists()
        and not Barrier.objects.filter(person=world.person).exists()
        and not TargetJob.objects.exists()
        and not ProfileRevision.objects.exists()
    )


def own_situation(service, **fields):
    return Situation.objects.create(
        theme=Theme.objects.get(code="sante"),
        label=f"Propre à {service.name}",
        organisation=service.organisation,
        service=service,
        **fields,
    )


@pytest.mark.parametrize("field", ["status", "comment"])
@pytest.mark.parametrize("where", ["unknown", "other_service", "archived"])
def test_a_barrier_row_for_a_situation_not_offered_is_refused_and_nothing_is_saved(
    client, world, field, where
):
    situation_id = {
        "unknown": lambda: 99999,
        "other_service": lambda: own_situation(world.a2).pk,
        "archived": lambda: own_situation(world.a1, archived_at=timezone.now()).pk,
    }[where]()
    mobility = situation("mobilite")
    data = form_data(skills="Ne doit pas être gardé") | {
        f"barriers-status_{mobility.pk}": BarrierStatus.PRESENT,
        f"barriers-{field}_{situation_id}": BarrierStatus.PRESENT if field == "status" else "Commentaire",
    }
    response = post(client, world, data)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Le profil n'est pas enregistré" in page
    assert f"qui ne sont pas proposées pour cette personne (n° {situation_id})" in page
    assert nothing_saved(world)


def test_an_unknown_barrier_status_is_refused(client, world):
    mobility = situation("mobilite")
    response = post(client, world, form_data(skills="x") | {f"barriers-status_{mobility.pk}": "oublie"})
    assert response.status_code == 200
    assert "oublie n’en fait pas partie" in unescape(response.content.decode())
    assert nothing_saved(world)


def test_an_unknown_transport_is_refused(client, world):
    response = post(
        client, world, form_data(targets=[target(job_title().pk, transport=["public", "teleporteur"])])
    )
    assert response.status_code == 200
    assert "teleporteur n’en fait pas partie" in unescape(response.content.decode())
    assert nothing_saved(world)


def test_more_than_48_hours_a_week_is_refused(client, world):
    response = post(client, world, form_data(targets=[target(job_title().pk, hours_per_week="49")]))
    assert response.status_code == 200
    assert "inférieure ou égale à 48" in unescape(response.content.decode())
    assert nothing_saved(world)


def saved_profile_with_targets(world, count):
    saved = profile(world.person, skills="Avant")
    titles = list(job_title().occupation.job_titles.order_by("pk")[:count])
    targets = [
        TargetJob.objects.create(profile=saved, organisation=world.org_a, job_title=title, position=index)
        for index, title in enumerate(titles, start=1)
    ]
    return saved, targets


def existing_targets_data(saved, targets, extra=(), **fields):
    """The edit form as the page sends it for a saved profile: its targets, then `extra` new ones."""
    data = form_data(version=str(saved.version), skills=saved.skills) | management(
        "targets", len(targets) + len(extra), len(targets)
    )
    for index, existing in enumerate(targets):
        data |= {f"targets-{index}-{key}": value for key, value in target(existing.job_title_id).items()}
        data[f"targets-{index}-id"] = str(existing.pk)
        data[f"targets-{index}-profile"] = str(saved.pk)
    for index, new in enumerate(extra, start=len(targets)):
        data |= {f"targets-{index}-{key}": value for key, value in new.items()}
    return data | fields


def test_a_target_is_deleted_through_the_formset_and_its_position_reused(client, world):
    saved, (first, second) = saved_profile_with_targets(world, 2)
    data = existing_targets_data(saved, [first, second]) | {"targets-0-DELETE": "on"}
    assert post(client, world, data).status_code == 302
    assert list(TargetJob.objects.values_list("pk", flat=True)) == [second.pk]
    assert [t["job"]["code"] for t in ProfileRevision.objects.get().data["targets"]] == [second.job_title_id]

    saved.refresh_from_db()
    again = existing_targets_data(saved, [second], extra=[target(first.job_title_id)])
    assert post(client, world, again).status_code == 302
    assert TargetJob.objects.get(job_title=first.job_title).position == 1  # the freed position


def test_a_profile_saved_meanwhile_shows_the_conflict_and_keeps_the_other_save(client, world):
    saved = profile(world.person, skills="Saisi par une collègue", version=2)
    response = post(client, world, form_data(version="1", skills="Ma saisie"))
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "modifié par quelqu'un d'autre pendant votre saisie" in page
    assert [(row["saved"], row["yours"]) for row in response.context["form"].conflict] == [
        ("Saisi par une collègue", "Ma saisie")
    ]
    saved.refresh_from_db()
    assert (saved.skills, saved.version) == ("Saisi par une collègue", 2)
    assert not ProfileRevision.objects.exists()
    # Sent again from the page, it overwrites knowingly.
    assert post(client, world, form_data(version="2", skills="Ma saisie")).status_code == 302
    saved.refresh_from_db()
    assert (saved.skills, saved.version) == ("Ma saisie", 3)


def test_two_saves_taking_the_same_target_position_refuse_the_second_cleanly(client, world, monkeypatch):
    saved, (first,) = saved_profile_with_targets(world, 1)
    other = job_title("Vendeur / Vendeuse en boulangerie-pâtisserie")
    # As if a concurrent save had read the same free position: the unique constraint refuses it.
    monkeypatch.setattr(domain, "free_position", lambda profile: 1)
    response = post(
        client, world, existing_targets_data(saved, [first], extra=[target(other.pk)], skills="Après")
    )
    assert response.status_code == 200  # the page is shown again: the request's transaction is usable
    assert "Quelqu'un vient d'enregistrer le profil de cette personne" in unescape(response.content.decode())
    saved.refresh_from_db()
    assert (saved.skills, saved.version) == ("Avant", 1)
    assert list(TargetJob.objects.values_list("pk", flat=True)) == [first.pk]
    assert not ProfileRevision.objects.exists()


def test_a_save_committed_after_the_form_was_checked_is_not_overwritten(world):
    saved = profile(world.person, skills="Avant")
    form = ProfileForm(form_data(version="1", skills="Après"), instance=saved)
    assert form.is_valid()
    Profile.objects.filter(pk=saved.pk).update(skills="Entre-temps", version=2)  # another request
    with pytest.raises(VersionConflict, match="modifié par quelqu'un d'autre"):
        domain.save_profile(world.person, None, form, [], {})
    saved.refresh_from_db()
    assert (saved.skills, saved.version) == ("Entre-temps", 2)
    assert not ProfileRevision.objects.exists()


def test_each_revision_of_a_day_is_shown_by_its_own_link(client, world):
    person = world.person
    profile(person, skills="Premier enregistrement")
    first = revision(person, domain.snapshot(person))
    Profile.objects.filter(person=person).update(skills="Second enregistrement")
    second = revision(person, domain.snapshot(person))
    client.force_login(world.users["coach"])
    url = reverse("profiles:detail", args=[person.pk])

    history = client.get(url).content.decode()
    assert f'href="?revision={first.pk}"' in history and f'href="?revision={second.pk}"' in history
    page = unescape(client.get(url, {"revision": first.pk}).content.decode())
    assert "Premier enregistrement" in page and "Second enregistrement" not in page
    assert "Profil tel qu'il a été enregistré le" in page
    assert f'href="?revision={first.pk}" aria-current="true"' in page
    assert "Second enregistrement" in client.get(url, {"revision": second.pk}).content.decode()
    # The day still shows that day's last save.
    today = client.get(url, {"au": timezone.localdate().isoformat()}).content.decode()
    assert "Second enregistrement" in today and "Premier enregistrement" not in today


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "1.5", " 1", "١", "99999999999999999999"])
def test_a_malformed_revision_id_is_not_found(client, world, value):
    revision(world.person, domain.snapshot(world.person))
    client.force_login(world.users["coach"])
    response = client.get(reverse("profiles:detail", args=[world.person.pk]), {"revision": value})
    assert response.status_code == 404


def test_another_persons_revision_is_not_found_through_this_person(client, world):
    other = enrol(world.a1, coach=world.users["coach"]).person
    theirs = revision(other, domain.snapshot(other))
    client.force_login(world.users["coach"])
    url = reverse("profiles:detail", args=[world.person.pk])
    assert client.get(url, {"revision": theirs.pk}).status_code == 404
    assert client.get(url, {"revision": theirs.pk + 1000}).status_code == 404
    own = reverse("profiles:detail", args=[other.pk])
    assert client.get(own, {"revision": theirs.pk}).status_code == 200
