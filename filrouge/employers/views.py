"""Job development pages: companies and the people met there, the employer contacts log, openings.

Companies and openings are shared by the organisation's services (`policy.scoped_companies`,
`policy.scoped_openings`); a log entry about a person is seen only by those who reach that
person (`policy.scoped_employer_contacts`).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.core.text import fold
from filrouge.employers import domain
from filrouge.employers.forms import (
    CompanyContactForm,
    CompanyFilterForm,
    CompanyForm,
    EmployerContactFilterForm,
    EmployerContactForm,
    OpeningFilterForm,
    OpeningForm,
)
from filrouge.employers.models import Company, Opening, OpeningStatus
from filrouge.matching.panels import opening_panel
from filrouge.organisations.models import Membership
from filrouge.organisations.validators import normalise_siret
from filrouge.pathways.domain import today
from filrouge.people.models import Contact, ContactKind

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES
SUMMARY_WEEKS = 8
COMPANY_LOG_SIZE = 20


def require_editor(user) -> None:
    if not policy.may_edit_employers(user):
        raise PermissionDenied


def case_staff(user, include=None):
    """The active accounts holding a case role in the services the user sees (owners, coaches)."""
    memberships = Membership.objects.active().filter(
        service__in=policy.scoped_services(user, VIEW), role__in=policy.CASE_ROLES
    )
    staff = Q(pk__in=memberships.values("user"))
    if include is not None:
        staff |= Q(pk=include.pk)
    return User.objects.filter(staff).order_by("full_name", "pk")


def company_of(request, pk, action=VIEW):
    return policy.get_or_404(policy.scoped_companies(request.user, action), pk=pk)


def company_contacts(user, company=None):
    contacts = policy.scoped_contacts(user).filter(kind=ContactKind.EMPLOYER, company__isnull=False)
    return contacts.filter(company=company) if company is not None else contacts


def requested_pk(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


# --- Companies ---------------------------------------------------------------------------------


def company_list(request):
    policy.require_case_worker(request.user)
    companies = (
        policy.scoped_companies(request.user)
        .select_related("owner")
        .annotate(open_openings=Count("openings", filter=Q(openings__status=OpeningStatus.OPEN)))
        .order_by("name", "pk")
    )
    filters = CompanyFilterForm(request.GET or None, owners=case_staff(request.user))
    archived = False
    if filters.is_valid():
        data = filters.cleaned_data
        digits = normalise_siret(data["q"])  # a SIRET typed in groups, "123 456 789 00012"
        companies = companies.search(digits if digits.isdigit() else data["q"])
        if data["status"]:
            companies = companies.filter(relationship_status=data["status"])
        if data["kind"]:
            companies = companies.filter(kind=data["kind"])
        if data["owner"]:
            companies = companies.filter(owner=data["owner"])
        archived = data["archived"]
    if not archived:
        companies = companies.active()
    page, query = paginate(request, companies)
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "filtered": any(request.GET.get(name) for name in ("q", "status", "kind", "owner")),
        "can_edit": policy.may_edit_employers(request.user),
    }
    template = "employers/_company_rows.html" if wants_fragment(request) else "employers/company_list.html"
    return render(request, template, context)


def company_form(request, pk=None):
    if pk is None:
        require_editor(request.user)
        company = Company(organisation_id=policy.grants(request.user).organisation_id)
        owners = case_staff(request.user)
        initial = {"owner": request.user} if owners.filter(pk=request.user.pk).exists() else {}
    else:
        company = company_of(request, pk, EDIT)
        owners = case_staff(request.user, include=company.owner)
        initial = {}
    form = CompanyForm(request.POST or None, instance=company, owners=owners, initial=initial)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            company = domain.save_company(form.save(commit=False), by=request.user)
        except domain.DuplicateCompany as error:
            add_domain_errors(form, error)
            duplicate = error.existing
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("La fiche de l'entreprise « %(name)s » est enregistrée.") % {"name": company.name}
            )
            return redirect("employers:detail", pk=company.pk)
    context = {"form": form, "company": company if pk else None, "duplicate": duplicate}
    return render(request, "employers/company_form.html", context)


def company_detail(request, pk):
    company = policy.get_or_404(policy.scoped_companies(request.user).select_related("owner"), pk=pk)
    log = (
        policy.scoped_employer_contacts(request.user)
        .filter(company=company)
        .select_related("coach", "person", "company_contact")
    )
    context = {
        "company": company,
        "obligation": domain.obligation_label(company),
        "contacts": company_contacts(request.user, company),
        "log": log[:COMPANY_LOG_SIZE],
        "log_count": log.count(),
        "openings": company.openings.select_related("job_title"),
        "can_edit": policy.may_edit_employers(request.user),
    }
    return render(request, "employers/company_detail.html", context)


def company_archive(request, pk, restore=False):
    company = company_of(request, pk, EDIT)
    if request.method == "POST":
        try:
            if restore:
                domain.restore_company(company, by=request.user)
                messages.success(
                    request, _("L'entreprise « %(name)s » est restaurée.") % {"name": company.name}
                )
            else:
                closed = domain.archive_company(company, by=request.user)
                text = _("L'entreprise « %(name)s » est archivée.") % {"name": company.name}
                if closed:
                    text += " " + _("Ses offres ouvertes (%(count)s) sont fermées.") % {"count": closed}
                messages.success(request, text)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("employers:detail", pk=company.pk)
    return render(request, "employers/company_archive.html", {"company": company, "restore": restore})


def company_restore(request, pk):
    return company_archive(request, pk, restore=True)


def company_contact_form(request, pk=None, contact_pk=None):
    if contact_pk is not None:
        contacts = company_contacts(request.user).filter(
            company__in=policy.scoped_companies(request.user, EDIT)
        )
        contact = policy.get_or_404(contacts.select_related("company"), pk=contact_pk)
        company = contact.company
    else:
        company = company_of(request, pk, EDIT)
        contact = Contact()
    form = CompanyContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            contact = domain.save_company_contact(form.save(commit=False), company)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("La fiche de %(name)s est enregistrée.") % {"name": contact.full_name}
            )
            return redirect("employers:detail", pk=company.pk)
    context = {"form": form, "company": company, "contact": contact if contact.pk else None}
    return render(request, "employers/company_contact_form.html", context)


# --- The employer contacts log -----------------------------------------------------------------


def log_list(request):
    policy.require_case_worker(request.user)
    entries = policy.scoped_employer_contacts(request.user).select_related(
        "coach", "company", "person", "company_contact"
    )
    filters = EmployerContactFilterForm(request.GET or None, coaches=case_staff(request.user))
    company = None
    if filters.is_valid():
        data = filters.cleaned_data
        if data["coach"]:
            entries = entries.filter(coach=data["coach"])
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if data["start"]:
            entries = entries.filter(contacted_on__gte=data["start"])
        if data["end"]:
            entries = entries.filter(contacted_on__lte=data["end"])
    company_pk = requested_pk(request, "entreprise")
    if company_pk is not None:
        company = policy.scoped_companies(request.user).filter(pk=company_pk).first()
        entries = entries.filter(company_id=company_pk)
    page, query = paginate(request, entries)
    end = today()
    weeks = domain.contacts_per_week(request.user, end - timedelta(weeks=SUMMARY_WEEKS - 1), end)
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "company": company,
        "weeks": weeks,
        "can_edit": policy.may_edit_employers(request.user),
    }
    return render(request, "employers/log_list.html", context)


def log_add(request, pk=None):
    """Notes a contact with an employer: from the company's page (`pk`), or choosing the company
    (`?entreprise=`); `?personne=` names the person it was for."""
    if pk is None:
        require_editor(request.user)
    fixed = company_of(request, pk, EDIT) if pk is not None else None
    companies = policy.scoped_companies(request.user, EDIT).active()
    people = policy.scoped_people(request.user, EDIT).filter(anonymised_at__isnull=True)
    initial = {}
    person_pk = requested_pk(request, "personne")
    if person_pk is not None:
        initial["person"] = people.filter(pk=person_pk).first()
    company_pk = requested_pk(request, "entreprise")
    if fixed is None and company_pk is not None:
        initial["company"] = companies.filter(pk=company_pk).first()
    form = EmployerContactForm(
        request.POST or None,
        initial=initial,
        companies=companies,
        company_contacts=company_contacts(request.user, fixed).select_related("company"),
        people=people,
        fixed_company=fixed,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = fixed or data["company"]
        try:
            entry = domain.record_employer_contact(
                company=company,
                by=request.user,
                kind=data["kind"],
                face_to_face=data["face_to_face"],
                contacted_on=data["contacted_on"],
                person=data["person"],
                company_contact=data["company_contact"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Le contact avec « %(company)s » est noté : %(kind)s.")
                % {"company": company.name, "kind": entry.get_kind_display().lower()},
            )
            return redirect("employers:detail", pk=company.pk)
    return render(request, "employers/log_form.html", {"form": form, "company": fixed})


# --- Openings ----------------------------------------------------------------------------------


def opening_list(request):
    policy.require_case_worker(request.user)
    openings = policy.scoped_openings(request.user).select_related("company", "job_title")
    filters = OpeningFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if fold(data["q"]):
            openings = openings.filter(job_title__search_label__contains=fold(data["q"]))
        if data["status"]:
            openings = openings.filter(status=data["status"])
        if data["contract_type"]:
            openings = openings.filter(contract_type=data["contract_type"])
    page, query = paginate(request, openings)
    context = {
        "filters": filters,
        "page": page,
        "query": query,
        "can_edit": policy.may_edit_employers(request.user),
    }
    return render(request, "employers/opening_list.html", context)


def opening_form(request, pk=None, company_pk=None):
    """A new opening (from the company's page, or choosing the company), or one edited (`pk`)."""
    if pk is None and company_pk is None:
        require_editor(request.user)
    companies = policy.scoped_companies(request.user, EDIT)
    if pk is not None:
        opening = policy.get_or_404(
            policy.scoped_openings(request.user, EDIT).select_related("company", "job_title"), pk=pk
        )
        fixed = opening.company
    else:
        fixed = company_of(request, company_pk, EDIT) if company_pk is not None else None
        opening = Opening(company=fixed) if fixed else Opening()
    initial = {}
    company_pk_asked = requested_pk(request, "entreprise")
    if fixed is None and company_pk_asked is not None:
        initial["company"] = companies.active().filter(pk=company_pk_asked).first()
    form = OpeningForm(
        request.POST or None,
        instance=opening,
        initial=initial,
        companies=companies.active(),
        recruiters=company_contacts(request.user, fixed).select_related("company"),
        fixed_company=fixed,
    )
    if request.method == "POST" and form.is_valid():
        try:
            opening = domain.save_opening(form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("L'offre « %(title)s » chez %(company)s est enregistrée.")
                % {"title": opening.job_title.label, "company": opening.company.name},
            )
            return redirect("employers:opening_detail", pk=opening.pk)
    context = {"form": form, "company": fixed, "opening": opening if opening.pk else None}
    return render(request, "employers/opening_form.html", context)


def opening_detail(request, pk):
    openings = policy.scoped_openings(request.user).select_related(
        "company", "job_title__occupation", "recruiter", "created_by"
    )
    opening = policy.get_or_404(openings, pk=pk)
    context = {"opening": opening, "can_edit": policy.may_edit_employers(request.user)}
    context.update(opening_panel(request.user, opening))
    return render(request, "employers/opening_detail.html", context)
