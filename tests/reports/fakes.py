"""A `measures.Summary` written by hand, to test the report's three forms before (and apart from)
the measures themselves: its figures are chosen so each table holds small and large counts."""

from filrouge.outcomes import measures
from filrouge.outcomes.measures import (
    Breakdown,
    BreakdownRow,
    CoachFigure,
    Count,
    Delay,
    EmployerContacts,
    Flows,
    GroupQuarters,
    QuarterRate,
    Rate,
    Retention,
    Summary,
)
from filrouge.outcomes.measures.employment import quarters_of


def summary(scope: measures.Scope, coach_names=("Camille Coach", "Dominique Coach")) -> Summary:
    coaches = [
        CoachFigure(1, coach_names[0], 18, 20, 30, 12, 0.58, 0.23),
        CoachFigure(2, coach_names[1], 3, 10, 2, 1, 0.04, 0.02),
    ]
    return Summary(
        scope=scope,
        flows=Flows(
            supported=42,
            current=30,
            active=Rate(27, 30),
            entries=12,
            exits=3,
            exits_by_outcome=[
                Count("durable_employment", "Emploi durable", 2),
                Count("training", "Formation", 1),
            ],
            reorientations=0,
            mean_duration_days=201.5,
            median_duration_days=190.0,
        ),
        ips_quarters=[
            QuarterRate(quarter, rate, quarter.kind == "quarter")
            for quarter, rate in zip(
                quarters_of(scope),
                [Rate(14, 33), Rate(16, 35), Rate(3, 31), Rate(15, 30)],
                strict=False,
            )
        ],
        ips_by_service=[
            GroupQuarters(
                "1", "A1", [QuarterRate(q, Rate(14, 33), q.kind == "quarter") for q in quarters_of(scope)]
            )
        ],
        ips_by_coach=[
            GroupQuarters(
                str(number), name, [QuarterRate(q, rate, q.kind == "quarter") for q in quarters_of(scope)]
            )
            for number, (name, rate) in enumerate(
                zip(coach_names, [Rate(12, 20), Rate(2, 13)], strict=True), start=1
            )
        ],
        served_working=Rate(21, 42),
        entry_cohort_rate=Rate(5, 12),
        working_now=Rate(11, 30),
        first_employer_contact=Delay(12, 10, 21.0, 24.3, Rate(8, 12)),
        first_face_to_face_employer_contact=Delay(12, 9, 25.0, 27.0, Rate(6, 12)),
        first_immersion=Delay(12, 4, 60.0, 70.25, Rate(0, 12)),
        first_job=Delay(12, 5, 120.0, 130.0, Rate(0, 12)),
        employer_contacts=EmployerContacts(
            coaches=2,
            weeks=52.14,
            total=32,
            face_to_face=13,
            per_coach_week=0.31,
            face_to_face_per_coach_week=0.12,
            by_coach=coaches,
        ),
        jobs_started=9,
        durable=Rate(6, 9),
        transition=Rate(3, 9),
        contract_types=[Count("cdi", "CDI", 6), Count("cdd_short", "CDD de moins de 6 mois", 3)],
        employer_kinds=[
            Count("ordinary", "Employeur ordinaire", 8),
            Count("ea", "Entreprise adaptée (EA)", 1),
        ],
        hours=[Count("under_15", "Moins de 15 h", 2), Count("35_and_more", "35 h et plus", 7)],
        retention=[
            Retention("13_weeks", "13 semaines", Rate(7, 8)),
            Retention("6_months", "6 mois", Rate(5, 7)),
            Retention("12_months", "12 mois", Rate(2, 3)),
        ],
        breakdowns=[
            Breakdown(
                "sex",
                "Sexe",
                [
                    BreakdownRow("female", "Femme", 22, 7, 2, 8, Rate(3, 7)),
                    BreakdownRow("male", "Homme", 20, 5, 1, 6, Rate(2, 5)),
                ],
            ),
            Breakdown(
                "coach",
                "Job coach",
                [
                    BreakdownRow("1", coach_names[0], 30, 9, 2, 10, Rate(4, 9)),
                    BreakdownRow("2", coach_names[1], 12, 3, 1, 4, Rate(1, 3)),
                ],
            ),
        ],
    )
