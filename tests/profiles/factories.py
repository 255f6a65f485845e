from filrouge.profiles.models import Barrier, BarrierStatus, Profile, ProfileRevision
from filrouge.referentials.models import JobTitle, Situation


def job_title(label="Boulanger / Boulangère") -> JobTitle:
    return JobTitle.objects.get(label=label)


def situation(theme="mobilite") -> Situation:
    return Situation.objects.national().filter(theme__code=theme).order_by("pk").first()


def profile(person, **fields) -> Profile:
    return Profile.objects.create(person=person, organisation=person.organisation, **fields)


def barrier(person, status=BarrierStatus.PRESENT, theme="mobilite", comment="") -> Barrier:
    return Barrier.objects.create(
        person=person,
        organisation=person.organisation,
        situation=situation(theme),
        status=status,
        comment=comment,
    )


def revision(person, data=None) -> ProfileRevision:
    return ProfileRevision.objects.create(person=person, organisation=person.organisation, data=data or {})
