"""Every measure of a scope at once, and their trend month by month or quarter by quarter."""

from dataclasses import dataclass

from django.db.models import Count as CountOf

from filrouge.organisations.models import Service
from filrouge.outcomes.measures.activity import (
    EmployerContacts,
    User,
    coach_memberships,
    contacts_of,
    employer_contacts,
)
from filrouge.outcomes.measures.base import (
    UNKNOWN,
    Count,
    Rate,
    Scope,
    entered_in,
    exited_in,
    pathways,
    rate_of,
    supported_in,
    within,
)
from filrouge.outcomes.measures.breakdowns import NO_COACH_LABEL, Breakdown, breakdowns
from filrouge.outcomes.measures.durations import (
    Delay,
    Flows,
    contract_counts,
    delays,
    employer_counts,
    flows,
    hours_counts,
    jobs_figures,
)
from filrouge.outcomes.measures.employment import (
    QuarterRate,
    entry_cohort_rate,
    ips_quarterly_rates_by,
    people_working,
    quarters_of,
    working_on,
)
from filrouge.outcomes.measures.retention import Retention, retention
from filrouge.outcomes.periods import Period, split


@dataclass(frozen=True)
class TrendPoint:
    period: Period  # a month or a quarter, cut to the scope
    entries: int
    exits: int
    working: Rate  # people working on the point's last day (or as_of) / people current then
    employer_contacts: int


@dataclass(frozen=True)
class GroupQuarters:
    """The IPS quarterly rates of one service or one coach of the scope."""

    key: str
    label: str
    quarters: list[QuarterRate]


@dataclass(frozen=True)
class Summary:
    scope: Scope
    flows: Flows
    ips_quarters: list[QuarterRate]  # the IPS quarterly employment rate of each quarter
    ips_by_service: list[GroupQuarters]  # the same, service by service (every service of the scope)
    ips_by_coach: list[GroupQuarters]  # the same, lead coach by lead coach
    served_working: Rate  # people served in the period who worked in it (the yearly figure)
    entry_cohort_rate: Rate  # people entered out of work, into a job within 12 months
    working_now: Rate
    first_employer_contact: Delay
    first_face_to_face_employer_contact: Delay
    first_immersion: Delay
    first_job: Delay
    employer_contacts: EmployerContacts
    jobs_started: int
    durable: Rate
    transition: Rate
    contract_types: list[Count]
    employer_kinds: list[Count]  # jobs started by kind of employer (EA, ESAT, SIAE apart)
    hours: list[Count]
    retention: list[Retention]
    breakdowns: list[Breakdown]


def summary(scope: Scope) -> Summary:
    """Every measure of the scope, in a constant number of queries."""
    jobs, firsts = jobs_figures(scope), delays(scope)
    quarters, served_working, now = people_working(scope)
    return Summary(
        scope=scope,
        flows=flows(scope),
        ips_quarters=quarters,
        ips_by_service=ips_by_service(scope),
        ips_by_coach=ips_by_coach(scope),
        served_working=served_working,
        entry_cohort_rate=entry_cohort_rate(scope),
        working_now=now,
        first_employer_contact=firsts["employer_contact"],
        first_face_to_face_employer_contact=firsts["face_to_face_employer_contact"],
        first_immersion=firsts["immersion"],
        first_job=firsts["job"],
        employer_contacts=employer_contacts(scope),
        jobs_started=jobs["jobs"],
        durable=rate_of(jobs, "durable", "jobs"),
        transition=rate_of(jobs, "transition", "jobs"),
        contract_types=contract_counts(jobs),
        employer_kinds=employer_counts(jobs),
        hours=hours_counts(jobs),
        retention=retention(scope),
        breakdowns=breakdowns(scope),
    )


def _empty_quarters(scope: Scope) -> list[QuarterRate]:
    return [QuarterRate(q, Rate(0, 0), q.kind == "quarter") for q in quarters_of(scope)]


def ips_by_service(scope: Scope) -> list[GroupQuarters]:
    """The IPS quarterly rates of every service of the scope, by name (zeros included)."""
    rates = ips_quarterly_rates_by(scope, "service")
    services = (
        Service.objects.filter(pk__in=scope.service_ids).order_by("name", "pk").values_list("pk", "name")
    )
    return [GroupQuarters(str(pk), name, rates.get(pk) or _empty_quarters(scope)) for pk, name in services]


def ips_by_coach(scope: Scope) -> list[GroupQuarters]:
    """The IPS quarterly rates of each lead coach of a pathway served in the period, by name, then
    of the pathways without one."""
    rates = ips_quarterly_rates_by(scope, "coach")
    names = dict(
        User.objects.filter(pk__in=[pk for pk in rates if pk is not None]).values_list("pk", "full_name")
    )
    coaches = sorted((name, pk) for pk, name in names.items())
    groups = [GroupQuarters(str(pk), name, rates[pk]) for name, pk in coaches]
    if None in rates:
        groups.append(GroupQuarters(UNKNOWN, str(NO_COACH_LABEL), rates[None]))
    return groups


def trend(scope: Scope, by: str = "month") -> list[TrendPoint]:
    """Month by month (or quarter by quarter) up to as_of: entries, exits, the share of people
    working on the point's last day, employer contacts. Three queries, whatever the number of
    points."""
    points = [p for p in split(Period(scope.start, scope.end, "span"), by) if p.start <= scope.as_of]
    if not points:
        return []
    aggregates, contacts = {}, {}
    for index, point in enumerate(points):
        last = min(point.end, scope.as_of)
        aggregates |= {
            f"entries_{index}": CountOf("pk", filter=entered_in(point.start, last)),
            f"exits_{index}": CountOf("pk", filter=exited_in(point.start, last)),
        }
        contacts[f"contacts_{index}"] = CountOf("pk", filter=within("contacted_on", point.start, last))
    figures = pathways(scope).filter(supported_in(scope.start, scope.as_of)).aggregate(**aggregates)
    figures |= contacts_of(scope, coach_memberships(scope).values("user_id")).aggregate(**contacts)
    working = working_on(scope, [min(point.end, scope.as_of) for point in points])
    return [
        TrendPoint(
            period=point,
            entries=figures[f"entries_{index}"],
            exits=figures[f"exits_{index}"],
            working=working[index],
            employer_contacts=figures[f"contacts_{index}"],
        )
        for index, point in enumerate(points)
    ]
