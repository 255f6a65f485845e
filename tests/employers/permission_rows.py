"""Who reaches job development: companies, their contact people and openings are shared by the
organisation's services, so A2's coach sees A's companies too; B's staff and those who work no
case (administrators, the funder, the data protection officer) do not.

Pages without an object (the lists, the forms choosing a company) are 403 for those who work no
case; a company or opening of organisation A is a 404 for anyone outside it.
"""

from filrouge.employers.models import EmployerContactKind
from tests.employers.factories import CompanyContactFactory, CompanyFactory, OpeningFactory
from tests.matrix import CASE, CASE_WORKERS, Row, today_iso

ORG_TEAM = CASE | {"director", "other_service_coach"}


def company(world):
    return {"pk": CompanyFactory(organisation=world.org_a).pk}


def archived_company(world):
    target = CompanyFactory(organisation=world.org_a)
    target.archived_at = target.created_at
    target.save()
    return {"pk": target.pk}


def company_for_opening(world):
    return {"company_pk": CompanyFactory(organisation=world.org_a).pk}


def company_contact(world):
    return {"contact_pk": CompanyContactFactory(company=CompanyFactory(organisation=world.org_a)).pk}


def opening(world):
    return {"pk": OpeningFactory(company=CompanyFactory(organisation=world.org_a)).pk}


A_CALL = {"kind": EmployerContactKind.PHONE_CALL, "contacted_on": today_iso}

ROWS = [
    # Lists: whoever works cases somewhere (their own organisation's companies).
    Row("employers:list", "GET", CASE_WORKERS, denied=403),
    Row("employers:openings", "GET", CASE_WORKERS, denied=403),
    Row("employers:log", "GET", CASE_WORKERS, denied=403),
    # New records in one's own organisation: whoever may edit cases somewhere.
    Row("employers:create", "GET", CASE_WORKERS, denied=403),
    Row(
        "employers:create",
        "POST",
        CASE_WORKERS,
        denied=403,
        ok=302,
        data={"name": "Fromagerie Test", "relationship_status": "prospect"},
    ),
    Row("employers:log_add", "GET", CASE_WORKERS, denied=403),
    Row("employers:log_add", "POST", CASE_WORKERS, denied=403, data=A_CALL),  # no company: the form again
    Row("employers:opening_add", "GET", CASE_WORKERS, denied=403),
    Row("employers:opening_add", "POST", CASE_WORKERS, denied=403),  # empty: the form again
    # A company of organisation A and what hangs off it: A's case workers, whatever their service.
    Row("employers:detail", "GET", ORG_TEAM, kwargs=company),
    Row("employers:edit", "GET", ORG_TEAM, kwargs=company),
    Row("employers:edit", "POST", ORG_TEAM, kwargs=company),  # empty: the form again
    Row("employers:archive", "GET", ORG_TEAM, kwargs=company),
    Row("employers:archive", "POST", ORG_TEAM, kwargs=company, ok=302),
    Row("employers:restore", "GET", ORG_TEAM, kwargs=archived_company),
    Row("employers:restore", "POST", ORG_TEAM, kwargs=archived_company, ok=302),
    Row("employers:contact_add", "GET", ORG_TEAM, kwargs=company),
    Row("employers:contact_add", "POST", ORG_TEAM, kwargs=company, ok=302, data={"full_name": "Léa Tutrice"}),
    Row("employers:contact_edit", "GET", ORG_TEAM, kwargs=company_contact),
    Row("employers:contact_edit", "POST", ORG_TEAM, kwargs=company_contact),  # empty: the form again
    Row("employers:company_log_add", "GET", ORG_TEAM, kwargs=company),
    Row("employers:company_log_add", "POST", ORG_TEAM, kwargs=company, ok=302, data=A_CALL),
    Row("employers:company_opening_add", "GET", ORG_TEAM, kwargs=company_for_opening),
    Row(
        "employers:company_opening_add", "POST", ORG_TEAM, kwargs=company_for_opening
    ),  # empty: the form again
    Row("employers:opening_detail", "GET", ORG_TEAM, kwargs=opening),
    Row("employers:opening_edit", "GET", ORG_TEAM, kwargs=opening),
    Row("employers:opening_edit", "POST", ORG_TEAM, kwargs=opening),  # empty: the form again
]
