from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.core.phones import with_unreadable_phone
from filrouge.organisations.models import Membership, Role
from filrouge.pathways import domain
from filrouge.pathways.forms import EnrolmentStartForm, EntrySituationForm
from filrouge.pathways.models import Enrolment
from filrouge.people import domain as people
from filrouge.people.forms import (
    ContactForm,
    ExistingPersonForm,
    PersonContactForm,
    PersonEditForm,
    PersonForm,
    SearchForm,
)
from filrouge.people.models import Person, PersonContact
from filrouge.people.timeline import kinds as timeline_kinds
from filrouge.people.timeline import timeline as build_timeline

TIMELINE_PAGE_SIZE = 20


def coaches_of(services):
    return Membership.objects.active().filter(service__in=services, role=Role.COACH).users()


def start_forms(request):
    """The forms that open a pathway: its start and the situation at entry."""
    services = policy.scoped_services(request.user, policy.Action.EDIT_CASES)
    start = EnrolmentStartForm(
        request.POST or None,
        services=services,
        contacts=policy.scoped_contacts(request.user),
        coaches=coaches_of(services),
        lead_coach=domain.default_lead_coach(request.user, services),
        prefix="start",
    )
    entry = EntrySituationForm(request.POST or None, prefix="entry")
    return start, entry


def open_pathway(request, person, start, entry) -> Enrolment:
    data = start.cleaned_data
    return domain.enrol(
        person,
        data["service"],
        by=request.user,
        referral_date=data["referral_date"],
        referral_reason=data["referral_reason"],
        referred_by=data["referred_by"],
        intake_date=data["intake_date"],
        primary_coach=data["primary_coach"],
        entry=entry.cleaned_data,
    )


def duplicate_matches(user, duplicate: people.PossibleDuplicate) -> list[dict]:
    """Each possible match as the user may see it: a person in a service they do not work in is
    only said to exist; for the others, their birth date and the pathways the user may see."""
    everyone = duplicate.everyone
    pks = [match.pk for match in everyone]
    visible = set(policy.scoped_people(user).filter(pk__in=pks).values_list("pk", flat=True))
    editable = set(
        policy.scoped_people(user, policy.Action.EDIT_CASES).filter(pk__in=pks).values_list("pk", flat=True)
    )
    enrolments = (
        policy.scoped_enrolments(user)
        .filter(person_id__in=visible)
        .select_related("service", "primary_coach")
        .order_by("-referral_date", "-pk")
    )
    return [
        {
            "person": match,
            "near": match in duplicate.near_matches,
            "visible": match.pk in visible,
            "can_enrol": match.pk in editable,
            "enrolments": [e for e in enrolments if e.person_id == match.pk],
        }
        for match in everyone
    ]


def enrol_existing(request, start, entry):
    """The pathway typed on the creation page, opened for the person already known rather than a
    new record ("Ouvrir un nouveau parcours pour cette personne"); None when it could not be."""
    chosen = ExistingPersonForm(
        request.POST, people=policy.scoped_people(request.user, policy.Action.EDIT_CASES)
    )
    if not chosen.is_valid():
        raise Http404
    person = chosen.cleaned_data["existing"]
    if not (start.is_valid() and entry.is_valid()):
        return None
    try:
        open_pathway(request, person, start, entry)
    except ValidationError as error:
        add_domain_errors(start, error)
        return None
    messages.success(request, _("Le nouveau parcours de %(name)s est ouvert.") % {"name": person.full_name})
    return redirect("people:detail", pk=person.pk)


