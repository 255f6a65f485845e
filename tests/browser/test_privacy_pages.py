"""The person's rights in the browser: the "Données personnelles" tab, the confirmation pages of
anonymisation and erasure, and an anonymised record, on the demo of the first organisation.

Every page must pass axe (nothing serious or critical) and fit a 375 px screen. People are
chosen in the database, never by a name written here.
"""

import pytest
from django.db.models import Exists, OuterRef

from filrouge.pathways.models import Enrolment
from filrouge.people.models import Person
from filrouge.privacy import domain
from tests.browser.test_case_pages import Findings, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in

pytestmark = pytest.mark.browser


def exited_person_of(service) -> Person:
    """Someone whose every pathway ended, all of them in `service`."""
    elsewhere = Enrolment.objects.filter(person=OuterRef("pk")).exclude(service=service)
    ongoing = Enrolment.objects.filter(person=OuterRef("pk"), exit_date__isnull=True)
    person = (
        Person.objects.filter(enrolments__service=service)
        .exclude(Exists(elsewhere))
        .exclude(Exists(ongoing))
        .order_by("pk")
        .first()
    )
    assert person is not None, "the demo has people whose pathway ended"
    return person


def test_the_rights_pages_pass_axe_and_fit_a_phone(page, live_server, demo):
    service = first_service()
    followed = Enrolment.objects.current().filter(service=service).order_by("pk").first().person
    exited = exited_person_of(service)
    findings = Findings(page)
    sign_in(page, live_server, user("chef").email)
    for path, what in [
        (f"/personnes/{followed.pk}/donnees-personnelles/", "rights of a person followed"),
        (f"/personnes/{exited.pk}/donnees-personnelles/", "rights of a person who left"),
        (f"/personnes/{exited.pk}/donnees-personnelles/anonymiser/", "anonymisation"),
        (f"/personnes/{followed.pk}/donnees-personnelles/anonymiser/", "anonymisation refused"),
        (f"/personnes/{followed.pk}/donnees-personnelles/effacer/", "erasure refused"),
    ]:
        check_page(page, live_server, findings, path, what)

    domain.anonymise(exited, user("chef"))  # then the same person, anonymised
    for path, what in [
        (f"/personnes/{exited.pk}/", "an anonymised record"),
        (f"/personnes/{exited.pk}/donnees-personnelles/", "rights of an anonymised person"),
        ("/personnes/?statut=exited", "the list with an anonymised person"),
    ]:
        check_page(page, live_server, findings, path, what)
    findings.assert_none()
