"""Reads of a person's record, refused attempts and logins, recorded by the middleware and the
authentication signals; and no page of the case apps left out of the registry."""

import pytest
from django.contrib.auth.signals import user_login_failed
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from filrouge.audit import reads
from filrouge.audit.models import AuditEntry, Kind
from tests.accounts.factories import PASSWORD
from tests.journal.factories import NoteFactory

CASE_APPS = {
    "employers",
    "matching",
    "placements",
    "followalong",
    "people",
    "pathways",
    "profiles",
    "plans",
    "journal",
    "documents",
    "workshops",
    "consents",
    "privacy",
}


def newest(**lookup):
    return AuditEntry.objects.filter(**lookup).latest("pk")


def test_reading_a_note_is_recorded_with_who_where_and_whose_but_not_its_content(client, world):
    note = NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Très confidentiel.")
    client.force_login(world.users["coach"])

    assert client.get(reverse("journal:note_detail", args=[note.pk])).status_code == 200

    entry = newest(kind=Kind.READ)
    assert (entry.object_type, entry.object_id, entry.person_id) == ("journal.note", note.pk, world.person.pk)
    assert entry.actor == world.users["coach"] and entry.address == "127.0.0.1"
    assert entry.organisation_id == world.org_a.pk
    assert entry.detail == "journal:note_detail"
    assert entry.changes == "" and entry.fields == []


def test_reading_the_record_needs_no_content_and_producing_a_pdf_is_an_export(client, world):
    client.force_login(world.users["coach"])
    client.get(reverse("people:detail", args=[world.person.pk]))
    assert newest(kind=Kind.READ).person_id == world.person.pk
    client.get(reverse("documents:report_pdf", args=[world.enrolment.pk]))
    export = newest(kind=Kind.EXPORT)
    assert (export.object_type, export.object_id, export.person_id) == (
        "pathways.enrolment",
        world.enrolment.pk,
        world.person.pk,
    )


def test_changing_the_id_in_the_url_to_another_organisations_record_is_a_refusal_that_names_nobody(
    client, world
):
    from tests.pathways.factories import enrol

    elsewhere = enrol(world.b1).person
    client.force_login(world.users["coach"])

    assert client.get(reverse("people:detail", args=[elsewhere.pk])).status_code == 404

    entry = newest(kind=Kind.DENIED)
    assert entry.actor == world.users["coach"] and entry.organisation_id == world.org_a.pk
    assert (entry.object_type, entry.object_id) == ("people.person", elsewhere.pk)
    assert entry.person_id is None  # organisation A's trail does not name B's person
    assert entry.detail == "people:detail"


def test_a_refused_look_at_a_record_of_ones_organisation_names_the_person(client, world):
    client.force_login(world.users["other_service_coach"])
    assert client.get(reverse("people:timeline", args=[world.person.pk])).status_code == 404
    entry = newest(kind=Kind.DENIED)
    assert entry.person_id == world.person.pk and entry.actor == world.users["other_service_coach"]


def test_a_page_of_the_organisation_refused_by_role_is_recorded(client, world):
    client.force_login(world.users["coach"])
    assert client.get(reverse("audit:home")).status_code == 403
    entry = newest(kind=Kind.DENIED)
    assert entry.detail == "audit:home" and entry.object_type == ""


def test_a_failed_login_is_recorded_against_the_account_without_the_password(client, world):
    coach = world.users["coach"]
    response = client.post(reverse("accounts:login"), {"username": coach.email.upper(), "password": "faux"})
    assert response.status_code == 200
    entry = newest(kind=Kind.LOGIN_FAILED)
    assert (entry.actor, entry.object_id, entry.organisation_id) == (coach, coach.pk, world.org_a.pk)
    assert entry.address == "127.0.0.1" and entry.detail == "password"
    assert "faux" not in str(AuditEntry.objects.filter(pk=entry.pk).values().get())


def test_a_failed_login_on_an_unknown_address_belongs_to_no_organisation_and_keeps_no_address_typed(
    client, db
):
    client.post(reverse("accounts:login"), {"username": "personne@inconnue.example", "password": "x"})
    entry = newest(kind=Kind.LOGIN_FAILED)
    assert entry.organisation_id is None and entry.actor is None and entry.object_id is None
    assert "inconnue" not in str(AuditEntry.objects.filter(pk=entry.pk).values().get())


def test_a_failed_second_factor_is_recorded_as_such(world):
    coach = world.users["coach"]
    user_login_failed.send(
        __name__, credentials={"username": coach.email, "step": "second_factor"}, request=None
    )
    entry = newest(kind=Kind.LOGIN_FAILED)
    assert entry.actor == coach and entry.detail == "second_factor"


def test_a_login_is_recorded(client, world):
    coach = world.users["coach"]
    assert (
        client.post(reverse("accounts:login"), {"username": coach.email, "password": PASSWORD}).status_code
        == 302
    )
    entry = newest(kind=Kind.LOGIN)
    assert entry.actor == coach and entry.address == "127.0.0.1"


def test_anonymous_requests_and_redirects_are_not_reads(client, world):
    before = AuditEntry.objects.filter(kind__in=[Kind.READ, Kind.DENIED]).count()
    client.get(reverse("people:detail", args=[world.person.pk]))  # to the login page
    assert AuditEntry.objects.filter(kind__in=[Kind.READ, Kind.DENIED]).count() == before


def case_app_pages_with_an_id(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from case_app_pages_with_an_id(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name and "<" in str(pattern.pattern):
            name = namespace + pattern.name
            if name.split(":")[0] in CASE_APPS and (
                "pk>" in str(pattern.pattern) or "id:" in str(pattern.pattern)
            ):
                yield name


def test_every_page_of_the_case_apps_with_an_id_is_tracked_or_said_not_to_be_a_read():
    forgotten = set(case_app_pages_with_an_id()) - set(reads.tracked()) - set(reads.ignored())
    assert forgotten == set(), (
        "declare them with filrouge.audit.reads.track() or ignore() in the app's ready()"
    )


def test_every_tracked_page_exists_and_names_a_real_lookup():
    names = set()

    def collect(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                collect(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif pattern.name:
                names.add(namespace + pattern.name)

    collect(get_resolver().url_patterns)
    assert set(reads.tracked()) - names == set()
    for page in reads.tracked().values():
        page.model._base_manager.values_list("pk" if page.person_path == "" else page.person_path).query  # noqa: B018


@pytest.mark.parametrize("name", sorted(reads.ignored()))
def test_every_page_said_not_to_be_a_read_gives_a_reason(name):
    assert len(reads.ignored()[name]) > 10


def test_the_audit_and_the_lockout_read_the_same_client_address_behind_the_proxy(rf, settings):
    from filrouge.accounts import throttle
    from filrouge.audit import api

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7")
    assert api.client_address(request) == "10.0.0.1"
    settings.FILROUGE_TRUSTED_PROXIES = 1
    assert api.client_address(request) == throttle.client_address(request) == "203.0.113.7"
