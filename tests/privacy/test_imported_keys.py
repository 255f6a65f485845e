"""The ids a service's former tool gave a person (`imports.models.ImportedKey`): listed in the
person's data export, deleted by the anonymisation (they re-identify the person through that
tool), gone with an erased record."""

import pytest
from django.core.exceptions import ValidationError

from filrouge.imports.models import ImportedKey, KeyKind
from filrouge.placements.models import Placement
from filrouge.privacy import domain
from filrouge.privacy.export import export_data
from tests.pathways.factories import enrol
from tests.privacy.factories import rich_record

pytestmark = pytest.mark.django_db


def keys_of(world, person, enrolment, placement) -> list[ImportedKey]:
    common = {"organisation": world.org_a, "service": world.a1}
    return [
        ImportedKey.objects.create(kind=KeyKind.PERSON, external_id="ANC-0042", person=person, **common),
        ImportedKey.objects.create(
            kind=KeyKind.PATHWAY, external_id="PARC-0042", enrolment=enrolment, **common
        ),
        ImportedKey.objects.create(
            kind=KeyKind.PLACEMENT, external_id="EXP-0042", placement=placement, **common
        ),
    ]


def test_anonymising_deletes_the_keys_of_the_person_their_pathways_and_jobs(world):
    record = rich_record(world)
    placement = Placement.objects.filter(enrolment=record.enrolment).first()
    assert placement is not None
    keys_of(world, record.person, record.enrolment, placement)
    # Another person's key stays.
    other = ImportedKey.objects.create(
        organisation=world.org_a,
        service=world.a1,
        kind=KeyKind.PERSON,
        external_id="ANC-0001",
        person=world.person,
    )
    domain.anonymise(record.person, world.users["head_of_service"])
    assert list(ImportedKey.objects.all()) == [other]


def test_a_refused_anonymisation_keeps_the_keys(world):
    record = rich_record(world, exited=False)
    keys_of(
        world, record.person, record.enrolment, Placement.objects.filter(enrolment=record.enrolment).first()
    )
    assert domain.anonymisation_refusal(record.person)  # the support goes on
    with pytest.raises(ValidationError):
        domain.anonymise(record.person, world.users["head_of_service"])
    assert ImportedKey.objects.count() == 3


def test_erasing_a_record_deletes_its_keys(world):
    enrolment = enrol(world.a1, intake_after=None, referral_reason="Orientation par erreur.")
    common = {"organisation": world.org_a, "service": world.a1}
    ImportedKey.objects.create(kind=KeyKind.PERSON, external_id="ANC-9", person=enrolment.person, **common)
    ImportedKey.objects.create(kind=KeyKind.PATHWAY, external_id="PARC-9", enrolment=enrolment, **common)
    domain.erase(enrolment.person, world.users["head_of_service"])
    assert not ImportedKey.objects.exists()


def test_the_export_lists_the_keys_of_what_the_user_reads(world):
    record = rich_record(world)
    placement = Placement.objects.filter(enrolment=record.enrolment).first()
    keys_of(world, record.person, record.enrolment, placement)
    elsewhere = enrol(world.a2, person=record.person)
    ImportedKey.objects.create(
        organisation=world.org_a,
        service=world.a2,
        kind=KeyKind.PATHWAY,
        external_id="A2-7",
        enrolment=elsewhere,
    )
    data = export_data(record.person, world.users["head_of_service"])
    listed = [(key["kind"]["code"], key["external_id"], key["service"]) for key in data["imported_keys"]]
    assert listed == [
        ("person", "ANC-0042", "A1"),
        ("pathway", "PARC-0042", "A1"),
        ("placement", "EXP-0042", "A1"),
    ]
    assert data["imported_keys"][0]["kind"]["label"] == "Personne"
    # The director reads the pathway of A2 too, and its key.
    director = export_data(record.person, world.users["director"])
    assert ("pathway", "A2-7") in [
        (key["kind"]["code"], key["external_id"]) for key in director["imported_keys"]
    ]


def test_the_export_of_a_person_without_keys_lists_none(world):
    assert export_data(world.person, world.users["head_of_service"])["imported_keys"] == []
