import re
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.core import agenda as agenda_registry
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.followalong.models import SupportContact
from filrouge.journal import domain
from filrouge.journal.forms import (
    JournalSearchForm,
    MeetingEditForm,
    MeetingForm,
    NoteEditForm,
    NoteForm,
    PersonPickerForm,
)
from filrouge.journal.models import MeetingKind
from filrouge.journal.selectors import (
    editable_meetings,
    editable_notes,
    readable_meetings,
    readable_notes,
    search_writings,
)
from filrouge.organisations.models import Membership
from filrouge.workshops import domain as workshops

# The new secret, kept in the session until shown once.
FEED_SECRET_KEY = "journal_feed_secret"  # noqa: S105 (a session key, not a password)
FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=180)
WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# --- Helpers -----------------------------------------------------------------------------------


def editable_enrolment(request, pk):
    enrolments = policy.scoped_enrolments(request.user, policy.Action.EDIT_CASES)
    return policy.get_or_404(enrolments.select_related("person", "service"), pk=pk)


def team_of(service):
    return Membership.objects.active().filter(service=service, role__in=policy.CASE_ROLES).users()


def can_edit(user, enrolment) -> bool:
    return policy.can(user, policy.Action.EDIT_CASES, enrolment.service)


def sort_key(item):
    """Notes, meetings and follow-along contacts on one line of time, by day then by the moment
    recorded or held."""
    if item.entry_type == "note":
        return (item.written_on, item.created_at)
    if item.entry_type == "support":
        return (item.contacted_on, item.created_at)
    return (timezone.localdate(item.starts_at), item.starts_at)


# --- The person's meetings and notes -----------------------------------------------------------


def person_journal(request, pk):
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    enrolments = policy.scoped_enrolments(request.user).filter(person=person)
    search = JournalSearchForm(request.GET or None)
    data = search.cleaned_data if search.is_valid() else {}
    query, shown = data.get("q", ""), data.get("type", "")

    meetings = (
        readable_meetings(request.user, enrolments)
        .select_related("enrolment__service")
        .prefetch_related("staff")
    )
    notes = readable_notes(request.user, enrolments).select_related("enrolment__service", "author")
    # One history: the follow-along contacts about the person's jobs go with the meetings.
    contacts = policy.scoped_support_contacts(
        request.user, queryset=SupportContact.objects.filter(placement__enrolment__in=enrolments)
    ).select_related("placement__enrolment__service", "placement__company", "placement__job_title", "by")
    # Searched after reading: the texts are encrypted, and only readable writings were read.
    meetings = search_writings(meetings, query) if shown in ("", "meetings") else []
    notes = search_writings(notes, query) if shown in ("", "notes") else []
    contacts = search_writings(contacts, query) if shown in ("", "support") else []
    now = timezone.now()
    for item in meetings:
        item.entry_type = "meeting"
    for item in notes:
        item.entry_type = "note"
    for item in contacts:
        item.entry_type = "support"
    upcoming = sorted((m for m in meetings if m.starts_at >= now), key=lambda m: (m.starts_at, m.pk))
    history = sorted(
        [m for m in meetings if m.starts_at < now] + notes + contacts, key=sort_key, reverse=True
    )
    page, page_query = paginate(request, history)

    pathways = list(enrolments.select_related("service"))
    for enrolment in pathways:
        enrolment.can_edit = can_edit(request.user, enrolment)
    context = {
        "person": person,
        "search": search,
        "upcoming": upcoming,
        "page": page,
        "query": page_query,
        "searching": bool(query or shown),
        "pathways": pathways,
        "user_id": request.user.pk,
    }
    template = "journal/_journal_items.html" if wants_fragment(request) else "journal/person_journal.html"
    return render(request, template, context)


# --- Meetings ----------------------------------------------------------------------------------


def initial_start():
    now = timezone.localtime()
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def clashes_to_confirm(request, meeting, person) -> list[str]:
    """The workshop sessions the new time overlaps, unless the user already saw them and chose
    to save anyway: a warning, never a refusal (the person may leave the workshop early)."""
    if meeting.is_cancelled or request.POST.get("accept_clash") == "1":
        return []
    sessions = workshops.clashing_sessions(person, meeting.starts_at, meeting.ends_at, request.user)
    return [workshops.clash_warning(session) for session in sessions]


