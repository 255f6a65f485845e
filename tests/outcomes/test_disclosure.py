"""The "< 5" rule for people who see figures but not the cases."""

import pytest
from django.utils import translation

from filrouge import policy
from filrouge.outcomes import disclosure


@pytest.mark.parametrize(("value", "shown"), [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, 5), (120, 120)])
def test_a_count_under_5_is_hidden_when_asked(value, shown):
    with translation.override("fr"):
        assert disclosure.count(value, hide=True) == shown
        assert disclosure.count(value, hide=False) == value


def test_a_share_over_5_people_or_more_is_shown_even_with_a_small_numerator():
    with translation.override("fr"):
        assert disclosure.share(4, 40, hide=True) == 0.1
        assert disclosure.share(0, 5, hide=True) == 0
        assert disclosure.share(4, 4, hide=True) == "< 5"
        assert disclosure.share(0, 0, hide=True) == "< 5"
        assert disclosure.share(5, 20, hide=True) == 0.25
        assert disclosure.share(4, 40, hide=False) == 0.1
        assert disclosure.share(0, 0, hide=False) is None


def test_a_mean_or_median_over_fewer_than_5_people_is_hidden_when_asked():
    with translation.override("fr"):
        assert disclosure.about(12.5, 4, hide=True) == "< 5"
        assert disclosure.about(12.5, 5, hide=True) == 12.5
        assert disclosure.about(12.5, 4, hide=False) == 12.5
        assert disclosure.about(None, 0, hide=False) is None


@pytest.mark.django_db
def test_only_those_who_see_every_services_cases_see_figures_with_names(world):
    assert not policy.figures_without_names(world.users["coach"], [world.a1])
    assert not policy.figures_without_names(world.users["director"], [world.a1, world.a2])
    assert policy.figures_without_names(world.users["coach"], [world.a1, world.a2])
    assert policy.figures_without_names(world.users["funder_viewer"], [world.a1])
    assert policy.figures_without_names(world.users["coach"], [])
