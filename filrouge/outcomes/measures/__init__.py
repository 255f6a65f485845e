"""Every figure of the product, defined once (docs/measures.md says each definition and its source).

The dashboards, the activity report (page, PDF, XLSX) and the fidelity pre-fill only read this
package. Each family of definitions has its module, to be read beside its published source:

- `base`: the scope, rates and the conventions every figure shares;
- `employment`: competitive jobs, the IPS quarterly employment rate, the entry-cohort rate, the
  share working on a day, and the benchmarks shown beside them;
- `durations`: flows, exits by kind, durations of support and delays, jobs started (durable,
  transition, contract kinds, hours), all de date à date;
- `retention`: jobs still held at 13 weeks, 6 months and 12 months;
- `activity`: employer contacts and caseloads per coach;
- `breakdowns`: the figures by age band, sex, RQTH and so on;
- `fidelity`: the evidence the IPS-25 fidelity review pre-fills its items from;
- `summary`: all of them at once, and their trend.

Everything is computed by the database, in a number of queries that does not grow with the data.
"""

from datetime import date

from filrouge.outcomes.measures.activity import CoachFigure, EmployerContacts, employer_contacts
from filrouge.outcomes.measures.base import Count, Rate, Scope, aggregate_with_medians, pathways
from filrouge.outcomes.measures.breakdowns import DIMENSIONS, Breakdown, BreakdownRow, breakdown, breakdowns
from filrouge.outcomes.measures.durations import (
    Delay,
    Flows,
    contract_types,
    delays,
    durable,
    durations,
    first_employer_contact,
    first_immersion,
    first_job,
    flows,
    hours,
    jobs_started,
    transition,
)
from filrouge.outcomes.measures.employment import (
    BENCHMARKS,
    Benchmark,
    QuarterRate,
    benchmarks_for,
    entry_cohort_rate,
    ips_quarterly_rates,
    is_whole_year,
    served_and_working,
    working_now,
)
from filrouge.outcomes.measures.fidelity import FidelityEvidence, fidelity_evidence
from filrouge.outcomes.measures.retention import Retention, retention
from filrouge.outcomes.measures.summary import GroupQuarters, Summary, TrendPoint, summary, trend

# The date of the definitions in force: docs/measures.md keeps the dated list of their changes, and
# every report states the date of the definitions it used.
DEFINITIONS_DATE = date(2026, 12, 6)

__all__ = [
    "DEFINITIONS_DATE",
    "BENCHMARKS",
    "DIMENSIONS",
    "Breakdown",
    "BreakdownRow",
    "Benchmark",
    "QuarterRate",
    "CoachFigure",
    "Count",
    "Delay",
    "EmployerContacts",
    "FidelityEvidence",
    "GroupQuarters",
    "Flows",
    "Rate",
    "Retention",
    "Scope",
    "Summary",
    "TrendPoint",
    "aggregate_with_medians",
    "breakdown",
    "breakdowns",
    "contract_types",
    "delays",
    "durable",
    "durations",
    "employer_contacts",
    "entry_cohort_rate",
    "ips_quarterly_rates",
    "is_whole_year",
    "served_and_working",
    "benchmarks_for",
    "fidelity_evidence",
    "first_employer_contact",
    "first_immersion",
    "first_job",
    "flows",
    "hours",
    "jobs_started",
    "pathways",
    "retention",
    "summary",
    "transition",
    "trend",
    "working_now",
]
