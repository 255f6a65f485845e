"""The renewal of an immersion (PMSMP, Code du travail D5135-3): once, for at most one more month
de date à date, from the day after its planned end, with its reason."""

import re
import threading
import time
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from filrouge.pathways.domain import today
from filrouge.people.models import ANONYMISED_RECORD, Person
from filrouge.placements import domain
from filrouge.placements.models import (
    EndReason,
    ImmersionAssessment,
    ImmersionRenewal,
    Placement,
)
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory, immersion

pytestmark = pytest.mark.django_db

ALREADY = "Cette immersion a déjà été renouvelée une fois : une PMSMP ne se renouvelle qu'une fois."
REASON = "Confirmer le projet : l'accueil des clients reste à découvrir."


@pytest.fixture(autouse=True)
def in_french():
    with translation.override("fr"):
        yield


def last_year(month: int, day: int) -> date:
    return date(today().year - 1, month, day)


@pytest.fixture
def march(world) -> Placement:
    """An immersion from 3 March to 2 April last year (one month, de date à date), not yet ended,
    in a pathway begun long before."""
    enrolment = enrol(world.a1, coach=world.users["coach"], days_ago=800)
    return immersion(enrolment, started_on=last_year(3, 3), planned_end_on=last_year(4, 2))


def refusal(placement, **arguments) -> dict:
    with pytest.raises(ValidationError) as caught:
        domain.renew_immersion(placement, None, **({"ends_on": None, "reason": REASON} | arguments))
    return caught.value.message_dict


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


# --- The rule ------------------------------------------------------------------------------------


def test_exactly_one_more_month_is_accepted_from_the_day_after_the_planned_end(march, world):
    by = world.users["coach"]
    renewal = domain.renew_immersion(march, by, ends_on=last_year(5, 2), reason=f"  {REASON}\n")
    renewal.refresh_from_db()
    assert (renewal.starts_on, renewal.ends_on) == (last_year(4, 3), last_year(5, 2))
    assert renewal.reason == REASON and renewal.created_by == by
    assert renewal.organisation_id == march.organisation_id
    march.refresh_from_db()
    assert march.planned_end_on == last_year(4, 2)  # the first period stays as it was


def test_one_day_more_is_refused_with_the_latest_end_and_nothing_is_written(march):
    errors = refusal(march, ends_on=last_year(5, 3))
    year = today().year - 1
    assert errors == {
        "ends_on": [
            f"Un renouvellement dure au plus un mois, de date à date : commencé le 3 avril {year}, "
            f"il finit au plus tard le 2 mai {year}."
        ]
    }
    assert not ImmersionRenewal.objects.exists()


@pytest.mark.parametrize(
    ("renewed_from", "latest"),
    [
        # From 31 January, the month ends on the last day of February.
        ((1, 31), lambda year: date(year, 3, 1) - timedelta(days=1)),
        # From 1 March, on 31 March.
        ((3, 1), lambda year: date(year, 3, 31)),
    ],
)
def test_the_month_of_a_renewal_runs_de_date_a_date_at_the_end_of_a_month(world, renewed_from, latest):
    enrolment = enrol(world.a1, days_ago=800)
    starts_on = last_year(*renewed_from)
    end = starts_on - timedelta(days=1)
    placement = immersion(enrolment, started_on=end - timedelta(days=13), planned_end_on=end)
    latest_end = latest(starts_on.year)
    assert domain.renewal_latest_end(placement) == latest_end
    assert "ends_on" in refusal(placement, ends_on=latest_end + timedelta(days=1))
    renewal = domain.renew_immersion(placement, None, ends_on=latest_end, reason=REASON)
    assert (renewal.starts_on, renewal.ends_on) == (starts_on, latest_end)


def test_an_end_missing_or_before_the_renewal_begins_is_refused(march):
    assert refusal(march, ends_on=None) == {"ends_on": ["Indiquez la fin du renouvellement."]}
    errors = refusal(march, ends_on=last_year(4, 2))
    year = today().year - 1
    assert errors["ends_on"] == [
        f"Le renouvellement commence le 3 avril {year}, le lendemain de la fin prévue de l'immersion : "
        "sa fin ne peut pas le précéder."
    ]
    # A renewal of one day is a renewal.
    assert domain.renew_immersion(march, None, ends_on=last_year(4, 3), reason=REASON).ends_on == last_year(
        4, 3
    )


def test_a_second_renewal_is_refused(march):
    domain.renew_immersion(march, None, ends_on=last_year(4, 20), reason=REASON)
    errors = refusal(march, ends_on=last_year(5, 2))
    assert errors == {"__all__": [ALREADY]}
    assert ImmersionRenewal.objects.get().ends_on == last_year(4, 20)


def test_a_renewal_at_the_same_moment_past_the_check_still_ends_in_the_clear_message(march, monkeypatch):
    """Should two renewals both pass the check (no row lock), the one-to-one refuses the second
    one, in a savepoint: the clear message, and the request's transaction goes on."""
    domain.renew_immersion(march, None, ends_on=last_year(4, 20), reason=REASON)
    monkeypatch.setattr(domain, "is_renewed", lambda placement: False)
    assert refusal(march, ends_on=last_year(5, 2)) == {"__all__": [ALREADY]}
    assert ImmersionRenewal.objects.count() == 1  # the transaction is still usable


