"""The one place that decides access.

Every view asks here whether the user may do an action, and takes every list through a
`scoped_*` function. Rules are small pure functions over the user's roles; anything not
granted below is denied. Objects outside the user's reach are reported as missing (404) by
`get_or_404`, so a changed id in a URL reveals nothing.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from filrouge.accounts.models import User
from filrouge.organisations.models import Membership, Organisation, Role, Service


class Action(StrEnum):
    # On a service
    VIEW_SERVICE = "view_service"  # the service page: programme, place, team
    VIEW_CASES = "view_cases"  # the people supported and their records (case content)
    EDIT_CASES = "edit_cases"  # enrol people, change their records and pathways
    MANAGE_CASELOADS = "manage_caseloads"  # every coach's caseload in the service, reassignment
    TAKE_LEAD = "take_lead"  # become the lead coach of a pathway that has none
    VIEW_FIGURES = "view_figures"  # aggregated figures, never a name
    MANAGE_REFERENTIAL = "manage_referential"  # the service's own barriers, objectives and actions
    EXERCISE_RIGHTS = "exercise_rights"  # a person's GDPR rights: their data export, erasure, anonymisation
    EXPORT_LISTS = "export_lists"  # CSV lists with names (people, placements, employer contacts)
    REVIEW_FIDELITY = "review_fidelity"  # score the IPS fidelity scale and keep its improvement plan
    REVIEW_FOR_ACCESS = "review_for_access"  # review one's profession's writings before the person gets them
    REOPEN_PATHWAYS = "reopen_pathways"  # reopen any pathway closed by mistake (its coaches: `may_reopen`)
    IMPORT_CASES = "import_cases"  # bring a service's spreadsheets in (people, companies, placements)
    # On an organisation
    VIEW_ORGANISATION = "view_organisation"  # every service of the organisation, for directors
    MANAGE_ACCOUNTS = "manage_accounts"  # invite, change roles, deactivate
    MANAGE_ORGANISATION = "manage_organisation"  # the organisation's details and its services
    VIEW_AUDIT = "view_audit"  # the audit trail: who accessed what, for the data protection officer
    ANSWER_ACCESS_REQUESTS = "answer_access_requests"  # a request of access answered whole, for the DPO


CASE_ROLES = frozenset(
    {Role.COACH, Role.PSYCHOLOGIST, Role.SOCIAL_WORKER, Role.EDUCATOR, Role.HEAD_OF_SERVICE}
)

# Who may do what in a service where they hold a role. Directors hold every one of these
# in every service of their organisation; an administrator only sees the service's page.
SERVICE_RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW_SERVICE: CASE_ROLES,
    Action.VIEW_CASES: CASE_ROLES,
    Action.EDIT_CASES: CASE_ROLES,
    Action.MANAGE_CASELOADS: frozenset({Role.HEAD_OF_SERVICE}),
    # Only a job coach leads a pathway: the other professions work it as its team.
    Action.TAKE_LEAD: frozenset({Role.COACH}),
    Action.VIEW_FIGURES: CASE_ROLES | {Role.FUNDER_VIEWER},
    Action.MANAGE_REFERENTIAL: frozenset({Role.HEAD_OF_SERVICE}),
    Action.EXERCISE_RIGHTS: frozenset({Role.HEAD_OF_SERVICE}),
    Action.EXPORT_LISTS: frozenset({Role.HEAD_OF_SERVICE}),
    # Directors too, by the director rule below; never an administrator (no case content).
    Action.IMPORT_CASES: frozenset({Role.HEAD_OF_SERVICE}),
    Action.REVIEW_FIDELITY: frozenset({Role.HEAD_OF_SERVICE}),
    Action.REOPEN_PATHWAYS: frozenset({Role.HEAD_OF_SERVICE}),
    # Only a writing of the reviewer's own profession in that service (`scoped_access_reviews`).
    Action.REVIEW_FOR_ACCESS: CASE_ROLES,
}
# A writing kept for a profession is reviewed by that profession: never by a director, who may
# not read it either. A director is no coach of the service: they reassign, they do not take.
DIRECTOR_SERVICE_ACTIONS = frozenset(SERVICE_RULES) - {Action.REVIEW_FOR_ACCESS, Action.TAKE_LEAD}
ORG_ADMIN_SERVICE_ACTIONS = frozenset({Action.VIEW_SERVICE})

ORGANISATION_RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW_ORGANISATION: frozenset({Role.DIRECTOR}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ORG_ADMIN}),
    Action.MANAGE_ORGANISATION: frozenset({Role.ORG_ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.DPO}),
    Action.ANSWER_ACCESS_REQUESTS: frozenset({Role.DPO}),
}


@dataclass(frozen=True)
class Grants:
    """What one user holds, read once per request."""

    organisation_id: int | None
    organisation_roles: frozenset[Role]
    service_roles: dict[int, Role]  # service id -> role

    def roles(self) -> set[Role]:
        return set(self.organisation_roles) | set(self.service_roles.values())


def grants(user) -> Grants:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.organisation_id is None:
        return Grants(None, frozenset(), {})
    cached = getattr(user, "_filrouge_grants", None)
    if cached is None:
        memberships = Membership.objects.active().filter(user=user).values_list("service_id", "role")
        org_roles = frozenset(Role(role) for service_id, role in memberships if service_id is None)
        service_roles = {service_id: Role(role) for service_id, role in memberships if service_id is not None}
        cached = Grants(user.organisation_id, org_roles, service_roles)
        user._filrouge_grants = cached
    return cached


def forget_grants(user) -> None:
    """After a role change, the next question reads the roles again."""
    user.__dict__.pop("_filrouge_grants", None)
    user.__dict__.pop("_filrouge_case_worker", None)


# --- Small rules -----------------------------------------------------------------------------


def is_in_organisation(user, organisation_id: int) -> bool:
    return grants(user).organisation_id == organisation_id


def holds_in_organisation(user, organisation_id: int, action: Action) -> bool:
    g = grants(user)
    return g.organisation_id == organisation_id and bool(
        g.organisation_roles & ORGANISATION_RULES.get(action, set())
    )


def managed_organisation_id(user) -> int | None:
    """The organisation the user may manage (its administration pages), or None."""
    organisation_id = grants(user).organisation_id
    if organisation_id is None or not holds_in_organisation(
        user, organisation_id, Action.MANAGE_ORGANISATION
    ):
        return None
    return organisation_id


def may_in_service(user, action: Action, service: Service) -> bool:
    g = grants(user)
    if g.organisation_id != service.organisation_id or service.is_archived:
        return False
    if Role.DIRECTOR in g.organisation_roles and action in DIRECTOR_SERVICE_ACTIONS:
        return True
    if Role.ORG_ADMIN in g.organisation_roles and action in ORG_ADMIN_SERVICE_ACTIONS:
        return True
    role = g.service_roles.get(service.pk)
    return role is not None and role in SERVICE_RULES.get(action, frozenset())


# --- The questions views ask ------------------------------------------------------------------


def can(user, action: Action, obj=None) -> bool:
    """May `user` do `action` to `obj`? Unknown pairs are denied."""
    if isinstance(obj, Service):
        return may_in_service(user, action, obj)
    if isinstance(obj, Organisation):
        return holds_in_organisation(user, obj.pk, action)
    if obj is None and action in ORGANISATION_RULES:
        g = grants(user)
        return g.organisation_id is not None and holds_in_organisation(user, g.organisation_id, action)
    if isinstance(obj, User) and action == Action.MANAGE_ACCOUNTS:
        return obj.organisation_id is not None and holds_in_organisation(user, obj.organisation_id, action)
    return False


def scoped_services(user, action: Action, queryset: QuerySet | None = None) -> QuerySet:
    """The services where the user may do `action` (active ones only)."""
    queryset = (Service.objects.all() if queryset is None else queryset).active()
    g = grants(user)
    if g.organisation_id is None:
        return queryset.none()
    queryset = queryset.filter(organisation_id=g.organisation_id)
    if Role.DIRECTOR in g.organisation_roles and action in DIRECTOR_SERVICE_ACTIONS:
        return queryset
    if Role.ORG_ADMIN in g.organisation_roles and action in ORG_ADMIN_SERVICE_ACTIONS:
        return queryset
    allowed = SERVICE_RULES.get(action, frozenset())
    ids = [service_id for service_id, role in g.service_roles.items() if role in allowed]
    return queryset.filter(pk__in=ids)


def scoped_accounts(user, queryset: QuerySet | None = None) -> QuerySet:
    """The staff accounts the user may manage: those of their organisation, for administrators."""
    queryset = User.objects.all() if queryset is None else queryset
    if not can(user, Action.MANAGE_ACCOUNTS):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def scoped_organisation_services(user, queryset: QuerySet | None = None) -> QuerySet:
    """Every service, archived ones included, of the organisation the user administers."""
    queryset = Service.objects.all() if queryset is None else queryset
    if not can(user, Action.MANAGE_ORGANISATION):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def get_or_404(queryset: QuerySet, **lookup):
    """Fetches one object from an already scoped queryset; anything else is simply not found."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def require(user, action: Action, obj=None) -> None:
    """Stops the request unless the user may do the action.

    About an object: 404, as if it did not exist. About a page of the user's own organisation
    (no object): 403, with a page that gives no detail.
    """
    if not can(user, action, obj):
        if obj is None:
            raise PermissionDenied
        raise Http404


