from filrouge.audit.api import record
from filrouge.audit.models import AuditEntry, Kind, maintenance


def reads(world, count=3, user=None):
    """`count` reads of the person's record by A1's coach."""
    return [
        record(
            Kind.READ,
            organisation_id=world.org_a.pk,
            object_type="people.person",
            object_id=world.person.pk,
            person_id=world.person.pk,
            user=user or world.users["coach"],
            detail="people:detail",
        )
        for _ in range(count)
    ]


def tamper(entry, **values):
    """What someone with access to the database could do behind the application's back."""
    with maintenance():
        AuditEntry.objects.filter(pk=entry.pk).update(**values)
