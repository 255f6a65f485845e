"""Who read which person's record, and who was refused.

Runs after authentication and outside the view's transaction (ATOMIC_REQUESTS wraps the view
only): an entry written here stays even when the view's work was rolled back, as with a 404.
During the request, the request is the current actor of `filrouge.audit.api`, so every change
recorded from the models is attributed to its user and address.
"""

from django.db import transaction

from filrouge.audit import reads
from filrouge.audit.api import Actor, acting, record
from filrouge.audit.models import Kind

DENIED_STATUSES = frozenset({403, 404})


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(Actor(request=request, label="")) as actor:
            response = self.get_response(request)
            for write in actor.pending:
                with transaction.atomic(savepoint=False):
                    write()
            self.record_access(request, response)
        return response

    def record_access(self, request, response) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or not getattr(user, "is_authenticated", False):
            return
        status = response.status_code
        page = reads.page(match.view_name)
        if status in DENIED_STATUSES:
            kind = Kind.DENIED
        elif page is not None and request.method == "GET" and 200 <= status < 300:
            kind = page.kind
        else:
            return
        entry = {"organisation_id": user.organisation_id, "detail": match.view_name}
        if page is not None:
            object_id = match.kwargs.get(page.kwarg)
            entry.update(object_type=page.object_type, object_id=object_id)
            entry["person_id"] = self.person_of(page, object_id, user, kind)
        with transaction.atomic(savepoint=False):
            record(kind, **entry)

    def person_of(self, page, object_id, user, kind):
        if object_id is None:
            return None
        if kind != Kind.DENIED and page.person_path == "":
            return object_id  # the page showed it: the person is the object, of the user's organisation
        found = page.person_and_organisation(object_id)
        if found is None:
            return None
        person_id, organisation_id = found
        # A refused look at another organisation's object does not name its person here.
        return person_id if organisation_id == user.organisation_id else None