def person_create(request):
    """A new person and their first pathway, with a guard against recording someone twice."""
    if not policy.scoped_services(request.user, policy.Action.EDIT_CASES).exists():
        raise PermissionDenied
    form = PersonForm(request.POST or None, prefix="person")
    start, entry = start_forms(request)
    duplicate = None
    if request.method == "POST" and "existing" in request.POST:
        response = enrol_existing(request, start, entry)
        if response is not None:
            return response
        if form.is_valid():  # the choice failed: the matches stay on the page
            person = form.save(commit=False)
            person.organisation = request.user.organisation
            duplicate = people.possible_duplicate(person)
    elif request.method == "POST" and all([form.is_valid(), start.is_valid(), entry.is_valid()]):
        person = form.save(commit=False)
        person.organisation = request.user.organisation
        try:
            with transaction.atomic():  # the person is not kept without their pathway
                people.create_person(
                    person, by=request.user, homonym_confirmed=bool(request.POST.get("not_a_duplicate"))
                )
                open_pathway(request, person, start, entry)
        except people.PossibleDuplicate as possible:
            duplicate = possible
        except ValidationError as error:
            add_domain_errors(start, error)
        else:
            messages.success(request, _("Le dossier de %(name)s est créé.") % {"name": person.full_name})
            return redirect("people:detail", pk=person.pk)
    context = {
        "form": form,
        "start": start,
        "entry": entry,
        "duplicates": duplicate_matches(request.user, duplicate) if duplicate else [],
        "exact_duplicate": bool(duplicate and duplicate.matches),
    }
    return render(request, "people/person_create.html", context)


def person_list(request):
    """The pathways of the services the user works in: current ones by default."""
    policy.require_case_worker(request.user)
    search = SearchForm(request.GET or None)
    enrolments = policy.scoped_enrolments(request.user).select_related("person", "service", "primary_coach")
    status = request.GET.get("statut", "current")
    enrolments = (
        enrolments.filter(exit_date__isnull=True)
        if status != "exited"
        else enrolments.exclude(exit_date=None)
    )
    if search.is_valid() and search.cleaned_data["q"]:
        enrolments = enrolments.filter(person__in=Person.objects.search(search.cleaned_data["q"]))
    page, query = paginate(request, enrolments.order_by("person__sort_name", "pk"))
    can_create = policy.scoped_services(request.user, policy.Action.EDIT_CASES).exists()
    template = "people/_person_rows.html" if wants_fragment(request) else "people/person_list.html"
    return render(
        request,
        template,
        {"search": search, "page": page, "query": query, "status": status, "can_create": can_create},
    )


def visible_person(request, pk, action=policy.Action.VIEW_CASES) -> Person:
    return policy.get_or_404(policy.scoped_people(request.user, action), pk=pk)


def person_detail(request, pk):
    person = visible_person(request, pk)
    enrolments = (
        policy.scoped_enrolments(request.user)
        .filter(person=person)
        .select_related("service", "primary_coach", "referred_by", "entry_situation")
        .prefetch_related("team", "suspensions", "renewals")
    )
    enrolments = list(enrolments)
    for enrolment in enrolments:
        enrolment.can_edit = policy.can(request.user, policy.Action.EDIT_CASES, enrolment.service)
        enrolment.can_reassign = policy.can(request.user, policy.Action.MANAGE_CASELOADS, enrolment.service)
        enrolment.can_reopen = not enrolment.is_current and policy.may_reopen(
            request.user, enrolment, domain.today()
        )
        enrolment.can_take = enrolment.primary_coach_id is None and policy.may_take_lead(
            request.user, enrolment
        )
    links = person.contact_links.select_related("contact")
    can_edit = policy.scoped_people(request.user, policy.Action.EDIT_CASES).filter(pk=person.pk).exists()
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "enrolments": enrolments,
            "links": links,
            "can_edit": can_edit,
            "today": domain.today(),
        },
    )


def person_edit(request, pk):
    person = visible_person(request, pk, policy.Action.EDIT_CASES)
    form = PersonEditForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("Les informations de %(name)s sont enregistrées.") % {"name": person.full_name}
            )
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_edit.html", {"person": person, "form": form})


