"""The companies of a service's file, with the people met there (docs/design/imports-plan.md §2).

A row is matched to a company, in order, by its external id (an `ImportedKey` of the run's
service), by its SIRET in the organisation (archived companies included, as
`employers.domain.find_duplicate`), else by its name (folded) and postal code among the
organisation's companies without a SIRET. Several rows naming one company list its contacts, one
a row; they must not describe the company differently. A blank cell never clears a stored value:
"unchanged" means every filled cell equals what is stored. The values go through `CompanyForm`
and `CompanyContactForm` (the page's rules) and are written by `save_company` and
`save_company_contact`.

Companies are the organisation's: a company created by one service's import is seen by the
others, as one typed on the page is. An owner is looked up among the staff the importer sees,
so an address of another organisation is "unknown", with the same words as a typo.
"""

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.core.text import fold
from filrouge.employers import domain
from filrouge.employers.forms import CompanyContactForm, CompanyForm
from filrouge.employers.models import Company
from filrouge.imports.context import KindImport, RunContext, WriteRefused
from filrouge.imports.models import ImportedKey, KeyKind
from filrouge.imports.rows import InputRow, Outcome, RowResult
from filrouge.organisations.models import Membership
from filrouge.people.models import Contact, ContactKind

COMPANY_FIELDS = tuple(CompanyForm.Meta.fields)
CONTACT_FIELDS = {  # column key → Contact field
    "contact_full_name": "full_name",
    "contact_job_title": "job_title",
    "contact_phone": "phone",
    "contact_email": "email",
}


def filled(value) -> bool:
    return value not in (None, "")


@dataclass
class ContactPlan:
    contact: Contact
    values: dict  # Contact field → value, the filled cells
    changes: dict  # what differs from the stored contact (all the values for a new one)
    first_row: int

    @property
    def is_new(self) -> bool:
        return self.contact.pk is None


@dataclass
class CompanyPlan:
    company: Company
    cells: dict  # column key → value: the filled company cells of its first row
    changes: dict  # Company field → value (every value for a new company)
    first_row: int
    by_name: bool = False  # found by its folded name: its stored spelling is kept
    external_ids: set = field(default_factory=set)
    contacts: list = field(default_factory=list)
    stored_contacts: list | None = None

    @property
    def is_new(self) -> bool:
        return self.company.pk is None


