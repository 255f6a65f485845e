from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate
from filrouge.notifications import delivery, preferences
from filrouge.notifications.forms import ReminderPreferenceForm

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES


def may_record(user, person) -> bool:
    return not person.is_anonymised and policy.scoped_people(user, EDIT).filter(pk=person.pk).exists()


def person_reminders(request, pk):
    """The person's reminders: the current choice in words, who recorded it, the history, and the
    messages sent (their date, kind, channel and state; never their text)."""
    person = policy.get_or_404(policy.scoped_people(request.user, VIEW), pk=pk)
    choice = preferences.current_choice(person)
    page, query = paginate(
        request,
        person.outbound_messages.order_by("-created_at", "-pk").only(
            "pk", "kind", "channel", "status", "starts_at", "sent_at", "created_at", "due_at"
        ),
        preferences.MESSAGES_PAGE_SIZE,
    )
    context = {
        "person": person,
        "choice": choice,
        "choice_words": preferences.describe(choice),
        "choice_recorded": preferences.recorded_by_words(choice) if choice else "",
        "history": [
            (row, preferences.describe(row), preferences.recorded_by_words(row))
            for row in preferences.history(person)
        ],
        "locked": preferences.is_locked(choice),
        "can_record": may_record(request.user, person),
        "page": page,
        "query": query,
    }
    return render(request, "notifications/preferences.html", context)


def record(request, pk):
    """A new choice of reminders. A choice the person made themself is only shown: the form is
    replaced by an explanation, and a POST is refused."""
    person = policy.get_or_404(policy.scoped_people(request.user, EDIT), pk=pk)
    choice = preferences.current_choice(person)
    if preferences.is_locked(choice) or person.is_anonymised:
        status = 403 if request.method == "POST" else 200
        context = {
            "person": person,
            "choice": choice,
            "choice_words": preferences.describe(choice),
            "locked": True,
        }
        return render(request, "notifications/preferences_form.html", context, status=status)
    form = ReminderPreferenceForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            choice = preferences.record_choice(
                person,
                by=request.user,
                channels=data["channels"],
                phone=data["phone"],
                email=data["email"],
                language=data["language"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Le choix de rappels de %(name)s est enregistré : %(choice)s")
                % {"name": person.full_name, "choice": preferences.describe(choice)},
            )
            return redirect("notifications:person_reminders", pk=person.pk)
    context = {"person": person, "form": form, "choice": choice, "choice_words": preferences.describe(choice)}
    return render(request, "notifications/preferences_form.html", context)


def managed_messages(user):
    """The messages of the organisation the user may manage (the administration page of background
    work); none for anyone else."""
    organisation_id = policy.managed_organisation_id(user)
    if organisation_id is None:
        return delivery.OutboundMessage.objects.none()
    return delivery.needing_attention(organisation_id)


def message_decision(request, pk, decision):
    """Send a failed or unchecked message again, or confirm that an unchecked one did leave."""
    message = policy.get_or_404(managed_messages(request.user), pk=pk)
    if decision == "confirm" and message.status != delivery.MessageStatus.UNCERTAIN:
        raise Http404
    if request.method == "POST":
        if decision == "confirm":
            done = delivery.confirm_sent(message, request.user)
            text = _("Le message est noté comme envoyé.")
        else:
            done = delivery.send_again(message, request.user)
            text = _("Le message repart au prochain passage du programme des tâches.")
        if done:
            messages.success(request, text)
        return redirect(reverse("background:failed_tasks") + "#messages-title")
    return render(request, "notifications/message_decision.html", {"message": message, "decision": decision})