def person_enrol(request, pk):
    """A new pathway for someone already known: a re-enrolment, or a second service."""
    person = visible_person(request, pk, policy.Action.EDIT_CASES)
    start, entry = start_forms(request)
    if request.method == "POST" and start.is_valid() and entry.is_valid():
        try:
            open_pathway(request, person, start, entry)
        except ValidationError as error:
            add_domain_errors(start, error)
        else:
            messages.success(request, _("Le nouveau parcours est ouvert."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_enrol.html", {"person": person, "start": start, "entry": entry})


def person_timeline(request, pk):
    person = visible_person(request, pk)
    enrolments = policy.scoped_enrolments(request.user).filter(person=person)
    kinds = timeline_kinds()
    chosen = [kind for kind in request.GET.getlist("type") if kind in dict(kinds)]
    events = build_timeline(person, enrolments, request.user, chosen)
    page, query = paginate(request, events, TIMELINE_PAGE_SIZE)
    return render(
        request,
        "people/person_timeline.html",
        {"person": person, "page": page, "query": query, "kinds": kinds, "chosen": chosen},
    )


def person_contact_add(request, pk):
    person = visible_person(request, pk, policy.Action.EDIT_CASES)
    contacts = policy.scoped_contacts(request.user)
    form = PersonContactForm(request.POST or None, contacts=contacts, person=person)
    # The new partner's fields count only when some were typed.
    typed = any(request.POST.get(f"new-{name}") for name in ("full_name", "partner_name"))
    new_contact = ContactForm(request.POST if typed else None, prefix="new")
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        if contact is None:
            if not typed:
                form.add_error(
                    "contact", _("Choisissez un partenaire connu, ou décrivez-en un nouveau ci-dessous.")
                )
            elif new_contact.is_valid():
                contact = new_contact.save(commit=False)
                contact.organisation = request.user.organisation
                contact.save()
        else:
            new_contact = ContactForm(prefix="new")  # ignored: an existing partner was chosen
        if contact is not None and not form.errors:
            PersonContact.objects.create(
                organisation=person.organisation,
                person=person,
                contact=contact,
                relation=form.cleaned_data["relation"],
            )
            messages.success(
                request, _("%(contact)s est ajouté·e aux partenaires.") % {"contact": contact.full_name}
            )
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/person_contact_add.html",
        {"person": person, "form": form, "new_contact": new_contact},
    )


def person_contact_remove(request, pk, link_pk):
    person = visible_person(request, pk, policy.Action.EDIT_CASES)
    link = policy.get_or_404(person.contact_links.select_related("contact"), pk=link_pk)
    if request.method == "POST":
        link.delete()
        messages.success(request, _("Le partenaire est retiré du dossier ; sa fiche reste dans l'annuaire."))
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_contact_remove.html", {"person": person, "link": link})


def contact_list(request):
    policy.require_case_worker(request.user)
    contacts = policy.scoped_contacts(request.user)
    search = SearchForm(request.GET or None)
    if search.is_valid() and search.cleaned_data["q"]:
        contacts = contacts.search(search.cleaned_data["q"])
    page, query = paginate(request, contacts)
    to_fix = phones_to_fix_count(request.user)
    context = {"search": search, "page": page, "query": query, "phones_to_fix": to_fix}
    template = "people/_contact_rows.html" if wants_fragment(request) else "people/contact_list.html"
    return render(request, template, context)


def may_fix_phones(user) -> bool:
    """Heads of service and directors keep the records' quality: they see the numbers to correct."""
    return policy.scoped_services(user, policy.Action.MANAGE_CASELOADS).exists()


def phones_to_fix_count(user) -> int:
    if not may_fix_phones(user):
        return 0
    people = with_unreadable_phone(policy.scoped_people(user, policy.Action.MANAGE_CASELOADS))
    return people.count() + with_unreadable_phone(policy.scoped_contacts(user)).count()


def phones_to_fix(request):
    """The phone numbers kept as typed because they could not be read, each with its form."""
    if not may_fix_phones(request.user):
        raise PermissionDenied
    people = with_unreadable_phone(policy.scoped_people(request.user, policy.Action.MANAGE_CASELOADS))
    contacts = with_unreadable_phone(policy.scoped_contacts(request.user)).select_related("company")
    context = {"people": people.order_by("sort_name", "pk"), "contacts": contacts.order_by("full_name", "pk")}
    return render(request, "people/phones_to_fix.html", context)


def contact_form(request, pk=None):
    if not policy.scoped_services(request.user, policy.Action.EDIT_CASES).exists():
        raise PermissionDenied
    contact = policy.get_or_404(policy.scoped_contacts(request.user), pk=pk) if pk else None
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.organisation = request.user.organisation
        contact.save()
        messages.success(request, _("La fiche de %(name)s est enregistrée.") % {"name": contact.full_name})
        return redirect("people:contacts")
    return render(request, "people/contact_form.html", {"form": form, "contact": contact})