class CompaniesImport(KindImport):
    kind = "companies"

    def __init__(self, *, service, user, headers: dict[str, str], context: RunContext | None = None):
        super().__init__(service=service, user=user, headers=headers, context=context)
        memberships = Membership.objects.active().filter(
            service__in=policy.scoped_services(user, policy.Action.VIEW_CASES), role__in=policy.CASE_ROLES
        )
        self.owners = User.objects.filter(
            organisation_id=self.organisation_id, is_active=True, pk__in=memberships.values("user")
        )

    # --- Plan -----------------------------------------------------------------------------

    def plan(self, rows: list[InputRow]) -> tuple[list[RowResult], list[CompanyPlan]]:
        """Each row's outcome, and what writing would do; reads only."""
        self.plans: list[CompanyPlan] = []
        self.by_id: dict[str, CompanyPlan] = {}
        self.by_siret: dict[str, CompanyPlan] = {}
        self.by_name: dict[tuple[str, str], CompanyPlan] = {}
        self.by_pk: dict[int, CompanyPlan] = {}
        ids = {row.values["external_id"] for row in rows if filled(row.values.get("external_id"))}
        keys = ImportedKey.objects.filter(service=self.service, kind=KeyKind.COMPANY, external_id__in=ids)
        self.keyed = {key.external_id: key.company for key in keys.select_related("company")}
        sirets = {row.values["siret"] for row in rows if filled(row.values.get("siret"))}
        self.with_siret = {
            company.siret: company
            for company in Company.objects.filter(organisation_id=self.organisation_id, siret__in=sirets)
        }
        results = [self.plan_row(row) for row in rows]
        self.share()
        return results, self.plans

    def share(self) -> None:
        """The run's companies, for its placements (the same instances the write saves)."""
        for plan in self.plans:
            company, context = plan.company, self.context
            if plan.is_new:  # a later kind reads the new company's kind, name, SIRET
                for name, value in plan.changes.items():
                    setattr(company, name, value)
            for external_id in plan.external_ids:
                context.companies_by_external_id[external_id] = company
            siret = plan.changes.get("siret") or company.siret
            if siret:
                context.companies_by_siret[siret] = company
            name = plan.changes.get("name") or company.name
            if name and company not in context.companies_by_name[fold(name)]:
                context.companies_by_name[fold(name)].append(company)

    def plan_row(self, row: InputRow) -> RowResult:
        result = RowResult(row.number)
        for key, messages in row.errors.items():
            for message in messages:
                result.refuse(self.header(key), message)
        cells = {key: row.values[key] for key in COMPANY_FIELDS if filled(row.values.get(key))}
        external_id = row.values.get("external_id") or ""
        if "name" not in cells:
            return result  # refused already: the name is a required column
        plan = self.find_plan(row, cells, external_id, result)
        if plan is None:
            return result
        if external_id:
            plan.external_ids.add(external_id)
        owner = self.owner_of(cells, plan, result)
        if plan.first_row == row.number:
            self.check_company(plan, cells, owner, row, result)
        else:
            self.check_agreement(plan, cells, row, result)
        contact = self.plan_contact(plan, row, result)
        if result.refused:
            return result
        if plan.first_row == row.number and plan.is_new:
            result.outcome = Outcome.CREATED
        elif plan.first_row == row.number and plan.changes:
            result.outcome = Outcome.UPDATED
            result.fields = sorted(plan.changes)
        if contact is not None and contact.first_row == row.number and contact.changes:
            if result.outcome == Outcome.UNCHANGED:
                result.outcome = Outcome.CREATED if contact.is_new else Outcome.UPDATED
            result.fields = [*result.fields, *(f"contact.{name}" for name in sorted(contact.changes))]
        return result

    def find_plan(self, row, cells, external_id, result) -> CompanyPlan | None:
        """The company of the row: one already planned by an earlier row, or a stored one, or a
        new one. None when the keys point to two different companies (refused)."""
        name_key = (fold(cells["name"]), cells.get("postal_code", ""))
        siret = cells.get("siret", "")
        planned = [
            self.by_id.get(external_id) if external_id else None,
            self.by_siret.get(siret) if siret else None,
        ]
        planned = [plan for plan in planned if plan is not None]
        if not planned and not siret:
            same_name = self.by_name.get(name_key)
            # An external id of its own makes it another company, even of the same name.
            if same_name is not None and not (external_id and same_name.external_ids):
                planned = [same_name]
        if planned:
            if any(plan is not planned[0] for plan in planned):
                result.refuse(
                    None, self.conflict_message(external_id, planned[0].company, planned[1].company)
                )
                return None
            return planned[0]
        by_key = self.keyed.get(external_id) if external_id else None
        by_siret = self.with_siret.get(siret) if siret else None
        if by_key is not None and by_siret is not None and by_key.pk != by_siret.pk:
            result.refuse(self.header("siret"), self.conflict_message(external_id, by_key, by_siret))
            return None
        company = by_key or by_siret
        if company is None:
            candidates = [
                other
                for other in Company.objects.filter(
                    organisation_id=self.organisation_id, siret="", postal_code=name_key[1]
                ).only("pk", "name")
                if fold(other.name) == name_key[0]
            ]
            if len(candidates) > 1:
                result.refuse(
                    self.header("name"),
                    _(
                        "Plusieurs entreprises portent ce nom à ce code postal : ajoutez le SIRET pour "
                        "dire laquelle."
                    ),
                )
                return None
            company = Company.objects.get(pk=candidates[0].pk) if candidates else None
            found_by_name = company is not None
        else:
            found_by_name = False
        if company is not None and company.pk in self.by_pk:
            return self.by_pk[company.pk]
        plan = CompanyPlan(
            company=company or Company(organisation_id=self.organisation_id),
            cells=cells,
            changes={},
            first_row=row.number,
            by_name=found_by_name,
        )
        self.plans.append(plan)
        if company is not None:
            self.by_pk[company.pk] = plan
        if external_id:
            self.by_id[external_id] = plan
        if siret:
            self.by_siret[siret] = plan
        if not siret:
            self.by_name.setdefault(name_key, plan)
        return plan

    @staticmethod
    def conflict_message(external_id: str, one: Company, other: Company) -> str:
        if not external_id:
            return _("Cette ligne désigne à la fois « %(one)s » et « %(other)s ».") % {
                "one": one.name,
                "other": other.name,
            }
        return _(
            "L'identifiant « %(id)s » désigne l'entreprise « %(one)s », mais le SIRET désigne « %(other)s »."
        ) % {"id": external_id, "one": one.name, "other": other.name}

    def owner_of(self, cells, plan, result) -> User | None:
        """The account a filled owner cell names; None and a refusal when none (one message
        whatever the reason: never says that an account exists elsewhere)."""
        reference = cells.get("owner")
        if not reference:
            return None
        stored = plan.company.owner if plan.company.owner_id else None
        if "@" in reference:
            if stored is not None and stored.email.lower() == reference:
                return stored
            found = list(self.owners.filter(email__iexact=reference)[:2])
            message = _("Aucun membre de l'équipe n'a l'adresse « %(value)s ».")
        else:
            if stored is not None and fold(stored.full_name) == fold(reference):
                return stored
            found = [
                user for user in self.owners.exclude(full_name="") if fold(user.full_name) == fold(reference)
            ]
            message = _("Aucun membre de l'équipe ne s'appelle « %(value)s » : indiquez son adresse e-mail.")
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            message = _(
                "Plusieurs membres de l'équipe s'appellent « %(value)s » : indiquez son adresse e-mail."
            )
        result.refuse(self.header("owner"), message % {"value": reference})
        return None

    def check_company(self, plan: CompanyPlan, cells, owner, row: InputRow, result: RowResult) -> None:
        """The company's values through the page's form, and what they change."""
        company = plan.company
        wanted = {key: value for key, value in cells.items() if key != "owner"}
        if plan.by_name:
            del wanted["name"]  # equal by definition, folded: "EPICERIE" does not rename "Épicerie"
        if owner is not None:
            wanted["owner"] = owner
        stored = {name: getattr(company, name) for name in COMPANY_FIELDS}
        if company.pk is None:
            changes = dict(wanted)
        else:
            changes = {name: value for name, value in wanted.items() if stored[name] != value}
        data = {name: value for name, value in stored.items() if value is not None}
        data.update(changes)
        if "owner" in data:
            data["owner"] = data["owner"].pk
        # The page offers the current owner too, whoever they are now.
        known = {user.pk for user in (owner, stored["owner"]) if user is not None}
        owners = (self.owners | User.objects.filter(pk__in=known)).distinct()
        form = CompanyForm(data, instance=copy.copy(company), owners=owners)
        if not form.is_valid():
            for name, messages in form.errors.items():
                if name in row.errors:
                    continue  # the cell's own message is already there
                for message in messages:
                    if name in wanted:
                        result.refuse(self.header(name), message)
                    elif name in form.fields:  # a stored value the page would refuse too
                        result.refuse(None, f"« {form.fields[name].label} » : {message}")
                    else:
                        result.refuse(None, message)
            return
        if company.pk is None:
            changes = {name: form.cleaned_data[name] for name in COMPANY_FIELDS if name in form.cleaned_data}
            changes = {name: value for name, value in changes.items() if value not in (None, "")}
        else:
            changes = {name: form.cleaned_data.get(name, value) for name, value in changes.items()}
        if company.pk is not None and company.is_archived and changes:
            try:
                domain.check_active(company)
            except ValidationError as error:
                for message in error.messages:
                    result.refuse(None, message)
            return
        plan.changes = changes

    def check_agreement(self, plan: CompanyPlan, cells, row: InputRow, result: RowResult) -> None:
        for key, value in cells.items():
            if key in ("owner",) and value.lower() == str(plan.cells.get(key, "")).lower():
                continue
            if plan.cells.get(key) != value:
                result.refuse(
                    self.header(key),
                    _("Les lignes %(first)s et %(row)s décrivent différemment la même entreprise.")
                    % {"first": plan.first_row, "row": row.number},
                )

    def plan_contact(self, plan: CompanyPlan, row: InputRow, result: RowResult) -> ContactPlan | None:
        values = {
            name: row.values[key]
            for key, name in CONTACT_FIELDS.items()
            if filled(row.values.get(key)) and key not in row.errors
        }
        if not values and not any(key in row.errors for key in CONTACT_FIELDS):
            return None
        if "full_name" not in values:
            if "contact_full_name" not in row.errors:
                result.refuse(
                    self.header("contact_full_name"),
                    _("Le nom du contact est obligatoire quand la ligne décrit un contact."),
                )
            return None
        found = self.find_contact(plan, values)
        if isinstance(found, ContactPlan):
            differs = [
                name
                for name, value in values.items()
                if filled(found.values.get(name)) and found.values[name] != value
            ]
            if differs:
                result.refuse(
                    self.header(next(k for k, n in CONTACT_FIELDS.items() if n == differs[0])),
                    _("Les lignes %(first)s et %(row)s décrivent différemment le même contact.")
                    % {"first": found.first_row, "row": row.number},
                )
            return found
        contact = found or Contact(organisation_id=self.organisation_id, kind=ContactKind.EMPLOYER)
        stored = {name: getattr(contact, name) for name in CONTACT_FIELDS.values()}
        changes = values if contact.pk is None else {n: v for n, v in values.items() if stored[n] != v}
        data = {**stored, **changes}
        form = CompanyContactForm(data, instance=copy.copy(contact))
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = next((k for k, n in CONTACT_FIELDS.items() if n == name), None)
                for message in messages:
                    result.refuse(self.header(column), message)
            return None
        if changes and plan.company.pk is not None and plan.company.is_archived:
            try:
                domain.check_active(plan.company)
            except ValidationError as error:
                for message in error.messages:
                    result.refuse(None, message)
            return None
        contact_plan = ContactPlan(contact=contact, values=values, changes=changes, first_row=row.number)
        plan.contacts.append(contact_plan)
        return contact_plan

    def find_contact(self, plan: CompanyPlan, values) -> ContactPlan | Contact | None:
        """The same person met at the company: by e-mail, else by name (folded); among the rows
        already planned first, then among those stored."""
        email, name = values.get("email", "").lower(), fold(values["full_name"])

        def same(candidate_email: str, candidate_name: str) -> bool:
            if email and candidate_email:
                return candidate_email.lower() == email
            return fold(candidate_name) == name

        for contact_plan in plan.contacts:
            merged = {
                **{n: getattr(contact_plan.contact, n) for n in CONTACT_FIELDS.values()},
                **contact_plan.values,
            }
            if same(merged["email"], merged["full_name"]):
                return contact_plan
        if plan.company.pk is None:
            return None
        if plan.stored_contacts is None:
            plan.stored_contacts = list(Contact.objects.filter(company=plan.company).order_by("pk"))
        return next((c for c in plan.stored_contacts if same(c.email, c.full_name)), None)

    # --- Write ----------------------------------------------------------------------------

    def write(self, plans: list[CompanyPlan], *, run=None) -> None:
        """Writes the plan through the domain; the caller holds the transaction and the lock."""
        for plan in plans:
            company = plan.company
            try:
                if plan.is_new or plan.changes:
                    for name, value in plan.changes.items():
                        setattr(company, name, value)
                    domain.save_company(company, by=self.user)
                for contact_plan in plan.contacts:
                    if contact_plan.changes:
                        for name, value in contact_plan.changes.items():
                            setattr(contact_plan.contact, name, value)
                        domain.save_company_contact(contact_plan.contact, company)
            except ValidationError as error:
                raise WriteRefused(plan.first_row, error.messages) from error
            for external_id in sorted(plan.external_ids):
                ImportedKey.objects.get_or_create(
                    service=self.service,
                    kind=KeyKind.COMPANY,
                    external_id=external_id,
                    defaults={"organisation_id": self.organisation_id, "company": company, "run": run},
                )
