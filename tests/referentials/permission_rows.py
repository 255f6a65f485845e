from tests.matrix import CASE_WORKERS, Row

ROWS = [
    # The ROME search: whoever works cases somewhere.
    Row("referentials:job_titles", "GET", CASE_WORKERS, denied=403),
    # The commune picker: the same people, on the forms of a person, a company and an opening.
    Row("referentials:communes", "GET", CASE_WORKERS, denied=403),
]


def local_item(world):
    from filrouge.referentials.models import Situation, Theme

    item = Situation.objects.create(
        theme=Theme.objects.get(code="sante"), label="Suivi CMP", organisation=world.org_a, service=world.a1
    )
    return {"pk": world.a1.pk, "kind": "freins", "item_pk": item.pk}


REFERENTIAL_MANAGERS = frozenset({"head_of_service", "director"})
ROWS += [
    Row("referentials:service_items", "GET", REFERENTIAL_MANAGERS, kwargs=lambda w: {"pk": w.a1.pk}),
    Row(
        "referentials:service_items",
        "POST",
        REFERENTIAL_MANAGERS,
        kwargs=lambda w: {"pk": w.a1.pk},
        data={"kind": "freins", "theme": "", "label": ""},
    ),
    Row("referentials:service_item_archive", "POST", REFERENTIAL_MANAGERS, kwargs=local_item, ok=302),
    Row("referentials:service_item_restore", "POST", REFERENTIAL_MANAGERS, kwargs=local_item, ok=302),
]
