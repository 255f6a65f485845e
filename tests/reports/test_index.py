"""The "Rapports et exports" page: the activity report for whoever sees figures, the lists for
whoever may export them, and its link in the navigation."""

from django.urls import reverse

from filrouge.core.navigation import navigation_links


def page(client, user):
    client.force_login(user)
    return client.get(reverse("reports:index"))


def test_a_head_of_service_finds_the_report_and_the_three_lists(client, world):
    response = page(client, world.users["head_of_service"])
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["activity_form"] is not None
    for name in ("reports:export_people", "reports:export_placements", "reports:export_employer_contacts"):
        assert f'formaction="{reverse(name)}"' in html
    # One service: it is the one chosen, for the report and the lists.
    assert response.context["activity_form"]["service"].value() == world.a1.pk
    assert list(response.context["export_form"].fields["service"].queryset) == [world.a1]
    assert html.count('id="id_service"') == 1 and html.count('id="export_service"') == 1


def test_a_director_may_export_every_service_at_once(client, world):
    form = page(client, world.users["director"]).context["export_form"]
    assert set(form.fields["service"].queryset) == {world.a1, world.a2}
    assert form.fields["service"].empty_label == "Tous mes services"


def test_a_coach_or_a_funder_finds_the_report_but_no_list(client, world):
    for subject in ("coach", "funder_viewer"):
        response = page(client, world.users[subject])
        assert response.context["export_form"] is None
        assert "formaction" not in response.content.decode()
        assert reverse("reports:activity") in response.content.decode()


def test_the_navigation_links_to_the_page_for_whoever_sees_figures(world):
    for subject in ("coach", "head_of_service", "funder_viewer", "director", "other_org_coach"):
        assert "reports:index" in navigation_links(world.users[subject]), subject
    for subject in ("org_admin", "dpo", "other_org_admin"):
        assert "reports:index" not in navigation_links(world.users[subject]), subject


def test_the_navigation_names_the_page(client, world):
    client.force_login(world.users["coach"])
    response = client.get(reverse("reports:index"))
    link = next(link for link in response.context["nav_links"] if link["url"] == reverse("reports:index"))
    assert link == {"url": reverse("reports:index"), "label": "Rapports et exports", "current": True}
