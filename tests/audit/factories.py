import hashlib
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from filrouge.audit import chain
from filrouge.audit.api import record
from filrouge.audit.models import AuditEntry, ChainHead, Kind, maintenance
from tests.audit.database import guards_off


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
    with guards_off(), maintenance():
        AuditEntry.objects.filter(pk=entry.pk).update(**values)


def age(entries, days):
    """Entries written `days` ago: their date is part of their hash, so they are re-sealed."""
    with guards_off(), maintenance():
        previous = ""
        for entry in entries:
            entry.at = timezone.now() - timedelta(days=days)
            entry.prev_hash = previous or entry.prev_hash
            entry.hash = chain.entry_hash(entry)
            entry.save()
            previous = entry.hash
        ChainHead.objects.filter(key=entries[-1].chain, seq=entries[-1].seq).update(hash=previous)


def unkeyed(entry) -> str:
    """The chain's hash as it was before it was keyed (its code is public): what anyone holding
    only the database's credentials can compute."""
    return hashlib.sha256(chain.payload(entry).encode()).hexdigest()


def rechain(key, deleted_seq, seal, **relabel):
    """What the insider did: deletes one entry, renumbers every later one, re-hashes each with
    `seal` after the one before it, and moves the chain's head to the new last entry."""
    with guards_off(), maintenance():
        AuditEntry.objects.filter(chain=key, seq=deleted_seq).delete()
        previous = AuditEntry.objects.get(chain=key, seq=deleted_seq - 1).hash
        later = list(AuditEntry.objects.filter(chain=key, seq__gt=deleted_seq).order_by("seq"))
        for entry in later:
            entry.seq -= 1
            entry.prev_hash = previous
            for name, value in relabel.items():
                setattr(entry, name, value)
            entry.hash = seal(entry)
            entry.save()
            previous = entry.hash
        ChainHead.objects.filter(key=key).update(seq=F("seq") - 1, hash=previous)
    return len(later)
