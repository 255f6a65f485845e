from filrouge.profiles.models import Profile, TargetJob
from tests.profiles.factories import job_title

BAKER = "Boulanger / Boulangère"  # D1102
PASTRY_BAKER = "Boulanger-pâtissier / Boulangère-pâtissière"  # D1102 too
BAKERY_SELLER = "Vendeur / Vendeuse en boulangerie-pâtisserie"  # D1106, same family D11
CLEANER = "Agent / Agente de propreté de locaux"  # K2204, another family


def target(person, label=BAKER, position=None, **conditions) -> TargetJob:
    """A target job in the person's profile (created if needed)."""
    profile, _ = Profile.objects.get_or_create(person=person, defaults={"organisation": person.organisation})
    if position is None:
        position = profile.targets.count() + 1
    return TargetJob.objects.create(
        organisation=person.organisation,
        profile=profile,
        job_title=job_title(label),
        position=position,
        **conditions,
    )
