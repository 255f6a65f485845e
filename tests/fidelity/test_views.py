"""The fidelity pages: listing, creating with the pre-fill, scoring section by section,
finalising, comparing, the improvement plan; and who may do what."""

from datetime import date

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.fidelity import domain
from filrouge.fidelity.models import ActionStatus, ImprovementAction, Review, ReviewStatus
from tests.fidelity.factories import GOOD_EVIDENCE, evidence, final_review, make_review, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client, world):
    client.force_login(world.users["head_of_service"])
    return client


def test_the_list_shows_each_review_with_its_total_and_band(head, world):
    final_review(world.a1, reviewed_on=date(2025, 12, 31))
    make_review(world.a1, reviewed_on=date(2026, 1, 15))
    make_review(world.a2)  # another service's

    response = head.get(reverse("fidelity:list", args=[world.a1.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('href="/fidelite/revues/') == 2
    assert "Définitive" in text and "En cours de notation" in text
    assert "bonne fidélité" in text or "exemplaire" in text
    assert "Aucun item noté (25 à noter)" in text
    assert reverse("fidelity:create", args=[world.a1.pk]) in text
    assert reverse("fidelity:compare", args=[world.a1.pk]) in text


def test_the_team_reads_the_reviews_but_does_not_create_them(client, world):
    client.force_login(world.users["coach"])
    response = client.get(reverse("fidelity:list", args=[world.a1.pk]))
    assert response.status_code == 200
    assert reverse("fidelity:create", args=[world.a1.pk]) not in response.content.decode()
    assert client.get(reverse("fidelity:create", args=[world.a1.pk])).status_code == 404


def test_the_index_links_to_each_service_the_user_reads(head, world):
    response = head.get(reverse("fidelity:index"))
    assert reverse("fidelity:list", args=[world.a1.pk]) in response.content.decode()
    assert reverse("fidelity:list", args=[world.a2.pk]) not in response.content.decode()


def test_creating_a_review_pre_fills_the_items_from_the_services_data(head, world, monkeypatch):
    asked = []
    monkeypatch.setattr(domain, "evidence_for", lambda *args: asked.append(args) or GOOD_EVIDENCE)
    response = head.post(
        reverse("fidelity:create", args=[world.a1.pk]),
        {
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "reviewed_on": "2026-01-10",
            "reviewers": [world.users["head_of_service"].pk],
            "external_reviewers": "Évaluatrice extérieure",
        },
    )
    review = Review.objects.get(service=world.a1)
    assert response.status_code == 302
    assert response["Location"] == reverse("fidelity:score", args=[review.pk, "staffing"])
    assert asked == [(world.a1, date(2025, 1, 1), date(2025, 12, 31))]
    assert review.created_by == world.users["head_of_service"]
    assert review.external_reviewers == "Évaluatrice extérieure"
    assert review.items.get(code="staffing_1").suggested_score == 5


def test_a_period_in_the_wrong_order_is_refused_and_the_dates_typed_are_kept(head, world):
    response = head.post(
        reverse("fidelity:create", args=[world.a1.pk]),
        {"period_start": "2025-06-01", "period_end": "2025-01-31", "reviewed_on": "2025-06-02"},
    )
    assert response.status_code == 200
    assert "La fin de la période précède son début." in response.content.decode()
    assert 'value="2025-06-01"' in response.content.decode()
    assert not Review.objects.exists()


def test_the_scoring_page_shows_the_suggestion_and_its_evidence_beside_the_item(head, world):
    review = make_review(world.a1)
    response = head.get(reverse("fidelity:score", args=[review.pk, "staffing"]))
    text = response.content.decode()
    assert "Note proposée par les données : 5" in text
    assert "17,5 personnes par ETP de job coach (3 job coachs, 2 ETP)" in text
    assert "41 personnes ou plus par job coach." in text  # the anchors are the choices
    # Staffing 2 is pre-filled too, on the IPS-25 anchors.
    assert "Note proposée par les données : 4" in text and "90 à 95 % de leur temps" in text
    assert "Des job coachs généralistes" in text and "Intégration au soin" not in text


def test_an_unjustified_override_is_refused_and_the_rest_of_the_form_is_kept(head, world):
    review = make_review(world.a1)
    url = reverse("fidelity:score", args=[review.pk, "staffing"])
    response = head.post(
        url,
        {
            "staffing_1-score": "3",
            "staffing_2-score": "4",
            "staffing_2-notes": "Missions sociales résiduelles.",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "error-summary" in text and "La note diffère de la note proposée par les données (5)" in text
    assert "Missions sociales résiduelles." in text
    assert review.items.get(code="staffing_2").score is None  # nothing saved

    response = head.post(
        url,
        {
            "staffing_1-score": "3",
            "staffing_1-justification": "File active sous-estimée.",
            "staffing_2-score": "4",
            "next": "",
        },
    )
    assert response["Location"] == reverse("fidelity:score", args=[review.pk, "organisation"])
    assert [review.items.get(code=code).score for code in ("staffing_1", "staffing_2", "staffing_3")] == [
        3,
        4,
        None,
    ]


def test_an_unknown_section_is_not_found(head, world):
    review = make_review(world.a1)
    assert head.get(reverse("fidelity:score", args=[review.pk, "autre"])).status_code == 404


def test_a_final_review_cannot_be_scored_again(head, world):
    review = final_review(world.a1)
    url = reverse("fidelity:score", args=[review.pk, "staffing"])
    assert head.get(url)["Location"] == reverse("fidelity:detail", args=[review.pk])
    head.post(url, {"staffing_2-score": "1"})
    assert review.items.get(code="staffing_2").score == 4
    assert (
        head.post(reverse("fidelity:edit", args=[review.pk]), {"reviewed_on": "2020-01-01"}).status_code
        == 302
    )
    review.refresh_from_db()
    assert review.reviewed_on == date(2025, 12, 31)


def test_recalculating_from_the_page_names_the_scores_to_take_again(head, world, monkeypatch):
    review = make_review(world.a1)
    item = review.items.get(code="staffing_1")
    item.score = 5
    domain.save_scores(review, [item])
    monkeypatch.setattr(domain, "evidence_for", lambda *args: evidence(people=90))  # 45 per FTE

    response = head.post(reverse("fidelity:recalculate", args=[review.pk]), follow=True)

    assert (
        "Notes à reprendre" in response.content.decode()
        and "Taille de la file active" in response.content.decode()
    )
    item.refresh_from_db()
    assert (item.suggested_score, item.score) == (1, None)


def test_finalising_asks_for_confirmation_and_every_item_scored(head, world):
    review = make_review(world.a1)
    url = reverse("fidelity:finalise", args=[review.pk])
    assert "Il reste 25 items à noter" in head.get(url).content.decode()
    head.post(url)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT

    score_all(review)
    assert "Finaliser la revue" in head.get(url).content.decode()
    head.post(url)
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINAL and review.finalised_by == world.users["head_of_service"]


def test_the_review_page_shows_the_section_subtotals_the_total_and_the_band(head, world):
    review = final_review(world.a1, evidence=evidence(people=70))  # 35 per FTE: staffing_1 suggested 2
    text = head.get(reverse("fidelity:detail", args=[review.pk])).content.decode()
    # staffing: 2 + the data's 4 + 4; services: the data's 5, 5, 5, 5, 5, 4, 5 and seven 4s
    assert "10 / 15" in text and "32 / 40" in text and "62 / 70" in text
    assert "<strong>104 / 125</strong> — bonne fidélité" in text


def test_reading_a_review_is_not_a_read_of_a_persons_record(head, world):
    review = make_review(world.a1)
    head.get(reverse("fidelity:detail", args=[review.pk]))
    assert not AuditEntry.objects.filter(kind=Kind.READ).exists()


def test_abandoning_keeps_the_review_and_takes_it_out_of_comparisons(head, world):
    review = make_review(world.a1)
    head.post(reverse("fidelity:abandon", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == ReviewStatus.ABANDONED
    assert head.get(reverse("fidelity:detail", args=[review.pk])).status_code == 200
    response = head.get(reverse("fidelity:compare", args=[world.a1.pk]))
    assert response.context["form"].fields["revues"].choices == []


def test_reviews_are_compared_item_by_item_with_the_change(head, world):
    before = final_review(world.a1, reviewed_on=date(2025, 1, 31), scores={"staffing_2": 2})
    after = final_review(world.a1, reviewed_on=date(2026, 1, 31), scores={"staffing_2": 5})
    other = final_review(world.a2)

    response = head.get(reverse("fidelity:compare", args=[world.a1.pk]), {"revues": [after.pk, before.pk]})

    table = response.context["table"]
    assert table["reviews"] == [before, after]  # oldest first
    staffing = table["sections"][0]
    assert staffing["items"][1]["values"] == [2, 5] and staffing["items"][1]["change"] == "+3"
    assert staffing["items"][2]["change"] == "="
    assert table["change"] == "+3"
    text = response.content.decode()
    assert "31/01/2025" in text and "31/01/2026" in text and "Évolution" in text
    assert (
        head.get(reverse("fidelity:compare", args=[world.a1.pk]), {"revues": [before.pk, other.pk]}).context[
            "table"
        ]
        is None
    )  # another service's review is not a choice


def test_comparing_needs_two_reviews(head, world):
    review = final_review(world.a1)
    final_review(world.a1)
    response = head.get(reverse("fidelity:compare", args=[world.a1.pk]), {"revues": [review.pk]})
    assert response.context["table"] is None
    assert "Choisissez au moins deux revues." in response.content.decode()


def test_the_improvement_plan_takes_actions_and_their_completion(head, world):
    review = final_review(world.a1)
    response = head.post(
        reverse("fidelity:action_add", args=[review.pk]),
        {
            "item_code": "organisation_3",
            "what": "Réunion mensuelle avec Cap emploi",
            "who": "Cheffe de service",
            "due_on": "2026-03-31",
            "status": ActionStatus.PLANNED,
        },
    )
    assert response["Location"] == reverse("fidelity:plan", args=[review.pk])
    action = ImprovementAction.objects.get(review=review)
    assert (action.item_code, action.organisation_id, action.created_by) == (
        "organisation_3",
        world.org_a.pk,
        world.users["head_of_service"],
    )
    assert (
        "Réunion mensuelle avec Cap emploi"
        in head.get(reverse("fidelity:plan", args=[review.pk])).content.decode()
    )

    head.post(reverse("fidelity:action_complete", args=[action.pk]))
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.completed_on is not None


def test_an_action_needs_what_and_who(head, world):
    review = final_review(world.a1)
    response = head.post(reverse("fidelity:action_add", args=[review.pk]), {"status": ActionStatus.PLANNED})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not ImprovementAction.objects.exists()


def test_the_team_reads_the_plan_but_does_not_change_it(client, world):
    review = final_review(world.a1)
    action = domain.save_action(ImprovementAction(review=review, what="Former les équipes", who="Direction"))
    client.force_login(world.users["coach"])
    text = client.get(reverse("fidelity:plan", args=[review.pk])).content.decode()
    assert "Former les équipes" in text and "Marquer réalisée" not in text
    assert client.post(reverse("fidelity:action_complete", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_a_director_reviews_every_service_and_a_head_of_service_only_theirs(client, world):
    review = make_review(world.a2)
    client.force_login(world.users["head_of_service"])
    assert client.get(reverse("fidelity:detail", args=[review.pk])).status_code == 404
    assert client.get(reverse("fidelity:create", args=[world.a2.pk])).status_code == 404
    client.force_login(world.users["director"])
    assert client.get(reverse("fidelity:score", args=[review.pk, "services"])).status_code == 200
    assert client.get(reverse("fidelity:create", args=[world.a2.pk])).status_code == 200


def test_a_partly_scored_review_shows_its_total_as_partial_with_what_remains_to_score(head, world):
    review = make_review(world.a1)
    items = list(review.items.order_by("code")[:20])
    for item in items:
        item.score = item.suggested_score or 2
        if item.overridden:
            item.justification = "Constaté lors de la visite."
    domain.save_scores(review, items)
    total = sum(item.score for item in items)

    text = head.get(reverse("fidelity:detail", args=[review.pk])).content.decode()

    assert f"Total partiel : {total} sur les 20 items notés, 5 à noter" in text
    assert "/ 125</strong>" not in text  # no total to compare with the scale's bands
    listed = head.get(reverse("fidelity:list", args=[world.a1.pk])).content.decode()
    assert f"Total partiel : {total} sur les 20 items notés, 5 à noter" in listed
