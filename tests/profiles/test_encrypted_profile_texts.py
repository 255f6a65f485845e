"""The profile's texts about the person (skills, soft skills, expectations, an experience's
description, a target job's availability constraints) are encrypted at rest (issue 17): the
database holds ciphertext, every reader (the pages, the revisions, the audit, the export) the text."""

import html
import json

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.profiles.models import Experience, Profile, ProfileRevision, TargetJob
from tests.core.encrypted_fields import clear_in_database, exported, raw, rotate_to_a_new_key, run_steps
from tests.profiles.factories import job_title, profile
from tests.profiles.test_profile import form_data, post, target

pytestmark = pytest.mark.django_db

TEXTS = {
    "skills": "Pétrissage, façonnage",
    "soft_skills": "Ponctuel malgré un traitement lourd",
    "expectations": "Éviter le travail de nuit depuis sa dépression",
}
DESCRIPTION = "Arrêt après un accident du travail"
AVAILABILITY = "Pas le mercredi : dialyse"
CLEAR_WORDS = ("Pétrissage", "traitement", "dépression", "accident", "dialyse")
MIGRATION = "profiles.migrations.0003_encrypt_profile_texts"


def holds_no_clear_word(value: str) -> bool:
    return not any(word in value for word in CLEAR_WORDS)


@pytest.fixture
def saved(client, world):
    """A profile saved through its one form, with an experience and a target job."""
    data = form_data(
        targets=[target(job_title().pk, availability=AVAILABILITY)],
        experiences=[
            {
                "job_title": job_title("Vendeur / Vendeuse en boulangerie-pâtisserie").pk,
                "started_on": "2020-01-06",
                "ended_on": "2021-03-31",
                "description": DESCRIPTION,
            }
        ],
        **TEXTS,
    )
    assert post(client, world, data).status_code == 302
    return Profile.objects.get(person=world.person)


def test_the_texts_saved_through_the_form_are_ciphertext_in_the_database(world, saved):
    experience, target_job = Experience.objects.get(profile=saved), TargetJob.objects.get(profile=saved)
    stored = [raw(Profile, name, saved.pk) for name in TEXTS]
    stored += [raw(Experience, "description", experience.pk), raw(TargetJob, "availability", target_job.pk)]
    for value in stored:
        assert value.startswith("enc:") and holds_no_clear_word(value)
    assert {name: getattr(saved, name) for name in TEXTS} == TEXTS
    assert (experience.description, target_job.availability) == (DESCRIPTION, AVAILABILITY)


def test_the_profile_page_and_its_revision_give_the_texts_back(client, world, saved):
    shown = html.unescape(client.get(reverse("profiles:detail", args=[world.person.pk])).content.decode())
    assert all(text in shown for text in [*TEXTS.values(), DESCRIPTION, AVAILABILITY])

    revision = ProfileRevision.objects.get(person=world.person)
    assert holds_no_clear_word(raw(ProfileRevision, "data", revision.pk))
    assert {name: revision.data[name] for name in TEXTS} == TEXTS
    assert revision.data["experiences"][0]["description"] == DESCRIPTION
    assert revision.data["targets"][0]["availability"] == AVAILABILITY


def test_the_migration_encrypts_texts_stored_in_clear_and_reverses(world, saved):
    experience, target_job = Experience.objects.get(profile=saved), TargetJob.objects.get(profile=saved)
    clear_in_database(Profile, saved.pk, **TEXTS)
    clear_in_database(Experience, experience.pk, description=DESCRIPTION)
    clear_in_database(TargetJob, target_job.pk, availability=AVAILABILITY)
    rows = [(Profile, name, saved.pk) for name in TEXTS]
    rows += [(Experience, "description", experience.pk), (TargetJob, "availability", target_job.pk)]

    run_steps(MIGRATION)
    assert all(raw(*row).startswith("enc:") for row in rows)
    assert Profile.objects.get(pk=saved.pk).expectations == TEXTS["expectations"]
    assert TargetJob.objects.get(pk=target_job.pk).availability == AVAILABILITY

    run_steps(MIGRATION, backwards=True)
    assert [raw(*row) for row in rows] == [*TEXTS.values(), DESCRIPTION, AVAILABILITY]


def test_the_audit_trail_keeps_the_old_and_new_texts(world):
    kept = profile(world.person, skills="Caisse")
    kept.skills = TEXTS["skills"]
    kept.save()
    entry = AuditEntry.objects.filter(kind=Kind.UPDATE, object_type="profiles.profile", object_id=kept.pk)
    assert json.loads(entry.latest("pk").changes)["values"]["skills"] == ["Caisse", TEXTS["skills"]]


def test_the_personal_data_export_holds_the_texts_in_clear(world, saved):
    data = exported(world.person, world.users["head_of_service"])
    assert all(text in data for text in [*TEXTS.values(), DESCRIPTION, AVAILABILITY])


def test_key_rotation_re_encrypts_the_texts(world, saved, settings):
    target_job = TargetJob.objects.get(profile=saved)
    before = raw(TargetJob, "availability", target_job.pk)
    report = rotate_to_a_new_key(settings)
    assert "profiles.Profile: 3 re-encrypted" in report
    assert "profiles.Experience: 1 re-encrypted" in report
    assert "profiles.TargetJob: 1 re-encrypted" in report
    assert raw(TargetJob, "availability", target_job.pk) != before
    again = Profile.objects.get(pk=saved.pk)  # with the new key alone
    assert {name: getattr(again, name) for name in TEXTS} == TEXTS
    assert TargetJob.objects.get(pk=target_job.pk).availability == AVAILABILITY
