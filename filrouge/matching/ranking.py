"""How well an opening fits a person's target job, and why: pure functions, no database.

A target job and an opening match when they share the ROME family (the letter and two digits of
the occupation code); the closer the job, the higher the tier: the same job title (3), the same
occupation code (2), the same family (1). Then each condition the person set for that target is
checked against the opening: the hours per week they can sustain, their mobility radius (when
both places are known: each is its commune's point, so distances are approximate, commune to commune) and the contract types they accept (none listed: any). Each check gives a
reason that fits, one that does not fit, or a neutral note when something is unknown; the
reasons are French sentences, with numbers written the way the active language writes them.

Suggestions are ordered by `Fit.key`: the tier first, then fewer misfits, then the shorter
distance (unknown last), then the newest opening (the latest recorded, by its id). With several targets, the best fit counts.
"""

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from filrouge.core.geo import coordinates_of, distance_km
from filrouge.referentials.models import ContractType

TITLE, CODE, FAMILY = 3, 2, 1


@dataclass(frozen=True)
class Target:
    """What scoring needs from a `profiles.TargetJob` (and its job title)."""

    job_title_id: int
    rome_code: str
    label: str
    contract_types: tuple[str, ...] = ()
    hours_per_week: int | None = None
    mobility_km: int | None = None
    id: int | None = None

    @property
    def rome_family(self) -> str:
        return self.rome_code[:3]

    @classmethod
    def of(cls, target_job) -> "Target":
        """From a TargetJob fetched with its `job_title`."""
        title = target_job.job_title
        return cls(
            job_title_id=title.pk,
            rome_code=title.occupation_id,
            label=title.label,
            contract_types=tuple(target_job.contract_types or ()),
            hours_per_week=target_job.hours_per_week,
            mobility_km=target_job.mobility_km,
            id=target_job.pk,
        )


