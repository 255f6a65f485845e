"""A view that fails while handling a person's data, for tests/core/test_errors_tracking.py."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from filrouge.audit.models import AppendOnly
from filrouge.people.models import Person


@csrf_exempt  # posted straight to Django's WSGI handler, without a form
def failing_save(request, pk):
    person = Person.objects.get(pk=pk)
    phone = request.POST["phone"]
    note = request.POST["note"]
    full_name = f"{person.first_name} {person.birth_name}"
    raise ValueError(f"cannot save the note of {full_name} ({phone}): {note}")


def failing_ours(request):
    raise AppendOnly("Audit entries are append-only: update refused.")


urlpatterns = [
    path("people/<int:pk>/fail/", failing_save),
    path("ours/", failing_ours),
    path("", include("filrouge.urls")),  # the login page and the rest, for the middleware's redirects
]
