"""The data protection officer's pages: the trail of their organisation, read-only.

Nothing here changes or deletes an entry. Names of people are shown on these pages only, to
whoever the policy lets read the trail; the content of a read is never in the trail at all.
"""

import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from filrouge import policy
from filrouge.audit.forms import EntryFilterForm
from filrouge.core.pagination import paginate


def model_of(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


# The technical fields many models share carry no label of their own: named here, once.
COMMON_FIELDS = {
    "organisation": _("Organisation"),
    "service": _("Service"),
    "person": _("Personne"),
    "enrolment": _("Parcours"),
    "profile": _("Profil"),
    "plan": _("Plan d'action"),
    "objective": _("Objectif"),
    "session": _("Séance"),
    "situation": _("Situation"),
    "contact": _("Partenaire"),
    "user": _("Compte"),
    "author": _("Auteur·rice"),
    "position": _("Ordre"),
    "description": _("Description"),
    "file": _("Fichier"),
    "original_name": _("Nom du fichier"),
    "content_type": _("Type de fichier"),
    "size": _("Taille"),
    "sha256": _("Empreinte du fichier"),
    "restricted_to": _("Réservée à"),
    "created_by": _("Créé par"),
    "updated_by": _("Modifié par"),
    "recorded_by": _("Enregistré par"),
    "recorded_at": _("Enregistré le"),
    "registered_by": _("Inscrit·e par"),
    "uploaded_by": _("Déposé par"),
    "uploaded_at": _("Déposé le"),
    "archived_at": _("Archivé le"),
    "decided_by": _("Décidé par"),
    "agreement_recorded_by": _("Accord enregistré par"),
    "previous_end_date": _("Fin prévue précédente"),
    "origin": _("Action d'origine"),
    "recipient_key": _("Destinataire"),
}


def field_label(model, name: str) -> str:
    if name in COMMON_FIELDS:
        return str(COMMON_FIELDS[name])
    if model is not None:
        try:
            return capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name


def describe(entries, user) -> list:
    """The entries with what a page shows of them: the object's kind, the person's name."""
    entries = list(entries)
    person_ids = {entry.person_id for entry in entries if entry.person_id}
    names = {}
    if person_ids:
        people = policy.scoped_audit_people(user).filter(pk__in=person_ids)
        names = {
            pk: f"{first} {usual or birth}"
            for pk, first, usual, birth in people.values_list("pk", "first_name", "usual_name", "birth_name")
        }
    for entry in entries:
        model = model_of(entry.object_type)
        entry.object_label = capfirst(model._meta.verbose_name) if model is not None else entry.object_type
        entry.person_name = names.get(entry.person_id, "")
        entry.field_labels = [field_label(model, name) for name in entry.fields]
        entry.actor_name = actor_name(entry)
    return entries


# How the system actors (commands and tasks) are named on the page.
SYSTEM_ACTORS = {
    "system": _("Système"),
    "retention": _("Durée de conservation (tâche planifiée)"),
    "audit purge": _("Purge du journal (tâche planifiée)"),
}


def actor_name(entry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    return str(SYSTEM_ACTORS.get(entry.actor_label, entry.actor_label))


def listing(request, entries, template, context, *, only_dates_and_kind=False):
    accounts = policy.scoped_audit_accounts(request.user)
    form = EntryFilterForm(request.GET or None, accounts=accounts, only_dates_and_kind=only_dates_and_kind)
    if form.is_bound and not form.is_valid():
        entries = entries.none()
    elif form.is_bound:
        entries = form.filter(entries, policy.scoped_audit_people(request.user))
    entries = entries.select_related("actor").defer("changes").order_by("-at", "-pk")
    page, query = paginate(request, entries)
    page.object_list = describe(page.object_list, request.user)
    return render(request, template, {"form": form, "page": page, "query": query, **context})


@require_GET
def home(request):
    policy.require(request.user, policy.Action.VIEW_AUDIT)
    entries = policy.scoped_audit_entries(request.user)
    people = []
    q = request.GET.get("q", "").strip()
    if q:
        people = list(policy.scoped_audit_people(request.user).search(q)[:20])
    chains = policy.scoped_audit_chains(request.user)
    return listing(request, entries, "audit/home.html", {"people": people, "chains": chains, "searched": q})


@require_GET
def person(request, pk):
    """Who accessed, changed or exported this person's record."""
    policy.require(request.user, policy.Action.VIEW_AUDIT)
    entries = policy.scoped_audit_entries(request.user).filter(person_id=pk)
    found = policy.scoped_audit_people(request.user).filter(pk=pk).first()
    # A person erased from the records still has their trail; anyone else's id is not found.
    if found is None and not entries.exists():
        raise Http404
    return listing(
        request, entries, "audit/person.html", {"person": found, "person_id": pk}, only_dates_and_kind=True
    )


@require_GET
def account(request, pk):
    """What this account accessed and changed."""
    policy.require(request.user, policy.Action.VIEW_AUDIT)
    staff = policy.get_or_404(policy.scoped_audit_accounts(request.user), pk=pk)
    entries = policy.scoped_audit_entries(request.user).filter(actor=staff)
    return listing(request, entries, "audit/account.html", {"account": staff}, only_dates_and_kind=True)


@require_GET
def entry(request, pk):
    """One entry, with the old and new values of a change when they are still kept."""
    policy.require(request.user, policy.Action.VIEW_AUDIT)
    found = policy.get_or_404(policy.scoped_audit_entries(request.user).select_related("actor"), pk=pk)
    (found,) = describe([found], request.user)
    model = model_of(found.object_type)
    values = json.loads(found.changes)["values"] if found.changes else {}
    changes = [
        {
            "label": field_label(model, name),
            "kept": name in values,
            "old": values.get(name, [None, None])[0],
            "new": values.get(name, [None, None])[1],
        }
        for name in found.fields
    ]
    return render(
        request,
        "audit/entry.html",
        {"entry": found, "changes": changes},
    )