def test_an_ended_immersion_is_not_renewed(march):
    Placement.objects.filter(pk=march.pk).update(
        ended_on=last_year(4, 2), end_reason=EndReason.END_OF_TERM, assessment=ImmersionAssessment.PARTLY
    )
    errors = refusal(march, ends_on=last_year(5, 2))
    assert errors == {"__all__": ["Cette immersion est terminée : elle ne se renouvelle plus."]}
    assert not ImmersionRenewal.objects.exists()


def test_only_an_immersion_is_renewed(world):
    job = PlacementFactory(enrolment=world.enrolment)
    errors = refusal(job, ends_on=today())
    assert errors == {"__all__": ["Seule une immersion (PMSMP) se renouvelle."]}
    assert not domain.may_renew(job)
    assert not ImmersionRenewal.objects.exists()


def test_a_blank_reason_is_refused_and_nothing_is_written(march):
    errors = refusal(march, ends_on=last_year(5, 2), reason="  \n ")
    assert errors == {
        "reason": ["Indiquez le motif du renouvellement : les objectifs de l'immersion pas encore atteints."]
    }
    assert not ImmersionRenewal.objects.exists()


def test_every_mistake_is_reported_at_once(march):
    Placement.objects.filter(pk=march.pk).update(
        ended_on=last_year(4, 1), end_reason=EndReason.END_OF_TERM, assessment=ImmersionAssessment.PARTLY
    )
    assert set(refusal(march, ends_on=last_year(6, 1), reason="")) == {"__all__", "ends_on", "reason"}


def test_an_anonymised_record_is_not_renewed(march):
    Person.objects.filter(pk=march.enrolment.person_id).update(anonymised_at=timezone.now())
    assert refusal(march, ends_on=last_year(5, 2))["__all__"] == [str(ANONYMISED_RECORD)]
    assert not ImmersionRenewal.objects.exists()


def test_once_renewed_the_planned_end_of_the_first_period_no_longer_moves(march, world):
    domain.renew_immersion(march, None, ends_on=last_year(5, 2), reason=REASON)
    details = {name: getattr(march, name) for name in domain.DETAIL_FIELDS}
    year = today().year - 1
    with pytest.raises(ValidationError) as caught:
        domain.update_placement(march, None, **(details | {"planned_end_on": last_year(3, 20)}))
    assert caught.value.message_dict["planned_end_on"] == [
        f"Cette immersion a été renouvelée du 3 avril {year} au 2 mai {year} : la fin de sa première "
        f"période (2 avril {year}) ne se modifie plus."
    ]
    # Its other details are still corrected.
    domain.update_placement(march, None, **(details | {"hours_per_week": 20}))
    march.refresh_from_db()
    assert (march.hours_per_week, march.planned_end_on) == (20, last_year(4, 2))


def test_a_renewed_immersion_ends_up_to_the_renewals_end(march, world):
    domain.renew_immersion(march, None, ends_on=last_year(5, 2), reason=REASON)
    domain.end_placement(
        march,
        world.users["coach"],
        ended_on=last_year(5, 2),
        reason=EndReason.END_OF_TERM,
        assessment=ImmersionAssessment.COMPLETED,
        led_to_job=False,
    )
    march.refresh_from_db()
    assert march.ended_on == last_year(5, 2)
    assert not domain.may_renew(march)


# --- The pages -----------------------------------------------------------------------------------


@pytest.fixture
def as_coach(client, world):
    client.force_login(world.users["coach"])
    return client


@pytest.fixture
def ongoing(world) -> Placement:
    """An immersion of two weeks begun today, in the world's pathway."""
    return immersion(world.enrolment, started_on=today(), planned_end_on=today() + timedelta(days=13))


def long(value: date) -> str:
    return domain.long_day(value)


def test_the_detail_page_offers_the_renewal_of_an_ongoing_immersion_only(as_coach, world, ongoing):
    url = reverse("placements:renew", args=[ongoing.pk])
    response = as_coach.get(reverse("placements:detail", args=[ongoing.pk]))
    assert f'href="{url}"' in response.content.decode()
    assert "Renouveler l'immersion" in text_of(response)
    job = PlacementFactory(enrolment=world.enrolment)
    assert "Renouveler l'immersion" not in text_of(as_coach.get(reverse("placements:detail", args=[job.pk])))


def test_the_form_shows_when_the_renewal_begins_and_its_latest_end(as_coach, ongoing):
    response = as_coach.get(reverse("placements:renew", args=[ongoing.pk]))
    html, text = response.content.decode(), text_of(response)
    assert response.status_code == 200
    starts_on = ongoing.planned_end_on + timedelta(days=1)
    assert f"commence le {long(starts_on)}" in text
    assert f"au plus tard le {long(domain.renewal_latest_end(ongoing))}" in text
    # Labelled fields, the end a date picker.
    assert '<label for="id_ends_on"' in html and '<label for="id_reason"' in html
    assert re.search(r'<input type="date" name="ends_on"[^>]*id="id_ends_on"', html)


