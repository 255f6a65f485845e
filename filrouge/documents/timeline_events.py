"""What attached files add to the person's timeline."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.documents.models import Attachment
from filrouge.people.timeline import Event, provider
from filrouge.policy import scoped_attachments


@provider("document", gettext_lazy("Documents"))
def document_events(person, enrolments, user):
    for attachment in scoped_attachments(
        user, queryset=Attachment.objects.filter(person=person)
    ).select_related("uploaded_by"):
        yield Event(
            on=timezone.localdate(attachment.uploaded_at),
            kind="document",
            title=_("Document ajouté : %(title)s") % {"title": attachment.title},
            detail=attachment.get_kind_display(),
            by=attachment.uploaded_by.full_name if attachment.uploaded_by else "",
            at=attachment.uploaded_at,
        )
