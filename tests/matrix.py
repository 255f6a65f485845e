"""The permission matrix's building blocks: subjects, rows, and the objects of `world` in URLs.

Each app's rows live in `tests/<app>/permission_rows.py` (a `ROWS` list) and are gathered by
`tests/test_permission_matrix.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
CASE = frozenset({"coach", "psychologist", "social_worker", "educator", "head_of_service"})
SUBJECTS = [
    ANONYMOUS,
    *sorted(CASE),
    "funder_viewer",
    "director",
    "org_admin",
    "dpo",
    "other_service_coach",
    "other_org_coach",
    "other_org_admin",
]
LOGGED_IN = frozenset(SUBJECTS) - {ANONYMOUS}
ADMINS = frozenset({"org_admin", "other_org_admin"})
LOGIN = "login"  # expected outcome: redirected to the login page
BAD_LINK = {"uidb64": "MQ", "token": "lien-invalide"}


def nothing(world):
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    allowed: frozenset = frozenset()
    kwargs: Callable = nothing
    ok: int = 200
    denied: int = 404
    public: bool = False
    data: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)

    def expected(self, subject: str):
        if subject in self.overrides:
            return self.overrides[subject]
        if subject == ANONYMOUS:
            return self.ok if self.public else LOGIN
        return self.ok if self.public or subject in self.allowed else self.denied


def a1(world):
    return {"pk": world.a1.pk}


def coach_account(world):
    return {"pk": world.users["coach"].pk}


def person(world):
    return {"pk": world.person.pk}


def enrolment(world):
    return {"pk": world.enrolment.pk}


def suspension(world):
    return {"pk": world.enrolment.pk, "suspension_pk": world.suspension.pk}


def contact_link(world):
    return {"pk": world.person.pk, "link_pk": world.contact_link.pk}


def contact(world):
    return {"pk": world.contact.pk}


# Who works cases somewhere (their own lists), and who works this person's case.
CASE_WORKERS = CASE | {"director", "other_service_coach", "other_org_coach"}
PERSON_TEAM = CASE | {"director"}
CASELOAD_MANAGERS = frozenset({"head_of_service", "director"})


def coach_membership(world):
    coach = world.users["coach"]
    return {"pk": coach.pk, "membership_pk": coach.memberships.get().pk}


def today_iso() -> str:
    """Today's date as a form sends it, read when the request is made: a run may cross
    midnight, and a date read when the rows were imported would then be yesterday's."""
    from filrouge.pathways.domain import today

    return today().isoformat()
