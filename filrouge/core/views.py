from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from filrouge import policy
from filrouge.background import health
from filrouge.core import worklist
from filrouge.core.navigation import home_url
from filrouge.core.pagination import wants_fragment
from filrouge.core.versioning import VersionConflict
from filrouge.journal.domain import update_meeting
from filrouge.journal.models import Attendance
from filrouge.journal.selectors import editable_meetings
from filrouge.organisations.models import Membership, Role
from filrouge.pathways.views import caseload_page


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests  # the check must run even when no transaction can begin
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when not; "degraded"
    (still 200: the pages work) when no background worker was seen for 10 minutes, so emails and
    reminders wait. Two small queries."""
    no_worker = {"last_seen": None, "seconds_ago": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable", "worker": no_worker}, status=503)
    try:
        seen = health.last_seen()
    except DatabaseError:  # the worker's table not migrated yet: no worker can have run
        seen = None
    now = timezone.now()
    worker = (
        {"last_seen": seen.isoformat(), "seconds_ago": int((now - seen).total_seconds())}
        if seen
        else no_worker
    )
    status = "ok" if health.is_alive(seen, now) else "degraded"
    return JsonResponse({"status": status, "database": "ok", "worker": worker})


def team_members():
    """The people who work cases in a service; funders see figures and are no part of the team."""
    return (
        Membership.objects.active()
        .filter(role__in=policy.CASE_ROLES)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def team_prefetch():
    return Prefetch("memberships", queryset=team_members(), to_attr="team")


def home(request):
    """Case workers start from their work list and caseload; other roles are sent to their own
    home page."""
    if policy.grants(request.user).roles() & policy.CASE_ROLES:
        if wants_fragment(request):  # the caseload's filters redraw the caseload only
            return caseload_page(request)
        return caseload_page(request, {"worklist": worklist.work_list(request.user, chosen_coach(request))})
    target = home_url(request.user)
    if target != request.path:
        return redirect(target)
    return render(request, "core/no_role.html")


def chosen_coach(request) -> int | None:
    """The lead coach a head of service narrows the work list to (0: the pathways without one)."""
    value = request.GET.get("coach", "")
    if value == "none":
        return 0
    return int(value) if value.isdigit() and len(value) <= 18 else None


class AttendanceForm(forms.Form):
    """One click on the work list: whether the person came to a past meeting."""

    attendance = forms.ChoiceField(
        choices=[(a.value, a.label) for a in (Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED)]
    )
    version = forms.IntegerField(min_value=1)


@require_POST
def record_attendance(request, pk):
    """Records from the work list whether the person came to a past meeting, then goes back to it."""
    meeting = policy.get_or_404(editable_meetings(request.user).select_related("enrolment__person"), pk=pk)
    form = AttendanceForm(request.POST)
    person = meeting.enrolment.person.full_name
    if not form.is_valid():
        messages.error(request, _("Choisissez si la personne était présente, absente ou excusée."))
    elif meeting.attendance:
        messages.info(
            request, _("La présence de %(person)s à cet entretien est déjà notée.") % {"person": person}
        )
    else:
        meeting.attendance = form.cleaned_data["attendance"]
        meeting.version = form.cleaned_data["version"]
        try:
            update_meeting(meeting, by=request.user)
        except VersionConflict:
            messages.error(
                request,
                _(
                    "L'entretien de %(person)s a été modifié entre-temps : vérifiez-le dans la liste ci-dessous."
                )
                % {"person": person},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Entretien du %(day)s avec %(person)s : présence notée (« %(attendance)s »).")
                % {
                    "day": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT"),
                    "person": person,
                    "attendance": meeting.get_attendance_display().lower(),
                },
            )
    return redirect(reverse("core:home") + "#worklist")


def my_services(request):
    """The services where the user works, with their team."""
    services = policy.scoped_services(request.user, policy.Action.VIEW_SERVICE).filter(
        memberships__user=request.user
    )
    services = services.select_related("organisation").prefetch_related(team_prefetch()).distinct()
    return render(request, "core/services.html", {"services": services})


def organisation_overview(request):
    """For directors: every active service of the organisation, with its team size by role."""
    policy.require(request.user, policy.Action.VIEW_ORGANISATION)
    services = policy.scoped_services(request.user, policy.Action.VIEW_SERVICE).annotate(**team_counts())
    return render(request, "core/organisation.html", {"services": services})


def team_counts() -> dict:
    active = Q(memberships__user__is_active=True, memberships__role__in=policy.CASE_ROLES)
    return {
        "team_size": Count("memberships__user", filter=active, distinct=True),
        "coach_count": Count("memberships", filter=active & Q(memberships__role=Role.COACH)),
    }


def service_detail(request, pk):
    service = policy.get_or_404(
        policy.scoped_services(request.user, policy.Action.VIEW_SERVICE).select_related("organisation"), pk=pk
    )
    service.team = list(team_members().filter(service=service))
    context = {
        "service": service,
        "can_manage_caseloads": policy.can(request.user, policy.Action.MANAGE_CASELOADS, service),
        "can_see_cases": policy.can(request.user, policy.Action.VIEW_CASES, service),
        "can_manage_referential": policy.can(request.user, policy.Action.MANAGE_REFERENTIAL, service),
    }
    return render(request, "core/service_detail.html", context)
