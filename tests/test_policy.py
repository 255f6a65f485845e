"""The policy module's rules, one by one."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from filrouge import policy
from filrouge.policy import Action
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("subject", ["coach", "psychologist", "social_worker", "educator", "head_of_service"])
def test_case_roles_see_the_cases_of_their_service_only(world, subject):
    user = world.users[subject]
    assert policy.can(user, Action.VIEW_CASES, world.a1)
    assert not policy.can(user, Action.VIEW_CASES, world.a2)
    assert not policy.can(user, Action.VIEW_CASES, world.b1)
    assert list(policy.scoped_services(user, Action.VIEW_CASES)) == [world.a1]


def test_directors_see_every_service_of_their_organisation_and_no_other(world):
    director = world.users["director"]
    assert set(policy.scoped_services(director, Action.VIEW_CASES)) == {world.a1, world.a2}
    assert not policy.can(director, Action.VIEW_CASES, world.b1)
    assert policy.can(director, Action.VIEW_ORGANISATION)
    assert not policy.can(director, Action.MANAGE_ACCOUNTS)


def test_administrators_manage_accounts_but_see_no_case_content(world):
    admin = world.users["org_admin"]
    assert policy.can(admin, Action.MANAGE_ACCOUNTS)
    assert policy.can(admin, Action.MANAGE_ACCOUNTS, world.users["coach"])
    assert not policy.can(admin, Action.MANAGE_ACCOUNTS, world.users["other_org_coach"])
    assert not policy.can(admin, Action.VIEW_CASES, world.a1)
    assert not policy.scoped_services(admin, Action.VIEW_CASES).exists()
    assert not policy.can(admin, Action.VIEW_FIGURES, world.a1)


def test_funder_viewers_see_figures_only(world):
    funder = world.users["funder_viewer"]
    assert policy.can(funder, Action.VIEW_FIGURES, world.a1)
    assert not policy.can(funder, Action.VIEW_CASES, world.a1)
    assert not policy.can(funder, Action.VIEW_SERVICE, world.a1)
    assert not policy.can(funder, Action.VIEW_FIGURES, world.a2)


def test_anonymous_inactive_and_roleless_users_get_nothing(world):
    inactive = world.users["coach"]
    inactive.is_active = False
    roleless = UserFactory(organisation=world.org_a)
    for user in (AnonymousUser(), inactive, roleless):
        assert not policy.can(user, Action.VIEW_SERVICE, world.a1)
        assert not policy.scoped_services(user, Action.VIEW_SERVICE).exists()
        assert not policy.scoped_accounts(user).exists()


def test_unknown_actions_and_objects_are_denied(world):
    coach = world.users["coach"]
    assert not policy.can(coach, "delete_everything", world.a1)
    assert not policy.can(world.users["org_admin"], Action.MANAGE_ACCOUNTS, object())
    assert not policy.can(world.users["director"], Action.VIEW_CASES)


def test_archived_services_give_no_access(world):
    world.a1.archived_at = world.a1.created_at
    world.a1.save()
    assert not policy.can(world.users["coach"], Action.VIEW_CASES, world.a1)
    assert not policy.can(world.users["director"], Action.VIEW_CASES, world.a1)


def test_roles_held_in_two_services_are_each_honoured(world):
    from filrouge.accounts.domain import grant_role
    from filrouge.organisations.models import Role

    coach = world.users["coach"]
    grant_role(coach, Role.FUNDER_VIEWER, world.a2)
    assert policy.can(coach, Action.VIEW_CASES, world.a1)
    assert policy.can(coach, Action.VIEW_FIGURES, world.a2)
    assert not policy.can(coach, Action.VIEW_CASES, world.a2)


def test_require_says_404_about_objects_and_403_about_pages(world):
    coach = world.users["coach"]
    with pytest.raises(Http404):
        policy.require(coach, Action.VIEW_CASES, world.b1)
    with pytest.raises(PermissionDenied):
        policy.require(coach, Action.MANAGE_ACCOUNTS)
    policy.require(coach, Action.VIEW_CASES, world.a1)  # allowed: no exception


def test_grants_are_read_once_per_request(world, django_assert_num_queries):
    coach = type(world.users["coach"]).objects.get(pk=world.users["coach"].pk)
    with django_assert_num_queries(1):
        for _ in range(5):
            policy.can(coach, Action.VIEW_CASES, world.a1)
