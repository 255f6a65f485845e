import re
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.converters import ObjectIdConverter
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate
from filrouge.profiles import domain
from filrouge.profiles.forms import (
    BarrierGridForm,
    ExperienceFormSet,
    ProfileForm,
    TargetFormSet,
    TrainingFormSet,
)


def reachable_person(request, pk, action=policy.Action.VIEW_CASES):
    return policy.get_or_404(policy.scoped_people(request.user, action), pk=pk)


def detail(request, pk):
    """The whole profile on one page; `?au=AAAA-MM-JJ` shows it as it was that day, `?revision=<id>`
    as one of its saves recorded it (several can share a day)."""
    person = reachable_person(request, pk)
    as_of, revision, wrong_date = None, None, False
    if "revision" in request.GET:
        revision = revision_of(person, request.GET["revision"])
        as_of = timezone.localdate(revision.recorded_at)
    elif request.GET.get("au"):
        try:
            as_of = date.fromisoformat(request.GET["au"])
        except ValueError:
            wrong_date = True
        else:
            revision = domain.revision_on(person, as_of)
    data = revision.data if revision else (None if as_of else domain.snapshot(person))
    last = person.profile_revisions.select_related("recorded_by").first()
    context = {
        "person": person,
        "profile": domain.readable(data) if data else None,
        "as_of": as_of,
        "revision": revision,
        "revision_chosen": "revision" in request.GET,
        "wrong_date": wrong_date,
        "last": last,
        "revisions": paginate(request, person.profile_revisions.select_related("recorded_by"), 10)[0],
        "can_edit": policy.scoped_people(request.user, policy.Action.EDIT_CASES)
        .filter(pk=person.pk)
        .exists(),
        "theme_count": domain.situations_for(person).values("theme").distinct().count(),
    }
    return render(request, "profiles/detail.html", context)


def revision_of(person, value: str):
    """One of the person's own revisions; a malformed or unknown id is a 404, as in a URL."""
    ids = ObjectIdConverter()
    try:
        if not re.fullmatch(ids.regex, value):
            raise ValueError(value)
        revision_pk = ids.to_python(value)
    except ValueError:
        raise Http404 from None
    return policy.get_or_404(person.profile_revisions.select_related("recorded_by"), pk=revision_pk)


def edit(request, pk):
    """The profile, its lists and the barriers, in one form saved all at once."""
    person = reachable_person(request, pk, policy.Action.EDIT_CASES)
    profile = domain.profile_of(person)
    data = request.POST or None
    form = ProfileForm(data, instance=profile)
    formsets = [
        ExperienceFormSet(data, instance=profile, prefix="experiences"),
        TrainingFormSet(data, instance=profile, prefix="trainings"),
        TargetFormSet(data, instance=profile, prefix="targets"),
    ]
    barriers = BarrierGridForm(
        data, situations=domain.situations_for(person), barriers=person.barriers.all(), prefix="barriers"
    )
    if request.method == "POST" and all(
        [form.is_valid(), barriers.is_valid()] + [f.is_valid() for f in formsets]
    ):
        try:
            with transaction.atomic():
                domain.save_profile(person, request.user, form, formsets, barriers.statuses())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Le profil de %(name)s est enregistré.") % {"name": person.full_name})
            return redirect("profiles:detail", pk=person.pk)
    experiences, trainings, targets = formsets
    context = {
        "person": person,
        "form": form,
        "experiences": experiences,
        "trainings": trainings,
        "targets": targets,
        "barriers": barriers,
        "has_errors": bool(form.errors or barriers.errors or any(f.total_error_count() for f in formsets)),
    }
    return render(request, "profiles/edit.html", context)