def meeting_add(request, pk):
    enrolment = editable_enrolment(request, pk)
    team = team_of(enrolment.service)
    initial = {"starts_at": initial_start(), "kind": MeetingKind.OFFICE}
    if team.filter(pk=request.user.pk).exists():
        initial["staff"] = [request.user.pk]
    form = MeetingForm(request.POST or None, team=team, initial=initial)
    form.name_readers(request.user, enrolment.service)
    from_agenda = request.GET.get("depuis") == "agenda"
    clashes = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = form.save(commit=False)
        try:
            domain.check_meeting(meeting)
            clashes = clashes_to_confirm(request, meeting, enrolment.person)
            if not clashes:
                domain.record_meeting(
                    meeting,
                    enrolment=enrolment,
                    by=request.user,
                    staff=data["staff"],
                    next_starts_at=data["next_starts_at"],
                    next_kind=data["next_kind"],
                )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if not clashes:
                messages.success(request, _("L'entretien est enregistré."))
                if from_agenda:
                    week = iso_week(timezone.localdate(meeting.starts_at))
                    return redirect(f"{reverse('journal:agenda')}?semaine={week}")
                return redirect("journal:person_journal", pk=enrolment.person_id)
    context = {
        "form": form,
        "enrolment": enrolment,
        "person": enrolment.person,
        "creating": True,
        "clashes": clashes,
        "from_agenda": from_agenda,
    }
    return render(request, "journal/meeting_form.html", context)


