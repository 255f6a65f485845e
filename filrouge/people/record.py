"""The tabs of a person's record: the record itself, then the pages each domain adds.

Each app registers its tab in its `AppConfig.ready()` (profile, plan, journal, documents...),
so the people app does not depend on them. Every tab's URL takes the person's id as `pk`.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Tab:
    order: int
    url_name: str
    label: Promise | str


TABS: list[Tab] = []


def tab(order: int, url_name: str, label) -> None:
    if all(t.url_name != url_name for t in TABS):
        TABS.append(Tab(order, url_name, label))
        TABS.sort(key=lambda t: t.order)
