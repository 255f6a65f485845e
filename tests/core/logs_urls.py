"""Views that log and fail, for tests/core/test_logs.py."""

import logging

from django.http import HttpResponse
from django.urls import include, path

from filrouge.audit.models import AppendOnly
from filrouge.people.models import Person

logger = logging.getLogger("filrouge.tests.logs")


def logging_view(request, pk):
    logger.info("looked at a record")
    return HttpResponse("ok")


def failing_view(request, pk):
    person = Person.objects.get(pk=pk)
    raise ValueError(f"cannot save the note of {person.first_name} {person.birth_name}")


def failing_chained(request, pk):
    person = Person.objects.get(pk=pk)
    try:
        int(person.birth_name)
    except ValueError as error:
        raise AppendOnly("Audit entries are append-only: update refused.") from error


urlpatterns = [
    path("records/<int:pk>/", logging_view),
    path("records/<int:pk>/fail/", failing_view),
    path("records/<int:pk>/chained/", failing_chained),
    path("", include("filrouge.urls")),
]
