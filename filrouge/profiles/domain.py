"""Saving the profile in one go, and reading it as it is or as it was.

Every save writes the profile, its lists and the barriers in one transaction, then a
`ProfileRevision` holding the whole of it: "the profile on 3 March" is that day's last
revision. The page shows the live profile through the same snapshot shape, so present and past
read alike.
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.core.versioning import claim
from filrouge.pathways.models import EducationLevel
from filrouge.profiles.models import (
    MAX_TARGETS,
    Barrier,
    BarrierStatus,
    Profile,
    ProfileRevision,
    TargetJob,
    TransportMode,
    WorkingTime,
    status_label,
)
from filrouge.referentials.models import ContractType, Situation, SituationKind, ThemeKind


def profile_of(person) -> Profile:
    """The person's profile, or a new unsaved one."""
    try:
        return person.profile
    except Profile.DoesNotExist:
        return Profile(person=person, organisation_id=person.organisation_id)


def situations_for(person):
    """The situations offered for this person: national ones and those of their current services."""
    services = person.enrolments.current().values("service")
    return (
        Situation.objects.for_services(services)
        .filter(theme__kind=ThemeKind.PERSONAL)
        .select_related("theme")
        .order_by("theme__label", "label")
    )


def job(title) -> dict | None:
    return None if title is None else {"code": title.pk, "label": title.label, "rome": title.occupation_id}


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def snapshot(person) -> dict:
    """The whole profile and the barriers, as plain data."""
    profile = Profile.objects.filter(person=person).select_related("dream_job").first()
    barriers = (
        Barrier.objects.filter(person=person)
        .exclude(status=BarrierStatus.NOT_DISCUSSED, comment="")
        .select_related("situation__theme")
    )
    data = {
        "skills": "",
        "soft_skills": "",
        "expectations": "",
        "dream_job": None,
        "experiences": [],
        "trainings": [],
        "targets": [],
        "barriers": [
            {
                "theme": b.situation.theme.label,
                "situation": b.situation.label,
                "national": b.situation.is_national,
                "kind": b.situation.kind,
                "status": b.status,
                "comment": b.comment,
            }
            for b in barriers
        ],
    }
    if profile is None:
        return data
    data.update(skills=profile.skills, soft_skills=profile.soft_skills, expectations=profile.expectations)
    data["dream_job"] = job(profile.dream_job)
    data["experiences"] = [
        {
            "job": job(e.job_title),
            "employer": e.employer,
            "started_on": iso(e.started_on),
            "ended_on": iso(e.ended_on),
            "description": e.description,
        }
        for e in profile.experiences.select_related("job_title")
    ]
    data["trainings"] = [
        {
            "title": t.title,
            "institution": t.institution,
            "obtained_on": iso(t.obtained_on),
            "diploma": t.diploma,
            "level": t.level,
        }
        for t in profile.trainings.all()
    ]
    data["targets"] = [
        {
            "job": job(t.job_title),
            "contract_types": t.contract_types,
            "working_time": t.working_time,
            "hours_per_week": t.hours_per_week,
            "mobility_km": t.mobility_km,
            "transport": t.transport,
            "availability": t.availability,
        }
        for t in profile.targets.select_related("job_title")
    ]
    return data


def label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)  # a value a later version no longer knows: shown as stored


def readable(data: dict) -> dict:
    """A snapshot with labels in the current language and dates as dates, for templates."""

    def day(value):
        return date.fromisoformat(value) if value else None

    shown = dict(data)
    shown["experiences"] = [
        e | {"started_on": day(e["started_on"]), "ended_on": day(e["ended_on"])} for e in data["experiences"]
    ]
    shown["trainings"] = [
        t
        | {
            "obtained_on": day(t["obtained_on"]),
            "level": label(EducationLevel, t["level"]) if t["level"] else "",
        }
        for t in data["trainings"]
    ]
    shown["targets"] = [
        t
        | {
            "contract_types": [label(ContractType, v) for v in t["contract_types"]],
            "transport": [label(TransportMode, v) for v in t["transport"]],
            "working_time": label(WorkingTime, t["working_time"]),
        }
        for t in data["targets"]
    ]
    themes: dict[str, list] = {}
    resources: dict[str, list] = {}
    for b in data["barriers"]:
        kind = b.get("kind")  # absent from snapshots written before resources existed
        group = resources if kind == SituationKind.RESOURCE else themes
        group.setdefault(b["theme"], []).append(b | {"status_label": status_label(kind, b["status"])})
    shown["barrier_themes"] = sorted(themes.items())
    shown["resource_themes"] = sorted(resources.items())
    return shown


def modified_meanwhile() -> str:
    return _(
        "Quelqu'un vient d'enregistrer le profil de cette personne : rechargez la page pour partir de sa version."
    )


def save_profile(person, by, form, formsets, barriers) -> Profile:
    """Writes the validated profile form, its formsets and the barrier grid, then a revision.

    Refuses (ValidationError) more than six target jobs, and a save that crossed another one
    (VersionConflict when the profile was saved since the form was built); nothing is kept then.
    """
    try:
        # A savepoint: after a clash with a concurrent save (both taking the same target position,
        # or both creating the profile) the request's transaction stays usable to show the form.
        with transaction.atomic():
            return write_profile(person, by, form, formsets, barriers)
    except IntegrityError:
        raise ValidationError(modified_meanwhile()) from None


def write_profile(person, by, form, formsets, barriers) -> Profile:
    profile = form.save(commit=False)
    if profile.pk is None:
        if Profile.objects.filter(person=person).exists():
            raise ValidationError(modified_meanwhile())
    else:
        claim(profile)  # from the version the form was built from; VersionConflict if saved since
    profile.person, profile.organisation_id, profile.updated_by = person, person.organisation_id, by
    profile.save()
    for formset in formsets:
        formset.instance = profile
        items = formset.save(commit=False)
        for removed in formset.deleted_objects:
            removed.delete()
        for item in items:
            item.organisation_id = person.organisation_id
            if isinstance(item, TargetJob) and item.pk is None:
                item.position = free_position(profile)
            item.save()
    save_barriers(person, by, barriers)
    ProfileRevision.objects.create(
        organisation_id=person.organisation_id, person=person, recorded_by=by, data=snapshot(person)
    )
    return profile


def free_position(profile) -> int:
    """The first position no target of the profile holds (a concurrent save may take it too: the
    database's unique constraint then refuses one of them)."""
    taken = set(profile.targets.values_list("position", flat=True))
    free = [p for p in range(1, MAX_TARGETS + 1) if p not in taken]
    if not free:
        raise ValidationError(_("Six métiers visés au plus : retirez-en un avant d'en ajouter un autre."))
    return free[0]


def save_barriers(person, by, statuses: dict) -> None:
    """`statuses` maps a situation to (status, comment); only changes are written."""
    existing = {b.situation_id: b for b in Barrier.objects.filter(person=person)}
    for situation, (status, comment) in statuses.items():
        current = existing.get(situation.pk)
        if current is None:
            if status == BarrierStatus.NOT_DISCUSSED and not comment:
                continue
            Barrier.objects.create(
                organisation_id=person.organisation_id,
                person=person,
                situation=situation,
                status=status,
                comment=comment,
                updated_by=by,
            )
        elif (current.status, current.comment) != (status, comment):
            current.status, current.comment, current.updated_by = status, comment, by
            current.save()


def revision_on(person, day: date) -> ProfileRevision | None:
    """The last revision recorded by the end of `day` (local time)."""
    end = timezone.make_aware(datetime.combine(day, time.max))
    return person.profile_revisions.filter(recorded_at__lte=end).select_related("recorded_by").first()
