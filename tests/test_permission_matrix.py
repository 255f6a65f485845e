"""The permission matrix: every URL × every kind of user → the outcome expected.

Objects named in URLs live in service A1 of organisation A (see `world` in conftest). The
subjects are one account per role in A1, the directors and administrators of A, and the
outsiders: a coach of another service (A2), a coach and an administrator of another
organisation (B). A URL the app exposes that no row covers makes the suite fail.
"""

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.conftest import make_world
from tests.matrix import (
    ADMINS,
    ANONYMOUS,
    BAD_LINK,
    CASE,
    CASE_WORKERS,
    CASELOAD_MANAGERS,
    LOGGED_IN,
    LOGIN,
    PERSON_TEAM,
    SUBJECTS,
    Row,
    a1,
    coach_account,
    coach_membership,
    contact,
    contact_link,
    enrolment,
    person,
    suspension,
)

CORE_ROWS = [
    # Pages of every logged-in user; each role lands on its own home page.
    Row(
        "core:home",
        "GET",
        LOGGED_IN,
        overrides=dict.fromkeys(("director", "org_admin", "funder_viewer", "dpo", "other_org_admin"), 302),
    ),
    Row("core:organisation", "GET", frozenset({"director"}), denied=403),
    Row("core:service_detail", "GET", CASE | {"director", "org_admin"}, kwargs=a1),
    Row("core:healthz", "GET", public=True),
    Row("accounts:profile", "GET", LOGGED_IN),
    Row("accounts:profile", "POST", LOGGED_IN, data={"full_name": ""}),
    # Public pages.
    Row("accounts:login", "GET", public=True, overrides=dict.fromkeys(LOGGED_IN, 302)),
    Row("accounts:login", "POST", public=True, overrides=dict.fromkeys(LOGGED_IN, 302)),
    Row("accounts:logout", "POST", public=True, ok=302),
    Row("accounts:password_reset", "GET", public=True),
    Row("accounts:password_reset", "POST", public=True, ok=302, data={"email": "personne@nulle.example"}),
    Row("accounts:password_reset_done", "GET", public=True),
    Row("accounts:password_reset_confirm", "GET", public=True, kwargs=lambda w: BAD_LINK),
    Row("accounts:password_reset_complete", "GET", public=True),
    Row("accounts:invitation", "GET", public=True, kwargs=lambda w: BAD_LINK),
    Row("set_language", "POST", public=True, ok=302, data={"language": "en", "next": "/"}),
    # Administration of accounts: administrators of the account's organisation only.
    Row("accounts:admin_list", "GET", ADMINS, denied=403),
    Row("accounts:admin_invite", "GET", ADMINS, denied=403),
    Row("accounts:admin_invite", "POST", ADMINS, denied=403),
    Row("accounts:admin_detail", "GET", frozenset({"org_admin"}), kwargs=coach_account),
    Row("accounts:admin_detail", "POST", frozenset({"org_admin"}), kwargs=coach_account),
    Row("accounts:admin_revoke_role", "GET", frozenset({"org_admin"}), kwargs=coach_membership),
    Row("accounts:admin_revoke_role", "POST", frozenset({"org_admin"}), kwargs=coach_membership, ok=302),
    Row("accounts:admin_deactivate", "GET", frozenset({"org_admin"}), kwargs=coach_account),
    Row("accounts:admin_deactivate", "POST", frozenset({"org_admin"}), kwargs=coach_account, ok=302),
    Row("accounts:admin_reactivate", "POST", frozenset({"org_admin"}), kwargs=coach_account, ok=302),
    Row("accounts:admin_resend_invitation", "POST", frozenset({"org_admin"}), kwargs=coach_account, ok=302),
    # The people supported: the service's case workers and directors; 404 for anyone else.
    Row("core:services", "GET", LOGGED_IN),
    Row("people:list", "GET", CASE_WORKERS, denied=403),
    Row("people:create", "GET", CASE_WORKERS, denied=403),
    Row("people:create", "POST", CASE_WORKERS, denied=403),
    Row("people:detail", "GET", PERSON_TEAM, kwargs=person),
    Row("people:edit", "GET", PERSON_TEAM, kwargs=person),
    Row("people:edit", "POST", PERSON_TEAM, kwargs=person),
    Row("people:enrol", "GET", PERSON_TEAM, kwargs=person),
    Row("people:enrol", "POST", PERSON_TEAM, kwargs=person),
    Row("people:timeline", "GET", PERSON_TEAM, kwargs=person),
    Row("people:contact_add", "GET", PERSON_TEAM, kwargs=person),
    Row("people:contact_add", "POST", PERSON_TEAM, kwargs=person),
    Row("people:contact_remove", "GET", PERSON_TEAM, kwargs=contact_link),
    Row("people:contact_remove", "POST", PERSON_TEAM, kwargs=contact_link, ok=302),
    # The partners' directory is the organisation's: any of its case workers.
    Row("people:contacts", "GET", CASE_WORKERS, denied=403),
    # The phone numbers to correct: heads of service and directors, who keep the records' quality.
    Row("people:phones_to_fix", "GET", CASELOAD_MANAGERS, denied=403),
    Row("people:contact_create", "GET", CASE_WORKERS, denied=403),
    Row("people:contact_create", "POST", CASE_WORKERS, denied=403),
    Row(
        "people:contact_edit",
        "GET",
        CASE | {"director", "other_service_coach"},
        kwargs=contact,
        denied=403,
        overrides={"other_org_coach": 404},
    ),
    Row(
        "people:contact_edit",
        "POST",
        CASE | {"director", "other_service_coach"},
        kwargs=contact,
        denied=403,
        overrides={"other_org_coach": 404},
    ),
    # The pathway: the service's case workers; reassignment and caseloads: heads of service.
    Row("pathways:edit", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:edit", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:phase", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:phase", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:exit", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:exit", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:suspend", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:suspend", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:end_suspension", "GET", PERSON_TEAM, kwargs=suspension),
    Row("pathways:end_suspension", "POST", PERSON_TEAM, kwargs=suspension),
    Row("pathways:renew", "GET", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:renew", "POST", PERSON_TEAM, kwargs=enrolment),
    Row("pathways:reassign", "GET", CASELOAD_MANAGERS, kwargs=enrolment),
    Row("pathways:reassign", "POST", CASELOAD_MANAGERS, kwargs=enrolment),
    Row("pathways:service_caseloads", "GET", CASELOAD_MANAGERS, kwargs=a1),
    # The organisation and its services: its administrators only.
    Row("organisations:admin_services", "GET", ADMINS, denied=403),
    Row("organisations:admin_services", "POST", ADMINS, denied=403),
    Row("organisations:admin_service_create", "GET", ADMINS, denied=403),
    Row("organisations:admin_service_create", "POST", ADMINS, denied=403),
    Row("organisations:admin_service_edit", "GET", frozenset({"org_admin"}), kwargs=a1),
    Row("organisations:admin_service_edit", "POST", frozenset({"org_admin"}), kwargs=a1),
    Row("organisations:admin_service_archive", "GET", frozenset({"org_admin"}), kwargs=a1),
    Row("organisations:admin_service_archive", "POST", frozenset({"org_admin"}), kwargs=a1, ok=302),
    Row("organisations:admin_service_restore", "POST", frozenset({"org_admin"}), kwargs=a1, ok=302),
]


def app_rows() -> list[Row]:
    """The rows each app keeps beside its tests, in `tests/<app>/permission_rows.py`."""
    rows = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.ispkg:
            try:
                rows += importlib.import_module(f"tests.{module.name}.permission_rows").ROWS
            except ModuleNotFoundError as error:
                if error.name != f"tests.{module.name}.permission_rows":
                    raise
    return rows


ROWS = CORE_ROWS + app_rows()


def url_patterns(patterns=None, namespace=""):
    """Every URL pattern the app exposes, as (namespaced name or None, route)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            yield (namespace + pattern.name if pattern.name else None), str(pattern.pattern)


def test_every_url_is_in_the_matrix():
    assert {name for name, _ in url_patterns()} - {row.name for row in ROWS} == set()


def test_no_url_goes_without_a_name():
    assert [route for name, route in url_patterns() if name is None] == []


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One `world` for the whole matrix, as Django's setUpTestData does: built once in a
    transaction that is rolled back at the end, while each test runs in a savepoint of its own
    (its requests' writes go with it). Building it for each of the thousands of cases would
    cost most of the suite's time."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = make_world()
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


CASES = [(row, subject) for row in ROWS for subject in SUBJECTS]


@pytest.mark.parametrize(
    ("row", "subject"), CASES, ids=[f"{row.method} {row.name} as {subject}" for row, subject in CASES]
)
def test_permission_matrix(db, client, shared_world, row, subject):
    world = shared_world
    if subject != ANONYMOUS:
        client.force_login(world.users[subject])
    url = reverse(row.name, kwargs=row.kwargs(world))
    response = (
        client.get(url)
        if row.method == "GET"
        else client.post(url, {key: value() if callable(value) else value for key, value in row.data.items()})
    )

    expected = row.expected(subject)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected
