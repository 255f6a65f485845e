from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate
from filrouge.organisations.models import Membership
from filrouge.workshops import domain
from filrouge.workshops.forms import (
    AttendanceForm,
    CancelSessionForm,
    PersonRegisterForm,
    RegisterForm,
    SeriesForm,
    SessionEditForm,
    SessionFilterForm,
    SessionForm,
    WorkshopTypeForm,
)
from filrouge.workshops.models import RegistrationStatus, WorkshopType

Action = policy.Action


def with_counts(sessions):
    return sessions.annotate(
        registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
    ).annotate(places_left=ExpressionWrapper(F("capacity") - F("registered"), output_field=IntegerField()))


def facilitators_of(service):
    return Membership.objects.active().filter(service=service, role__in=policy.CASE_ROLES).users()


def session_in_reach(request, pk, action=Action.EDIT_CASES):
    sessions = policy.scoped_sessions(request.user, action).select_related("type", "service", "facilitator")
    return policy.get_or_404(sessions, pk=pk)


def service_in_reach(request, pk, action=Action.EDIT_CASES):
    return policy.get_or_404(policy.scoped_services(request.user, action), pk=pk)


# --- Lists and the session's page ---------------------------------------------------------------


def session_list(request):
    """The workshop sessions of the services the user works in: upcoming ones first."""
    policy.require_case_worker(request.user)
    services = policy.scoped_services(request.user, Action.VIEW_CASES)
    filters = SessionFilterForm(request.GET or None, services=services)
    sessions = with_counts(
        policy.scoped_sessions(request.user).select_related("type", "service", "facilitator")
    )
    page, query = paginate(request, filters.apply(sessions))
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "period": filters.cleaned_data.get("period") if filters.is_valid() else "",
        "editable_services": list(policy.scoped_services(request.user, Action.EDIT_CASES)),
    }
    return render(request, "workshops/session_list.html", context)


def eligible_enrolments(request, session):
    """The service's current pathways not already registered or waiting for this session."""
    taken = session.registrations.exclude(status=RegistrationStatus.CANCELLED).values("enrolment")
    return (
        policy.scoped_enrolments(request.user, Action.EDIT_CASES)
        .current()
        .filter(service_id=session.service_id)
        .exclude(pk__in=taken)
        .select_related("person")
        .order_by("person__sort_name", "pk")
    )


def session_page(request, session, register_form=None, attendance_form=None, status=200):
    registrations = list(
        session.registrations.select_related("enrolment__person").order_by("registered_at", "pk")
    )
    registered = [r for r in registrations if r.status == RegistrationStatus.REGISTERED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    cancelled = [r for r in registrations if r.status == RegistrationStatus.CANCELLED]
    can_edit = policy.can(request.user, Action.EDIT_CASES, session.service)
    now = domain.now()
    started, ended = session.starts_at <= now, session.ends_at <= now
    if can_edit and register_form is None and not session.is_cancelled and not ended:
        register_form = RegisterForm(enrolments=eligible_enrolments(request, session))
    if can_edit and attendance_form is None and started and not session.is_cancelled and registered:
        attendance_form = AttendanceForm(registrations=registered)
    context = {
        "session": session,
        "registered": registered,
        "waiting": waiting,
        "cancelled": cancelled,
        "places_left": max(session.capacity - len(registered), 0),
        "can_edit": can_edit,
        "started": started,
        "ended": ended,
        "register_form": register_form if can_edit else None,
        "attendance_form": attendance_form if can_edit else None,
    }
    return render(request, "workshops/session_detail.html", context, status=status)


def session_detail(request, pk):
    return session_page(request, session_in_reach(request, pk, Action.VIEW_CASES))


def announce_registration(request, registration) -> None:
    person = registration.enrolment.person
    if registration.status == RegistrationStatus.REGISTERED:
        messages.success(request, domain.registered_message(person))
    else:
        messages.success(request, domain.waiting_message(person))


@require_POST
def register(request, pk):
    session = session_in_reach(request, pk)
    form = RegisterForm(request.POST, enrolments=eligible_enrolments(request, session))
    if form.is_valid():
        try:
            with transaction.atomic():
                registration = domain.register(session, form.cleaned_data["enrolment"], request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            announce_registration(request, registration)
            return redirect("workshops:session_detail", pk=session.pk)
    return session_page(request, session, register_form=form)


@require_POST
def attendance(request, pk):
    session = session_in_reach(request, pk)
    registered = session.registrations.filter(status=RegistrationStatus.REGISTERED).select_related(
        "enrolment__person"
    )
    form = AttendanceForm(request.POST, registrations=registered)
    if form.is_valid():
        try:
            with transaction.atomic():
                domain.record_attendance(session, form.marks(), request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Les présences sont enregistrées."))
            return redirect("workshops:session_detail", pk=session.pk)
    return session_page(request, session, attendance_form=form)


def registration_cancel(request, pk):
    registrations = policy.scoped_registrations(request.user, Action.EDIT_CASES).select_related(
        "session__type", "session__service", "enrolment__person"
    )
    registration = policy.get_or_404(registrations, pk=pk)
    session = registration.session
    error = None
    if request.method == "POST":
        try:
            with transaction.atomic():
                promoted = domain.cancel_registration(registration, request.user)
        except ValidationError as refused:
            error = refused
        else:
            messages.success(request, domain.unregistered_message(registration.enrolment.person))
            if promoted is not None:
                messages.success(request, domain.promoted_message(promoted.enrolment.person))
            return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/registration_cancel.html",
        {"registration": registration, "session": session, "errors": error.messages if error else []},
    )


# --- The person's workshops (a tab of the record) ---------------------------------------------------

OFFERED_AHEAD = timedelta(days=92)  # the register select lists about three months of sessions


def offered_sessions(request, person):
    """Sessions to come, not cancelled, of the services where the user may register the person
    (a current pathway there), the person not already registered or waiting."""
    pathways = policy.scoped_enrolments(request.user, Action.EDIT_CASES).current().filter(person=person)
    taken = (
        policy.scoped_registrations(request.user)
        .filter(enrolment__person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
    )
    now = domain.now()
    sessions = (
        policy.scoped_sessions(request.user, Action.EDIT_CASES)
        .not_cancelled()
        .filter(
            service__in=pathways.values("service"),
            starts_at__gt=now,
            starts_at__lte=now + OFFERED_AHEAD,
        )
        .exclude(pk__in=taken.values("session"))
    )
    return with_counts(sessions).select_related("type", "service").order_by("starts_at", "pk")


def person_workshops(request, pk):
    """The person's sessions, to come and past with their attendance, and registering them."""
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    sessions = offered_sessions(request, person)
    form = PersonRegisterForm(request.POST or None, sessions=sessions)
    may_register = policy.scoped_enrolments(request.user, Action.EDIT_CASES).current().filter(person=person)
    if request.method == "POST" and form.is_valid():
        session = form.cleaned_data["session"]
        enrolment = may_register.filter(service=session.service_id).select_related("person").first()
        try:
            with transaction.atomic():
                registration = domain.register(session, enrolment, request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            announce_registration(request, registration)
            return redirect("workshops:person_workshops", pk=person.pk)
    registrations = (
        policy.scoped_registrations(request.user)
        .filter(enrolment__person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session__type", "session__service")
        .order_by("session__starts_at", "pk")
    )
    editable = set(policy.scoped_services(request.user, Action.EDIT_CASES).values_list("pk", flat=True))
    now = domain.now()
    upcoming, past = [], []
    for registration in registrations:
        registration.can_edit = registration.session.service_id in editable
        (upcoming if registration.session.starts_at > now else past).append(registration)
    context = {
        "person": person,
        "upcoming": upcoming,
        "past": past[::-1],  # the latest first
        "form": form if may_register.exists() else None,
        "has_sessions": form.is_bound or sessions.exists(),
    }
    return render(request, "workshops/person_workshops.html", context)


# --- Programming sessions -----------------------------------------------------------------------


def session_create(request, pk):
    service = service_in_reach(request, pk)
    form = SessionForm(request.POST or None, service=service, facilitators=facilitators_of(service))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                session = domain.create_session(service=service, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La séance est programmée."))
            return redirect("workshops:session_detail", pk=session.pk)
    return render(request, "workshops/session_form.html", {"service": service, "form": form})


def series_create(request, pk):
    service = service_in_reach(request, pk)
    form = SeriesForm(request.POST or None, service=service, facilitators=facilitators_of(service))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                sessions = domain.create_series(service=service, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("La série est programmée : %(count)s séances.") % {"count": len(sessions)}
            )
            return redirect(f"{reverse('workshops:list')}?service={service.pk}")
    return render(request, "workshops/series_form.html", {"service": service, "form": form})


def session_edit(request, pk):
    session = session_in_reach(request, pk)
    if session.is_cancelled:
        raise Http404
    form = SessionEditForm(
        request.POST or None,
        instance=session,
        service=session.service,
        facilitators=facilitators_of(session.service),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                promoted = domain.update_session(session, **data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La séance est enregistrée."))
            for registration in promoted:
                messages.success(
                    request,
                    _("%(person)s quitte la liste d'attente et prend une place.")
                    % {"person": registration.enrolment.person.full_name},
                )
            return redirect("workshops:session_detail", pk=session.pk)
    return render(request, "workshops/session_edit.html", {"session": session, "form": form})


def session_cancel(request, pk):
    session = session_in_reach(request, pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                domain.cancel_session(session, form.cleaned_data["reason"], request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La séance est annulée."))
            return redirect("workshops:session_detail", pk=session.pk)
    return render(request, "workshops/session_cancel.html", {"session": session, "form": form})


# --- The service's workshop types ----------------------------------------------------------------


def types(request, pk):
    service = service_in_reach(request, pk)
    form = WorkshopTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                added = domain.add_type(service, form.cleaned_data["name"], form.cleaned_data["for_esat"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'atelier « %(name)s » est ajouté.") % {"name": added.name})
            return redirect("workshops:types", pk=service.pk)
    all_types = list(WorkshopType.objects.for_service(service, include_archived=True))
    context = {
        "service": service,
        "form": form,
        "built_in": [t for t in all_types if t.is_built_in],
        "local": [t for t in all_types if not t.is_built_in],
    }
    return render(request, "workshops/types.html", context)


def local_type(request, pk, type_pk):
    service = service_in_reach(request, pk)
    return service, policy.get_or_404(WorkshopType.objects.filter(service=service), pk=type_pk)


@require_POST
def type_archive(request, pk, type_pk):
    service, workshop_type = local_type(request, pk, type_pk)
    domain.archive_type(workshop_type)
    messages.success(
        request,
        _("L'atelier « %(name)s » est archivé : il n'est plus proposé, ses séances restent.")
        % {"name": workshop_type.name},
    )
    return redirect("workshops:types", pk=service.pk)


@require_POST
def type_restore(request, pk, type_pk):
    service, workshop_type = local_type(request, pk, type_pk)
    domain.restore_type(workshop_type)
    messages.success(request, _("L'atelier « %(name)s » est rétabli.") % {"name": workshop_type.name})
    return redirect("workshops:types", pk=service.pk)
