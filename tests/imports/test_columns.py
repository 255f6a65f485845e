"""The columns of each kind of import and the guess of the mapping (`filrouge.imports.columns`)."""

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import translation

from filrouge.imports import columns
from filrouge.imports.columns import COMPANIES, KINDS, PEOPLE, PLACEMENTS, guess_mapping, missing_required
from filrouge.reports import lists

ALL_COLUMNS = [(kind.key, column) for kind in KINDS.values() for column in kind.columns]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def mapped(headers, kind) -> dict[str, str | None]:
    mapping = guess_mapping(headers, kind)
    assert sorted(mapping) == list(range(len(headers)))
    return {headers[position]: key for position, key in mapping.items()}


# --- The declared columns ---------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "column"), ALL_COLUMNS, ids=lambda v: getattr(v, "key", v))
def test_every_column_feeds_a_real_field(kind, column):
    if column.target == "imports.external_id":
        assert column.external_id or column.key == "person_external_id"
        return
    app_model, name = column.target.rsplit(".", 1)
    try:
        apps.get_model(app_model)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        pytest.fail(f"{kind}.{column.key} feeds {column.target}, which does not exist")


@pytest.mark.parametrize(("kind", "column"), ALL_COLUMNS, ids=lambda v: getattr(v, "key", v))
def test_every_example_reads_without_error(kind, column):
    if column.example:
        assert column.parse(column.example) not in (None, "")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_one_external_id_column_first(kind):
    spec = KINDS[kind]
    assert spec.columns[0].external_id
    assert [column.key for column in spec.columns if column.external_id] == ["external_id"]
    assert len({column.key for column in spec.columns}) == len(spec.columns)


@pytest.mark.parametrize("kind", KINDS)
def test_no_header_names_two_columns_of_a_kind(kind):
    owners = {}
    for column in KINDS[kind].columns:
        for words in columns.column_words(column):
            assert owners.setdefault(words, column.key) == column.key, (words, owners[words], column.key)


def test_the_columns_a_row_cannot_do_without():
    required = {kind: {c.key for c in spec.columns if c.required} for kind, spec in KINDS.items()}
    assert required[PEOPLE] == {
        "birth_name",
        "first_name",
        "date_of_birth",
        "referral_date",
        "employment_status",
        "education_level",
        "housing",
    }
    assert required[COMPANIES] == {"name"}
    assert required[PLACEMENTS] == {"kind", "started_on", "hours_per_week"}  # the job title: code or label


def test_a_required_column_left_empty_is_refused_with_its_name():
    column = KINDS[PEOPLE].column("first_name")
    with pytest.raises(ValidationError) as caught:
        column.parse("  ")
    assert caught.value.messages == ["« Prénom » est obligatoire : la cellule est vide."]
    assert KINDS[PEOPLE].column("usual_name").parse("") == ""


def test_a_text_column_takes_its_fields_length():
    column = KINDS[PEOPLE].column("first_name")
    assert column.parse("a" * 100) == "a" * 100
    with pytest.raises(ValidationError, match="100 au plus"):
        column.parse("a" * 101)


def test_a_birth_date_column_reads_two_digit_years_as_a_birth():
    assert KINDS[PEOPLE].column("date_of_birth").parse("22/11/30").year == 1930
    assert KINDS[PLACEMENTS].column("date_of_birth").parse("22/11/30").year == 1930
    assert KINDS[PLACEMENTS].column("started_on").parse("22/11/30").year == 2030


def test_an_empty_benefit_cell_is_no():
    assert KINDS[PEOPLE].column("receives_rsa").parse("") is False


def test_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown import kind"):
        guess_mapping(["Nom"], "meetings")


# --- Guessing the mapping ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_templates_headers_map_back_to_every_column(kind):
    headers = [str(column.label) for column in KINDS[kind].columns]
    mapping = guess_mapping(headers, kind)
    assert [mapping[position] for position in range(len(headers))] == [c.key for c in KINDS[kind].columns]
    assert missing_required(mapping, kind) == []


@pytest.mark.parametrize("kind", KINDS)
def test_the_english_headers_map_back_too(kind):
    with translation.override("en"):
        headers = [str(column.label) for column in KINDS[kind].columns]
        mapping = guess_mapping(headers, kind)
    assert [mapping[position] for position in range(len(headers))] == [c.key for c in KINDS[kind].columns]


def test_shuffled_headers_map_to_the_same_columns():
    columns_ = list(KINDS[COMPANIES].columns)[::-1]
    headers = [str(column.label) for column in columns_]
    assert [guess_mapping(headers, COMPANIES)[i] for i in range(len(headers))] == [c.key for c in columns_]