# --- Case content ------------------------------------------------------------------------------


def scoped_enrolments(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    """The pathways held in services where the user may do `action`."""
    from filrouge.pathways.models import Enrolment

    queryset = Enrolment.objects.all() if queryset is None else queryset
    return queryset.filter(service__in=scoped_services(user, action))


def scoped_leaderless_enrolments(user, queryset: QuerySet | None = None) -> QuerySet:
    """The current pathways without a lead coach that the user may take: in a service where they
    are a job coach."""
    return scoped_enrolments(user, Action.TAKE_LEAD, queryset).filter(
        exit_date__isnull=True, primary_coach__isnull=True
    )


def may_take_lead(user, enrolment) -> bool:
    return scoped_leaderless_enrolments(user).filter(pk=enrolment.pk).exists()


# A pathway closed by mistake: a head of service reopens it whenever; its coaches (the lead coach
# and the team), who may edit the case, within this many days of the exit date.
REOPEN_DAYS_FOR_COACHES = 7


def scoped_reopenable_enrolments(user, today, queryset: QuerySet | None = None) -> QuerySet:
    """The ended pathways the user may reopen on `today`."""
    from filrouge.pathways.models import Enrolment

    queryset = (Enrolment.objects.all() if queryset is None else queryset).filter(exit_date__isnull=False)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    managed = Q(service__in=scoped_services(user, Action.REOPEN_PATHWAYS))
    team = Enrolment.team.through.objects.filter(enrolment=OuterRef("pk"), user=user)
    in_team = Q(primary_coach=user) | Q(Exists(team))
    recent = Q(exit_date__gte=today - timedelta(days=REOPEN_DAYS_FOR_COACHES))
    coached = Q(service__in=scoped_services(user, Action.EDIT_CASES)) & in_team & recent
    return queryset.filter(managed | coached)


def may_reopen(user, enrolment, today) -> bool:
    return scoped_reopenable_enrolments(user, today).filter(pk=enrolment.pk).exists()


def scoped_people(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    """The people with a pathway, current or past, in a service where the user may do `action`."""
    from filrouge.pathways.models import Enrolment
    from filrouge.people.models import Person

    queryset = Person.objects.all() if queryset is None else queryset
    reachable = scoped_enrolments(user, action, Enrolment.objects.filter(person=OuterRef("pk")))
    return queryset.filter(Exists(reachable))


def scoped_contacts(user, queryset: QuerySet | None = None) -> QuerySet:
    """Partner contacts are shared by the organisation's services: seen by whoever works its cases."""
    from filrouge.people.models import Contact

    return scoped_organisation_records(user, Contact.objects.all() if queryset is None else queryset)


def is_case_worker(user) -> bool:
    """Works the cases of at least one service (the pages that list or search across them)."""
    # Asked by the navigation on every page too: read once per request, like the grants.
    cached = getattr(user, "_filrouge_case_worker", None)
    if cached is None:
        cached = scoped_services(user, Action.VIEW_CASES).exists()
        if getattr(user, "is_authenticated", False):
            user._filrouge_case_worker = cached
    return cached


def requires_two_factor(user) -> bool:
    """Whoever can read case content, or the audit trail that names the people, signs in with a
    second factor."""
    return is_case_worker(user) or can(user, Action.VIEW_AUDIT)


def require_case_worker(user) -> None:
    if not is_case_worker(user):
        raise PermissionDenied


def scoped_case_records(user, queryset: QuerySet, action: Action = Action.VIEW_CASES) -> QuerySet:
    """Records hanging off a pathway (plans, meetings, registrations, files): those of services
    where the user may do `action`. The model needs an `enrolment` foreign key."""
    return queryset.filter(enrolment__service__in=scoped_services(user, action))


# --- Confidential writing ----------------------------------------------------------------------
# Notes and meeting summaries carry a confidentiality level (`journal.models.Confidentiality`):
# "team" and "shared" are read by whoever sees the case; "profession" only by those who hold,
# in that same service, the role the writing is restricted to (`restricted_to`): a
# psychologist's notes by the service's psychologists. Directors are no exception.

OPEN_LEVELS = ("team", "shared")


def scoped_writings(user, queryset: QuerySet) -> QuerySet:
    """The notes or meetings the user may read: in a service where they see cases, and, when the
    writing is kept for a profession, only if they hold that role in that service."""
    restricted = Q(pk__in=[])
    for service_id, role in grants(user).service_roles.items():
        restricted |= Q(enrolment__service_id=service_id, restricted_to=role)
    return scoped_case_records(user, queryset).filter(Q(confidentiality__in=OPEN_LEVELS) | restricted)


def restricted_role_of(user, service) -> str | None:
    """The profession a writing by this user in this service would be restricted to."""
    role = grants(user).service_roles.get(service.pk)
    return role.value if role is not None else None


def writing_readers(service, confidentiality: str, restricted_to: str = "") -> QuerySet:
    """Who may read a writing of this level in this service (`scoped_writings` read the other way):
    for the open levels, the service's case roles and the organisation's directors; for a writing
    kept for a profession, the active members holding that role in the service."""
    members = Membership.objects.active()
    if confidentiality in OPEN_LEVELS:
        members = members.filter(
            Q(service=service, role__in=CASE_ROLES)
            | Q(service__isnull=True, role=Role.DIRECTOR, organisation_id=service.organisation_id)
        )
    else:
        members = members.filter(service=service, role=restricted_to)
    return User.objects.filter(
        pk__in=members.values("user"), is_active=True, organisation_id=service.organisation_id
    ).order_by("full_name", "pk")


# --- Workshops ---------------------------------------------------------------------------------
# A group workshop belongs to a service: its sessions and who comes are that service's case
# content (read with VIEW_CASES, run with EDIT_CASES); a registration follows its pathway.


def scoped_sessions(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    """The workshop sessions of the services where the user may do `action`."""
    from filrouge.workshops.models import WorkshopSession

    queryset = WorkshopSession.objects.all() if queryset is None else queryset
    return queryset.filter(service__in=scoped_services(user, action))


def scoped_registrations(
    user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None
) -> QuerySet:
    """Registrations to workshops, reached through both their session and their pathway."""
    from filrouge.workshops.models import Registration

    queryset = Registration.objects.all() if queryset is None else queryset
    services = scoped_services(user, action)
    return scoped_case_records(user, queryset, action).filter(session__service__in=services)


# --- Plans -------------------------------------------------------------------------------------
# Objectives and actions hang off a plan, which hangs off a pathway: the same rule as every
# case record, one step further.


def scoped_plan_objectives(user, queryset: QuerySet | None = None, action: Action = Action.VIEW_CASES):
    from filrouge.plans.models import PlanObjective

    queryset = PlanObjective.objects.all() if queryset is None else queryset
    return queryset.filter(plan__enrolment__service__in=scoped_services(user, action))


def scoped_plan_actions(user, queryset: QuerySet | None = None, action: Action = Action.VIEW_CASES):
    from filrouge.plans.models import PlanAction

    queryset = PlanAction.objects.all() if queryset is None else queryset
    return queryset.filter(objective__plan__enrolment__service__in=scoped_services(user, action))


# --- Journal -----------------------------------------------------------------------------------


def may_view_agenda_of(user, other) -> bool:
    """One's own agenda; a coach's for whoever manages caseloads in a service where they work."""
    if user.pk == other.pk:
        return True
    return (
        Membership.objects.active()
        .filter(user=other, service__in=scoped_services(user, Action.MANAGE_CASELOADS))
        .exists()
    )


# --- Documents ---------------------------------------------------------------------------------
# A file belongs to a person, and to one of their pathways when it is given one: it is read by
# whoever sees the person, and if it has a pathway, only by whoever sees that pathway.


def scoped_attachments(
    user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None
) -> QuerySet:
    from filrouge.documents.models import Attachment

    queryset = Attachment.objects.all() if queryset is None else queryset
    services = scoped_services(user, action)
    return queryset.filter(person__in=scoped_people(user, action)).filter(
        Q(enrolment__isnull=True) | Q(enrolment__service__in=services)
    )


# --- The person's rights -----------------------------------------------------------------------
# A person's GDPR rights (their data export, erasure, anonymisation) are exercised for the
# organisation by a head of service of a service where the person has a pathway, or a director.
# The export holds what that user may read; erasing or anonymising touches the whole record, so
# it needs the right in every (active) service where the person has a pathway.


def scoped_rights_people(user, queryset: QuerySet | None = None) -> QuerySet:
    """The people whose rights the user may exercise (their data export)."""
    return scoped_people(user, Action.EXERCISE_RIGHTS, queryset)


def may_exercise_rights(user, person) -> bool:
    return scoped_rights_people(user).filter(pk=person.pk).exists()


def scoped_removable_people(user, queryset: QuerySet | None = None) -> QuerySet:
    """The people the user may erase or anonymise: no pathway of theirs in an active service is
    out of the user's reach (a head of service of one of two services asks the director)."""
    from filrouge.pathways.models import Enrolment

    elsewhere = Enrolment.objects.filter(person=OuterRef("pk"), service__archived_at__isnull=True).exclude(
        service__in=scoped_services(user, Action.EXERCISE_RIGHTS)
    )
    return scoped_rights_people(user, queryset).exclude(Exists(elsewhere))


def may_remove_person_data(user, person) -> bool:
    return scoped_removable_people(user).filter(pk=person.pk).exists()


# --- Consent ---
# A person's consents to share and their disclosure decisions for employers are case records of
# the person: read by whoever reaches the person (`scoped_people`), recorded by whoever may edit
# their case in a service of one of their pathways. What may leave the service for a third
# party is decided here, from the person's latest decision only.


def scoped_person_records(user, queryset: QuerySet, action: Action = Action.VIEW_CASES) -> QuerySet:
    """Records hanging off the person rather than one pathway (consents, disclosure decisions):
    those of the people the user reaches."""
    return queryset.filter(person__in=scoped_people(user, action))


def scoped_consents(user, queryset: QuerySet | None = None, action: Action = Action.VIEW_CASES) -> QuerySet:
    from filrouge.consents.models import Consent

    return scoped_person_records(user, Consent.objects.all() if queryset is None else queryset, action)


def may_record_consents(user, person) -> bool:
    """Recording or withdrawing a consent, or a disclosure decision: EDIT_CASES in a service of
    one of the person's pathways."""
    return scoped_people(user, Action.EDIT_CASES).filter(pk=person.pk).exists()


def may_share(person, purpose, recipient=None, on=None) -> bool:
    """May something go to a third party for `purpose` (and to `recipient`, a partner contact or,
    for the employer purpose, a name, when the purpose names one)? Only if the person's latest
    decision about it, on `on` (today), is a consent given: never asked or withdrawn is no."""
    from filrouge.consents.domain import current_consent

    consent = current_consent(person, purpose, recipient, on=on)
    return consent is not None and consent.is_given


# --- Audit ---
# The audit trail is read by the organisation's data protection officer (VIEW_AUDIT), across
# its services, and only within their organisation. The people and accounts it names are found
# through these functions too: the officer sees names, never the case content.


def scoped_audit_entries(user, queryset: QuerySet | None = None) -> QuerySet:
    from filrouge.audit.models import AuditEntry

    queryset = AuditEntry.objects.all() if queryset is None else queryset
    if not can(user, Action.VIEW_AUDIT):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def scoped_audit_people(user, queryset: QuerySet | None = None) -> QuerySet:
    """The organisation's people, to search the trail by name."""
    from filrouge.people.models import Person

    queryset = Person.objects.all() if queryset is None else queryset
    if not can(user, Action.VIEW_AUDIT):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def scoped_audit_accounts(user, queryset: QuerySet | None = None) -> QuerySet:
    """The organisation's staff accounts, deactivated ones included, to read what each did."""
    queryset = User.objects.all() if queryset is None else queryset
    if not can(user, Action.VIEW_AUDIT):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def scoped_audit_chains(user, queryset: QuerySet | None = None) -> QuerySet:
    """The organisation's chains, with the outcome of their last verification."""
    from filrouge.audit.models import ChainHead

    queryset = ChainHead.objects.all() if queryset is None else queryset
    if not can(user, Action.VIEW_AUDIT):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


# --- The right of access answered whole --------------------------------------------------------
# The ordinary export holds what its maker may read, so a writing kept for a profession stays out
# of it. A person's request for access is answered whole by the organisation's data protection
# officer (ANSWER_ACCESS_REQUESTS): every writing kept for a profession is first reviewed by a
# member of that profession in that service, or by its author (REVIEW_FOR_ACCESS, never a
# director). The officer never reads such a writing on a page: only in the answer, as reviewed.


def scoped_access_requests(user, queryset: QuerySet | None = None) -> QuerySet:
    from filrouge.privacy.models import AccessRequest

    queryset = AccessRequest.objects.all() if queryset is None else queryset
    if not can(user, Action.ANSWER_ACCESS_REQUESTS):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def scoped_access_people(user, queryset: QuerySet | None = None) -> QuerySet:
    """The organisation's people, for whom the officer opens a request."""
    from filrouge.people.models import Person

    queryset = Person.objects.all() if queryset is None else queryset
    if not can(user, Action.ANSWER_ACCESS_REQUESTS):
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def complete_access_records(user, access_request, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` a complete answer to `access_request` may hold (the caller keeps
    those of its person): every one of the organisation, whichever service wrote it, for the
    officer who may answer the request; none for anyone else."""
    if not scoped_access_requests(user).filter(pk=access_request.pk).exists():
        return queryset.none()
    return queryset.filter(organisation_id=access_request.organisation_id)


def scoped_access_reviews(user, queryset: QuerySet | None = None) -> QuerySet:
    """The reviews the user may record: of a writing still kept for the role they hold in its
    service, or of a writing of their own, in their organisation."""
    from filrouge.privacy.models import WritingReview

    queryset = WritingReview.objects.all() if queryset is None else queryset
    g = grants(user)
    if g.organisation_id is None:
        return queryset.none()
    services = set(scoped_services(user, Action.REVIEW_FOR_ACCESS).values_list("pk", flat=True))
    allowed = Q(note__author=user) | Q(meeting__created_by=user)
    for service_id, role in g.service_roles.items():
        if service_id in services:
            allowed |= Q(note__enrolment__service_id=service_id, note__restricted_to=role)
            allowed |= Q(meeting__enrolment__service_id=service_id, meeting__restricted_to=role)
    restricted = Q(note__confidentiality="profession") | Q(meeting__confidentiality="profession")
    return queryset.filter(restricted, allowed, organisation_id=g.organisation_id)


def may_review_for_access(user) -> bool:
    """Holds a role that keeps writings for its profession somewhere (the reviews' page)."""
    return scoped_services(user, Action.REVIEW_FOR_ACCESS).exists()


def access_reviewers(writing) -> QuerySet:
    """Who may review this restricted writing (`scoped_access_reviews`, read the other way): the
    active members of its profession in its service, and its author."""
    from filrouge.journal.models import Note

    author_id = writing.author_id if isinstance(writing, Note) else writing.created_by_id
    members = Membership.objects.active().filter(
        service_id=writing.enrolment.service_id, role=writing.restricted_to
    )
    return User.objects.filter(
        Q(pk__in=members.values("user")) | Q(pk=author_id),
        is_active=True,
        organisation_id=writing.organisation_id,
    ).order_by("full_name", "pk")


# --- Employers ---------------------------------------------------------------------------------
# Companies, their contacts and openings are shared by the organisation's services, like the
# partners' directory: read by whoever works cases in one of its services (VIEW_CASES), recorded
# by whoever may edit cases in one (EDIT_CASES). A contact log entry about a person is seen only
# by those who reach that person; one about no one, by every case worker of the organisation.


def scoped_organisation_records(user, queryset: QuerySet, action: Action = Action.VIEW_CASES) -> QuerySet:
    """Rows shared by the organisation's services (with an `organisation`): those of the user's
    organisation, if they may do `action` in at least one of its services."""
    if not scoped_services(user, action).exists():
        return queryset.none()
    return queryset.filter(organisation_id=grants(user).organisation_id)


def scoped_companies(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    from filrouge.employers.models import Company

    return scoped_organisation_records(user, Company.objects.all() if queryset is None else queryset, action)


def scoped_openings(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    from filrouge.employers.models import Opening

    return scoped_organisation_records(user, Opening.objects.all() if queryset is None else queryset, action)


def scoped_employer_contacts(
    user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None
) -> QuerySet:
    from filrouge.employers.models import EmployerContact

    queryset = EmployerContact.objects.all() if queryset is None else queryset
    return scoped_organisation_records(user, queryset, action).filter(
        Q(person__isnull=True) | Q(person__in=scoped_people(user, Action.VIEW_CASES))
    )


def may_edit_employers(user) -> bool:
    return scoped_services(user, Action.EDIT_CASES).exists()


# --- Placements and support after hiring -------------------------------------------------------
# A placement hangs off a pathway (`scoped_case_records`); its adjustments, their reviews and the
# follow-along contacts hang off the placement, one step further.


def scoped_placements(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    from filrouge.placements.models import Placement

    return scoped_case_records(user, Placement.objects.all() if queryset is None else queryset, action)


def scoped_placement_records(user, queryset: QuerySet, action: Action = Action.VIEW_CASES) -> QuerySet:
    """Records hanging off a placement (adjustments, follow-along contacts): with a `placement`."""
    return queryset.filter(placement__enrolment__service__in=scoped_services(user, action))


def scoped_support_contacts(
    user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None
) -> QuerySet:
    """Follow-along contacts about the jobs of pathways the user may read (or, with EDIT_CASES, write)."""
    from filrouge.followalong.models import SupportContact

    queryset = SupportContact.objects.all() if queryset is None else queryset
    return scoped_placement_records(user, queryset, action)


def editable_support_contacts(user, queryset: QuerySet | None = None) -> QuerySet:
    """The follow-along contacts a user may correct: their own, on a pathway they may still edit."""
    return scoped_support_contacts(user, Action.EDIT_CASES, queryset).filter(by=user)


# --- Figures ----------------------------------------------------------------------------------


def figures_without_names(user, services) -> bool:
    """Whether figures about these services must be shown as aggregates only: "< 5" for a small
    count, no person's and no staff member's name. So for anyone who does not see the cases of
    every one of them (funder viewers)."""
    services = list(services)
    return not services or not all(may_in_service(user, Action.VIEW_CASES, service) for service in services)


# --- The IPS fidelity review ------------------------------------------------------------------


def scoped_reviews(user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None) -> QuerySet:
    """A service's fidelity reviews: read by its team (VIEW_CASES), written by REVIEW_FIDELITY."""
    from filrouge.fidelity.models import Review

    queryset = Review.objects.all() if queryset is None else queryset
    return queryset.filter(service__in=scoped_services(user, action))


def scoped_improvement_actions(
    user, action: Action = Action.VIEW_CASES, queryset: QuerySet | None = None
) -> QuerySet:
    """The actions of the improvement plans of those reviews."""
    from filrouge.fidelity.models import ImprovementAction

    queryset = ImprovementAction.objects.all() if queryset is None else queryset
    return queryset.filter(review__service__in=scoped_services(user, action))


# --- Report files prepared in the background -----------------------------------------------------


def scoped_report_files(user, queryset: QuerySet | None = None) -> QuerySet:
    """The report files prepared for the user (`reports.models.ReportFile`): theirs alone, since
    a file is the report as its requester saw it (with names or not, over the services they see)."""
    from filrouge.reports.models import ReportFile

    queryset = ReportFile.objects.all() if queryset is None else queryset
    g = grants(user)
    if g.organisation_id is None:
        return queryset.none()
    return queryset.filter(requested_by_id=user.pk, organisation_id=g.organisation_id)


def may_see_report_file(user, report_file) -> bool:
    """Their own file, while they still see the figures of every service of its scope, and one
    with names only while they may still see names there."""
    if not scoped_report_files(user).filter(pk=report_file.pk).exists():
        return False
    ids = set(report_file.service_ids)
    services = list(scoped_services(user, Action.VIEW_FIGURES).filter(pk__in=ids))
    if not ids or len(services) != len(ids):
        return False
    return report_file.without_names or not figures_without_names(user, services)


# --- Imports of a service's spreadsheets -------------------------------------------------------


def scoped_import_runs(user, queryset: QuerySet | None = None) -> QuerySet:
    """The imports the user requested (`imports.models.ImportRun`): theirs alone, since a run's
    report quotes rows of their file; and only in services where they may still import."""
    from filrouge.imports.models import ImportRun

    queryset = ImportRun.objects.all() if queryset is None else queryset
    g = grants(user)
    if g.organisation_id is None:
        return queryset.none()
    return queryset.filter(
        requested_by_id=user.pk,
        organisation_id=g.organisation_id,
        service__in=scoped_services(user, Action.IMPORT_CASES),
    )
