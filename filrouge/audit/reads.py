"""Which pages show a person's record or its content: their reads are recorded.

An app declares its pages in its `AppConfig.ready()`:

    from filrouge.audit import reads
    reads.track("consents:detail", "consents.Consent", "person")
    reads.ignore("consents:list", "a list of the service's registers, not a person's record")

`track(url_name, model_label, person_path, kind=Kind.READ, kwarg="pk")`: a successful GET of the
page is a `read` (or `export` for a document produced) of the object whose id is the URL's
`kwarg`, about the person reached by `person_path` from that model ("" for the person itself).
A 403 or 404 answered to a logged-in user on any page is a `denied` entry, with the object when
the page is tracked. `ignore(url_name, reason)` says why a page with an id is not a read of a
person's record; `tests/audit/test_reads.py` fails on a page of the case apps that is neither.
"""

from dataclasses import dataclass

from django.apps import apps

from filrouge.audit.models import Kind


@dataclass(frozen=True)
class Page:
    url_name: str
    model_label: str
    person_path: str
    kind: str = Kind.READ
    kwarg: str = "pk"

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def object_type(self) -> str:
        return self.model_label.lower()

    def person_and_organisation(self, object_id) -> tuple[int | None, int | None] | None:
        """The person and organisation of the object, in one query; None if it does not exist."""
        person = "pk" if self.person_path == "" else self.person_path
        return self.model._base_manager.filter(pk=object_id).values_list(person, "organisation_id").first()


_pages: dict[str, Page] = {}
_ignored: dict[str, str] = {}


def track(url_name: str, model_label: str, person_path: str, *, kind=Kind.READ, kwarg: str = "pk") -> None:
    _pages[url_name] = Page(url_name, model_label, person_path, kind, kwarg)


def ignore(url_name: str, reason: str) -> None:
    _ignored[url_name] = reason


def page(url_name: str | None) -> Page | None:
    return _pages.get(url_name) if url_name else None


def tracked() -> dict[str, Page]:
    return dict(_pages)


def ignored() -> dict[str, str]:
    return dict(_ignored)