class Fit:
    """One opening against one target job of a person.

    Scoring keeps only the facts (cheap, for ranking thousands of openings); the sentences that
    say what fits and what does not are written when first read, for the openings shown."""

    __slots__ = ("opening", "target", "tier", "distance", "home_known", "key", "_reasons")

    def __init__(self, opening, target: Target, tier: int, distance: float | None, home_known: bool):
        self.opening, self.target, self.tier = opening, target, tier
        self.distance, self.home_known = distance, home_known
        self._reasons = None
        # Best first: tier desc, fewer misfits, nearer (unknown last), newest (the latest recorded).
        far = distance if distance is not None else float("inf")
        self.key = (-tier, self.misfit_count, far, -opening.pk)

    def __repr__(self):
        return (
            f"Fit(opening={getattr(self.opening, 'pk', None)}, tier={self.tier}, misfits={self.misfit_count})"
        )

    # The facts.
    @property
    def hours_over(self) -> bool:
        limit = self.target.hours_per_week
        return limit is not None and self.opening.hours_per_week > limit

    @property
    def too_far(self) -> bool:
        radius = self.target.mobility_km
        return self.distance is not None and radius is not None and self.distance > radius

    @property
    def contract_refused(self) -> bool:
        accepted = self.target.contract_types
        return bool(accepted) and self.opening.contract_type not in accepted

    @property
    def misfit_count(self) -> int:
        return self.hours_over + self.too_far + self.contract_refused

    # The sentences.
    @property
    def fits(self) -> tuple[str, ...]:
        return self.reasons()[0]

    @property
    def misfits(self) -> tuple[str, ...]:
        return self.reasons()[1]

    @property
    def notes(self) -> tuple[str, ...]:
        return self.reasons()[2]

    @property
    def tier_label(self) -> str:
        return {TITLE: _("Même métier"), CODE: _("Même code ROME"), FAMILY: _("Même famille de métiers")}[
            self.tier
        ]

    def reasons(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        if self._reasons is None:
            self._reasons = explain(self)
        return self._reasons


def km(value: float) -> str:
    """A distance in the active language's way: 12,5 in French; a whole number without decimals."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return number_format(int(rounded), use_l10n=True)
    return number_format(rounded, decimal_pos=1, use_l10n=True)


def tier_of(target: Target, opening) -> int:
    if opening.job_title_id == target.job_title_id:
        return TITLE
    if opening.rome_code == target.rome_code:
        return CODE
    if opening.rome_family == target.rome_family:
        return FAMILY
    return 0


def job_reason(tier: int, target: Target, opening) -> str:
    if tier == TITLE:
        return _("Le métier visé « %(job)s »") % {"job": target.label}
    if tier == CODE:
        return _("Même code ROME (%(code)s) que le métier visé « %(job)s »") % {
            "code": opening.rome_code,
            "job": target.label,
        }
    return _("Même famille de métiers (%(family)s) que le métier visé « %(job)s »") % {
        "family": opening.rome_family,
        "job": target.label,
    }


def fit(target: Target, opening, home: tuple[float, float] | None) -> Fit | None:
    """How `opening` fits `target` for a person living at `home` (None: unknown), or None when
    the jobs are not of the same family."""
    tier = tier_of(target, opening)
    if not tier:
        return None
    return Fit(opening, target, tier, distance_km(home, coordinates_of(opening)), home is not None)


def explain(f: Fit) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What fits, what does not, and what is unknown, as sentences."""
    target, opening = f.target, f.opening
    fits, misfits, notes = [job_reason(f.tier, target, opening)], [], []

    hours = {"hours": opening.hours_per_week, "limit": target.hours_per_week}
    if target.hours_per_week is None:
        notes.append(
            _("%(hours)s h par semaine ; les heures que la personne peut assumer ne sont pas renseignées")
            % hours
        )
    elif f.hours_over:
        misfits.append(
            _("%(hours)s h par semaine, au-delà des %(limit)s h que la personne peut assumer") % hours
        )
    else:
        fits.append(_("%(hours)s h par semaine, dans les %(limit)s h que la personne peut assumer") % hours)

    if f.distance is None:
        place_known = coordinates_of(opening) is not None
        if not f.home_known and not place_known:
            notes.append(
                _("Distance inconnue : ni le domicile de la personne ni le lieu de l'offre ne sont situés")
            )
        elif not f.home_known:
            notes.append(_("Distance inconnue : le code postal et la commune du domicile ne sont pas connus"))
        else:
            notes.append(_("Distance inconnue : le code postal et la commune de l'offre ne sont pas connus"))
    elif target.mobility_km is None:
        notes.append(
            _("À ≈ %(distance)s km, de commune à commune ; le rayon de mobilité n'est pas renseigné")
            % {"distance": km(f.distance)}
        )
    else:
        where = {"distance": km(f.distance), "radius": km(target.mobility_km)}
        if f.too_far:
            misfits.append(
                _("À ≈ %(distance)s km, de commune à commune, au-delà de son rayon de %(radius)s km") % where
            )
        else:
            fits.append(
                _("À ≈ %(distance)s km, de commune à commune, dans son rayon de %(radius)s km") % where
            )

    contract = (
        ContractType(opening.contract_type).label if opening.contract_type in ContractType.values else ""
    )
    if not target.contract_types:
        fits.append(_("%(contract)s : la personne accepte tout type de contrat") % {"contract": contract})
    elif f.contract_refused:
        accepted = ", ".join(
            str(ContractType(v).label) for v in target.contract_types if v in ContractType.values
        )
        misfits.append(
            _("%(contract)s : un contrat que la personne n'accepte pas (acceptés : %(accepted)s)")
            % {"contract": contract, "accepted": accepted}
        )
    else:
        fits.append(_("%(contract)s : un contrat que la personne accepte") % {"contract": contract})
    return tuple(fits), tuple(misfits), tuple(notes)


def best_fit(targets: Iterable[Target], opening, home: tuple[float, float] | None) -> Fit | None:
    """The best fit of `opening` over a person's targets (None when none is of its family)."""
    best = None
    for target in targets:
        candidate = fit(target, opening, home)
        if candidate is not None and (best is None or candidate.key < best.key):
            best = candidate
    return best


def rank(fits: Iterable[Fit | None], limit: int | None = None) -> list[Fit]:
    """The fits best first (the `limit` best only, when given)."""
    fits = (f for f in fits if f is not None)
    if limit is None:
        return sorted(fits, key=attrgetter("key"))
    return heapq.nsmallest(limit, fits, key=attrgetter("key"))