def test_renewing_through_the_form_and_the_detail_page_shows_it(as_coach, world, ongoing):
    ends_on = ongoing.planned_end_on + timedelta(days=20)
    response = as_coach.post(
        reverse("placements:renew", args=[ongoing.pk]), {"ends_on": ends_on.isoformat(), "reason": REASON}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:detail", args=[ongoing.pk]) + "#details"
    renewal = ImmersionRenewal.objects.get(placement=ongoing)
    assert renewal.created_by == world.users["coach"]
    page = as_coach.get(response["Location"])
    text = text_of(page)
    starts_on = ongoing.planned_end_on + timedelta(days=1)
    assert f"L'immersion est renouvelée du {long(starts_on)} au {long(ends_on)}." in text
    assert f"<dt>Renouvellement</dt><dd>du {long(starts_on)} au {long(ends_on)}" in text and REASON in text
    # The end the immersion runs to is now the renewal's.
    assert f"au {long(ends_on)} (prévu, renouvellement compris)" in text
    assert "Renouveler l'immersion" not in text
    tab = text_of(as_coach.get(reverse("placements:person_placements", args=[world.person.pk])))
    assert "(prévu, renouvellement compris)" in tab


def test_bad_input_is_shown_next_to_the_fields_with_the_values_kept(as_coach, ongoing):
    url = reverse("placements:renew", args=[ongoing.pk])
    too_late = domain.renewal_latest_end(ongoing) + timedelta(days=1)
    response = as_coach.post(url, {"ends_on": too_late.isoformat(), "reason": ""})
    html, text = response.content.decode(), text_of(response)
    assert response.status_code == 200
    assert f"il finit au plus tard le {long(domain.renewal_latest_end(ongoing))}" in text
    assert "Indiquez le motif du renouvellement" in text
    assert f'value="{too_late.isoformat()}"' in html
    assert 'aria-invalid="true"' in html
    response = as_coach.post(url, {"ends_on": "", "reason": REASON})
    assert "Indiquez la fin du renouvellement." in text_of(response)
    assert REASON in unescape(response.content.decode())
    assert not ImmersionRenewal.objects.exists()


def test_a_renewed_or_ended_immersion_sends_back_to_its_page_with_the_reason(as_coach, world, ongoing):
    domain.renew_immersion(ongoing, None, ends_on=ongoing.planned_end_on + timedelta(days=5), reason=REASON)
    url = reverse("placements:renew", args=[ongoing.pk])
    for response in (as_coach.get(url), as_coach.post(url, {"ends_on": "", "reason": REASON})):
        assert response.status_code == 302
        assert response["Location"] == reverse("placements:detail", args=[ongoing.pk])
    page = as_coach.get(reverse("placements:detail", args=[ongoing.pk]))
    assert ALREADY in text_of(page)
    job = PlacementFactory(enrolment=world.enrolment)
    assert as_coach.get(reverse("placements:renew", args=[job.pk])).status_code == 302
    assert ImmersionRenewal.objects.count() == 1


def test_the_edit_page_refuses_to_move_the_planned_end_of_a_renewed_immersion(as_coach, ongoing):
    domain.renew_immersion(ongoing, None, ends_on=ongoing.planned_end_on + timedelta(days=5), reason=REASON)
    data = {
        "company": ongoing.company.pk,
        "job_title": ongoing.job_title.pk,
        "objective": ongoing.objective,
        "started_on": ongoing.started_on.isoformat(),
        "planned_end_on": (ongoing.planned_end_on + timedelta(days=3)).isoformat(),
        "hours_per_week": "35",
    }
    response = as_coach.post(reverse("placements:edit", args=[ongoing.pk]), data)
    assert response.status_code == 200
    assert "la fin de sa première période" in text_of(response)
    ongoing.refresh_from_db()
    assert ongoing.planned_end_on == today() + timedelta(days=13)


# --- Two renewals at the same moment, on PostgreSQL ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_renewals_at_the_same_moment_make_one_and_refuse_the_other_clearly():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    from tests.organisations.factories import ServiceFactory

    placement = immersion(enrol(ServiceFactory(), days_ago=90))
    ends_on = placement.planned_end_on + timedelta(days=10)
    barrier = threading.Barrier(2)
    outcomes = []

    def renew(reason):
        try:
            with translation.override("fr"), transaction.atomic():
                barrier.wait(timeout=10)
                try:
                    domain.renew_immersion(placement, None, ends_on=ends_on, reason=reason)
                except ValidationError as error:
                    outcomes.append(error.message_dict)
                    return
                time.sleep(0.5)  # the lock is held until this transaction commits
                outcomes.append("renewed")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=renew, args=(f"Motif {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=str) == sorted(["renewed", {"__all__": [ALREADY]}], key=str)
    assert ImmersionRenewal.objects.filter(placement=placement).count() == 1