def test_messy_headers_of_people():
    headers = [
        "NOM DE NAISSANCE",
        "prenom",
        "naissance date",
        "Tél.",
        "E-MAIL",
        "Code Postal *",
        "ville",
        "Sexe (F/H)",
        "Date d'orientation (jj/mm/aaaa)",
        "Situation d'emploi",
        "Niveau d'études",
        "logements",
        "N° dossier",
        "Couleur préférée",
        "",
    ]
    assert mapped(headers, PEOPLE) == {
        "NOM DE NAISSANCE": "birth_name",
        "prenom": "first_name",
        "naissance date": "date_of_birth",
        "Tél.": "phone",
        "E-MAIL": "email",
        "Code Postal *": "postal_code",
        "ville": "city",
        "Sexe (F/H)": "sex",
        "Date d'orientation (jj/mm/aaaa)": "referral_date",
        "Situation d'emploi": "employment_status",
        "Niveau d'études": "education_level",
        "logements": "housing",
        "N° dossier": "external_id",
        "Couleur préférée": None,
        "": None,
    }


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Date de naissance", "date_of_birth"),
        ("Né(e) le", "date_of_birth"),
        ("DDN", "date_of_birth"),
        ("date-naissance", "date_of_birth"),
        ("Nom", "birth_name"),
        ("Nom de famille", "birth_name"),
        ("Téléphone portable", "phone"),
        ("Tél portable", "phone"),
        ("Courriel", "email"),
        ("Mail", "email"),
        ("Adresse mail", "email"),
        ("Numéro de dossier", "external_id"),
        ("Job coach référente", "lead_coach"),
        ("Courriel personnel", "email"),  # half its words: still a match
        ("Date de sortie du dispositif", "exit_date"),
    ],
)
def test_usual_headers_of_people(header, key):
    assert guess_mapping([header], PEOPLE) == {0: key}


def test_a_duplicate_header_is_left_unmapped_not_given_another_column():
    mapping = guess_mapping(["Téléphone", "Tél", "Téléphone"], PEOPLE)
    assert mapping == {0: "phone", 1: None, 2: None}


def test_an_exact_header_beats_an_earlier_partial_one():
    mapping = guess_mapping(["Date de naissance de la mère", "Date de naissance"], PEOPLE)
    assert mapping == {0: None, 1: "date_of_birth"}


def test_a_header_matching_two_columns_equally_is_left_to_the_user():
    # "Date" alone, or "Fin" and "Début" of what? Generic words alone never match.
    assert guess_mapping(["Date", "Nom prénom du tuteur"], PLACEMENTS) == {0: None, 1: None}
    # Half the words of "Téléphone" (the contact's) and half of "Entreprise" (the name): ambiguous.
    assert guess_mapping(["Téléphone entreprise"], COMPANIES) == {0: None}
    # Once the name has its own header, the phone is the only free one left.
    assert guess_mapping(["Entreprise", "Téléphone entreprise"], COMPANIES) == {0: "name", 1: "contact_phone"}


def test_the_demos_people_export_maps_by_itself():
    headers = [
        "N° de parcours",
        "Nom",
        "Prénom",
        "Service",
        "Job coach référent·e",
        "Étape actuelle",
        "Date d'orientation",
        "Date d'entrée",
        "Date de sortie",
        "Motif de sortie",
    ]
    assert mapped(headers, PEOPLE) == {
        "N° de parcours": "pathway_external_id",  # the export's pathway id, not the person's
        "Nom": "birth_name",
        "Prénom": "first_name",
        "Service": None,  # the import is into one service, chosen on the page
        "Job coach référent·e": "lead_coach",
        "Étape actuelle": "phase",
        "Date d'orientation": "referral_date",
        "Date d'entrée": "intake_date",
        "Date de sortie": "exit_date",
        "Motif de sortie": "exit_outcome",
    }


def test_the_demos_placements_export_maps_by_itself():
    headers = [
        "N° de parcours",
        "Nom",
        "Prénom",
        "Service",
        "Type d'expérience",
        "Entreprise",
        "Poste",
        "Type de contrat",
        "Début",
        "Fin prévue",
        "Fin",
        "Motif de fin",
        "Heures par semaine",
        "Emploi durable",
    ]
    mapping = guess_mapping(headers, PLACEMENTS)
    assert mapped(headers, PLACEMENTS) == {
        "N° de parcours": "pathway_external_id",  # the export's pathway id, not the person's
        "Nom": "last_name",
        "Prénom": "first_name",
        "Service": None,
        "Type d'expérience": "kind",
        "Entreprise": "company_name",
        "Poste": "job_title",
        "Type de contrat": "contract_type",
        "Début": "started_on",
        "Fin prévue": "planned_end_on",
        "Fin": "ended_on",
        "Motif de fin": "end_reason",
        "Heures par semaine": "hours_per_week",
        "Emploi durable": None,  # computed by the application, never imported
    }
    assert missing_required(mapping, PLACEMENTS) == []


