"""`filrouge check_exits`: lists the exits recorded as employment that the pathway's jobs do not
support (exits recorded before the rule, or renamed by a migration), without personal data, in a
bounded number of queries; changes nothing; fails when it finds any."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from filrouge.organisations.models import Role
from filrouge.pathways import domain
from filrouge.pathways.exits import incoherent_exits
from filrouge.pathways.models import Enrolment, ExitOutcome
from filrouge.referentials.models import ContractType
from tests.accounts.factories import staff
from tests.organisations.factories import OrganisationFactory, ServiceFactory
from tests.pathways.test_exit_outcomes import CASES, DURABLE, EXIT, TRANSITION, pathway, start_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach(db):
    organisation = OrganisationFactory(name="Association Trait d'Union")
    return staff(Role.COACH, ServiceFactory(organisation=organisation, name="Job coaching Drôme"))


def recorded_before_the_rule(enrolment, outcome, on=EXIT):
    """An exit as an older version (or the renaming of "Autre emploi") may have left it."""
    enrolment.exit_date, enrolment.exit_outcome = on, outcome
    enrolment.save(update_fields=["exit_date", "exit_outcome"])
    return enrolment


def check_exits() -> tuple[str, CommandError | None]:
    out = StringIO()
    with translation.override("fr"):
        try:
            call_command("check_exits", stdout=out)
        except CommandError as error:
            return out.getvalue(), error
    return out.getvalue(), None


@pytest.mark.parametrize(
    ("contract", "planned_end", "employer", "supported"), CASES.values(), ids=CASES.keys()
)
def test_the_database_reads_the_jobs_as_the_exit_form_does(coach, contract, planned_end, employer, supported):
    for outcome in ExitOutcome.into_employment():
        enrolment = pathway(coach)
        start_job(enrolment, coach, contract, planned_end, employer)
        recorded_before_the_rule(enrolment, outcome)
        assert incoherent_exits().filter(pk=enrolment.pk).exists() == (outcome not in supported)


def test_a_contradictory_exit_is_listed_without_personal_data_and_the_command_fails(coach):
    enrolment = pathway(coach)
    start_job(enrolment, coach, ContractType.CDD_SHORT, date(2025, 8, 30))
    recorded_before_the_rule(enrolment, DURABLE)
    without_job = recorded_before_the_rule(pathway(coach), TRANSITION, on=date(2025, 4, 1))
    before = list(Enrolment.objects.order_by("pk").values())

    out, error = check_exits()

    assert error is not None and error.returncode == 1
    assert "2 sortie(s) incohérente(s)" in str(error) and "Rien n'a été modifié" in str(error)
    lines = out.splitlines()
    assert lines == [
        f"Association Trait d'Union — Job coaching Drôme — parcours {without_job.pk} — sortie le 2025-04-01 : "
        "enregistrée « Emploi de transition », aucun emploi en cours à cette date ne correspond à une sortie "
        "en emploi",
        f"Association Trait d'Union — Job coaching Drôme — parcours {enrolment.pk} — sortie le 2025-06-02 : "
        "enregistrée « Emploi durable », les emplois en cours à cette date correspondent à "
        "« Emploi de transition »",
    ]
    for person in (enrolment.person, without_job.person):
        for name in (person.birth_name, person.first_name):
            assert name not in out
    assert list(Enrolment.objects.order_by("pk").values()) == before  # rewrites nothing


def test_a_coherent_database_passes(coach):
    durable = pathway(coach)
    start_job(durable, coach, ContractType.CDI)
    domain.record_exit(durable, on=EXIT, outcome=DURABLE, by=coach)
    transition = pathway(coach)
    start_job(transition, coach, ContractType.TEMPORARY)
    domain.record_exit(transition, on=EXIT, outcome=TRANSITION, by=coach)
    domain.record_exit(pathway(coach), on=EXIT, outcome=ExitOutcome.MOVED, by=coach)  # needs no job
    pathway(coach)  # current: not an exit
    assert check_exits() == ("Aucune sortie incohérente.\n", None)


def test_an_empty_database_passes():
    assert check_exits() == ("Aucune sortie incohérente.\n", None)


def test_the_command_reads_the_database_in_a_bounded_number_of_queries(coach):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            check_exits()
        return len(captured.captured_queries)

    recorded_before_the_rule(pathway(coach), DURABLE)
    one = queries()
    for contract in (ContractType.CDD_SHORT, ContractType.TEMPORARY, ContractType.SUBSIDISED):
        enrolment = pathway(coach)
        start_job(enrolment, coach, contract, date(2025, 8, 30))
        recorded_before_the_rule(enrolment, DURABLE)
    assert incoherent_exits().count() == 4
    assert queries() == one <= 2