def meeting_edit(request, pk):
    meeting = policy.get_or_404(
        editable_meetings(request.user).select_related("enrolment__person", "enrolment__service"), pk=pk
    )
    enrolment = meeting.enrolment
    form = MeetingEditForm(request.POST or None, instance=meeting, team=team_of(enrolment.service))
    form.name_readers(request.user, enrolment.service)
    clashes = []
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        try:
            domain.check_meeting(changed)
            # Only a new time is checked again: the clash was shown when the meeting was set.
            if {"starts_at", "duration_minutes"} & set(form.changed_data):
                clashes = clashes_to_confirm(request, changed, enrolment.person)
            if not clashes:
                domain.update_meeting(changed, by=request.user, staff=form.cleaned_data["staff"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if not clashes:
                messages.success(request, _("L'entretien est enregistré."))
                return redirect("journal:meeting_detail", pk=meeting.pk)
    context = {
        "form": form,
        "enrolment": enrolment,
        "person": enrolment.person,
        "meeting": meeting,
        "clashes": clashes,
    }
    return render(request, "journal/meeting_form.html", context)


def meeting_detail(request, pk):
    meeting = policy.get_or_404(
        readable_meetings(request.user)
        .select_related("enrolment__person", "enrolment__service", "created_by")
        .prefetch_related("staff"),
        pk=pk,
    )
    context = {
        "meeting": meeting,
        "person": meeting.enrolment.person,
        "can_edit": can_edit(request.user, meeting.enrolment),
    }
    return render(request, "journal/meeting_detail.html", context)


# --- Notes -------------------------------------------------------------------------------------


def note_add(request, pk):
    enrolment = editable_enrolment(request, pk)
    form = NoteForm(request.POST or None, initial={"written_on": domain.today()})
    form.name_readers(request.user, enrolment.service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.write_note(
                enrolment, request.user, data["text"], data["confidentiality"], data["written_on"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La note est enregistrée."))
            return redirect("journal:person_journal", pk=enrolment.person_id)
    context = {"form": form, "enrolment": enrolment, "person": enrolment.person, "creating": True}
    return render(request, "journal/note_form.html", context)


def note_edit(request, pk):
    note = policy.get_or_404(
        editable_notes(request.user).select_related("enrolment__person", "enrolment__service"), pk=pk
    )
    form = NoteEditForm(request.POST or None, instance=note)
    form.name_readers(request.user, note.enrolment.service)
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_note(form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La note est corrigée."))
            return redirect("journal:note_detail", pk=note.pk)
    context = {"form": form, "enrolment": note.enrolment, "person": note.enrolment.person, "note": note}
    return render(request, "journal/note_form.html", context)


def note_detail(request, pk):
    note = policy.get_or_404(
        readable_notes(request.user).select_related("enrolment__person", "enrolment__service", "author"),
        pk=pk,
    )
    context = {
        "note": note,
        "person": note.enrolment.person,
        "can_edit": editable_notes(request.user).filter(pk=note.pk).exists(),
    }
    return render(request, "journal/note_detail.html", context)


# --- The agenda --------------------------------------------------------------------------------


def week_start(value: str | None) -> date:
    """The Monday of an ISO week such as "2026-W47"; this week's when missing or malformed."""
    match = WEEK.match(value or "")
    if match:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    today = domain.today()
    return today - timedelta(days=today.weekday())


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def agenda_owners(user):
    """The accounts whose agenda the user may choose: the teams of the services they manage."""
    services = policy.scoped_services(user, policy.Action.MANAGE_CASELOADS)
    return Membership.objects.active().filter(service__in=services, role__in=policy.CASE_ROLES).users()


def agenda(request):
    policy.require_case_worker(request.user)
    owner = request.user
    chosen = request.GET.get("coach", "")
    if chosen.isdigit() and len(chosen) <= 19 and int(chosen) != request.user.pk:
        owner = policy.get_or_404(
            User.objects.filter(organisation_id=request.user.organisation_id), pk=int(chosen)
        )
        if not policy.may_view_agenda_of(request.user, owner):
            raise Http404
    monday = week_start(request.GET.get("semaine"))
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)
    found = agenda_registry.entries(owner, start, end, viewer=request.user)
    days = [
        {
            "day": monday + timedelta(days=offset),
            "entries": [
                e for e in found if timezone.localdate(e.starts_at) == monday + timedelta(days=offset)
            ],
        }
        for offset in range(7)
    ]
    owners = list(agenda_owners(request.user).exclude(pk=request.user.pk))
    coach_param = f"&coach={owner.pk}" if owner != request.user else ""
    context = {
        "owner": owner,
        "is_mine": owner == request.user,
        "owners": owners,
        "days": days,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "today": domain.today(),
        "previous_week": iso_week(monday - timedelta(days=7)),
        "next_week": iso_week(monday + timedelta(days=7)),
        "this_week": iso_week(domain.today()),
        "current_week": iso_week(monday),
        "coach_param": coach_param,
        "can_plan": policy.scoped_services(request.user, policy.Action.EDIT_CASES).exists(),
    }
    return render(request, "journal/agenda.html", context)


PICKER_SIZE = 20


def appointment_new(request):
    """The agenda's "Nouveau rendez-vous": find the person (any current pathway the user may
    write in), then the meeting form of that pathway, which comes back to the agenda."""
    policy.require_case_worker(request.user)
    form = PersonPickerForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    pathways = (
        policy.scoped_enrolments(request.user, policy.Action.EDIT_CASES)
        .current()
        .select_related("person", "service")
        .order_by("person", "service__name", "pk")
    )
    if query:
        people = policy.scoped_people(request.user, policy.Action.EDIT_CASES).search(query)
        pathways = pathways.filter(person__in=people)
    else:
        # Before anything is typed: the people the user leads.
        pathways = pathways.filter(primary_coach=request.user)
    found = list(pathways[: PICKER_SIZE + 1])
    context = {
        "form": form,
        "query": query,
        "pathways": found[:PICKER_SIZE],
        "more": len(found) > PICKER_SIZE,
    }
    template = (
        "journal/_person_picker_results.html" if wants_fragment(request) else "journal/appointment_new.html"
    )
    return render(request, template, context)


def calendar_feed(request):
    """The private address of the user's agenda: create it, replace it, stop it."""
    policy.require_case_worker(request.user)
    feed = domain.active_feed(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        confirmed = request.POST.get("confirm") == "1"
        if action in ("create", "revoke") and feed is not None and not confirmed:
            return render(request, "journal/calendar_feed_confirm.html", {"action": action, "feed": feed})
        if action == "create":
            request.session[FEED_SECRET_KEY] = domain.create_feed(request.user)
            messages.success(request, _("Votre adresse d'abonnement est créée. Copiez-la maintenant."))
        elif action == "revoke" and domain.revoke_feed(request.user):
            messages.success(request, _("L'adresse d'abonnement est révoquée : elle ne fonctionne plus."))
        return redirect("journal:calendar_feed")
    secret = request.session.pop(FEED_SECRET_KEY, None)
    url = request.build_absolute_uri(reverse("journal:ics", args=[secret])) if secret and feed else ""
    return render(request, "journal/calendar_feed.html", {"feed": feed, "url": url})


@login_not_required
def ics(request, token):
    """The agenda as iCalendar, for the holder of the secret address: a time, a place, a first name."""
    feed = domain.feed_for_token(token)
    if feed is None:
        raise Http404
    now = timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//filrouge//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Agenda filrouge"))
    for entry in agenda_registry.entries(feed.user, now - FEED_PAST, now + FEED_FUTURE):
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", entry.starts_at.astimezone(UTC))
        event.add("dtend", entry.ends_at.astimezone(UTC))
        event.add("summary", entry.title)
        if entry.place:
            event.add("location", entry.place)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