@pytest.mark.django_db
def test_the_demos_exports_read_back_through_the_columns(world):
    """The exports' own headers and values (`reports.lists`), as a head of service downloads them:
    every header maps as above and every exported value reads without error."""
    from tests.placements.factories import PlacementFactory

    PlacementFactory(enrolment=world.enrolment, contract_type="cdd_long", planned_end_on=None)
    user = world.users["head_of_service"]
    for kind, table in (
        (PEOPLE, lists.people(user, [world.a1])),
        (PLACEMENTS, lists.placements(user, [world.a1])),
    ):
        mapping = guess_mapping(table.headers, kind)
        assert sum(key is not None for key in mapping.values()) == len(table.headers) - (
            1 if kind == PEOPLE else 2
        )  # "Service", and "Emploi durable" for placements
        assert table.rows
        for row in table.rows:
            parsed = columns.parse_row(mapping, row, kind)
            assert parsed.errors == {}
            assert set(parsed.values) == {key for key in mapping.values() if key}


def test_the_exported_values_read_back():
    """The exports write labels ("Recherche d'emploi", "CDD de 6 mois ou plus", "Oui"): each
    choice column reads its own labels."""
    for kind in KINDS.values():
        for column in kind.columns:
            parser = column.parser
            if isinstance(parser, columns.Choice):
                for value, label in parser.choices.choices:
                    assert column.parse(str(label)) == value
                    assert column.parse(value) == value


# --- What is missing --------------------------------------------------------------------------


def test_missing_required_columns_are_named():
    mapping = guess_mapping(["Nom", "Prénom"], PEOPLE)
    messages = missing_required(mapping, PEOPLE)
    assert (
        "La colonne « Date de naissance » est obligatoire : associez-la à une colonne du fichier." in messages
    )
    assert not any("Prénom" in message for message in messages)


def test_a_placement_needs_its_person_and_its_company_one_way_or_another():
    by_names = guess_mapping(["Nom", "Prénom", "Date de naissance", "SIRET", "Poste"], PLACEMENTS)
    by_id = guess_mapping(["Identifiant externe de la personne", "Entreprise", "Code OGR"], PLACEMENTS)
    by_half_names = guess_mapping(["Nom", "Prénom"], PLACEMENTS)
    assert not [m for m in missing_required(by_names, PLACEMENTS) if m.startswith("Il faut")]
    assert not [m for m in missing_required(by_id, PLACEMENTS) if m.startswith("Il faut")]
    assert [m for m in missing_required(by_half_names, PLACEMENTS) if m.startswith("Il faut")] == [
        "Il faut la colonne « N° de parcours », ou la colonne « Identifiant externe de la personne », ou les "
        "colonnes « Nom », « Prénom » et « Date de naissance ».",
        "Il faut la colonne « Identifiant de l'entreprise », ou la colonne « SIRET de l'entreprise », ou la "
        "colonne « Entreprise ».",
        "Il faut la colonne « Code OGR du poste », ou la colonne « Poste ».",
    ]


# --- Applying the mapping to a row ------------------------------------------------------------


def test_a_row_is_read_column_by_column_every_error_kept():
    headers = ["Nom", "Prénom", "Date de naissance", "Téléphone", "Commentaire libre"]
    mapping = guess_mapping(headers, PEOPLE)
    row = columns.parse_row(mapping, ["Martin", "", "31/02/1990", "06 39 98 12 34", "ignoré"], PEOPLE)
    assert row.values == {"birth_name": "Martin", "phone": "+33639981234"}
    assert row.errors == {
        "first_name": ["« Prénom » est obligatoire : la cellule est vide."],
        "date_of_birth": ["Le 31/02/1990 n'existe pas : février 1990 n'a que 28 jours."],
    }


def test_a_short_row_has_empty_cells():
    mapping = guess_mapping(["Raison sociale", "SIRET"], COMPANIES)
    assert columns.apply_mapping(mapping, ["Boulangerie"]) == {"name": "Boulangerie", "siret": None}
    assert columns.parse_row(mapping, ["Boulangerie"], COMPANIES).values == {
        "name": "Boulangerie",
        "siret": "",
    }
