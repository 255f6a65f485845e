"""The columns of each kind of import, and the guess of which column a spreadsheet's header is.

Three kinds: `people` (identity, contact details, the pathway in the service with the situation
at entry, one referent), `companies` (the company and one person met there), `placements` (a
job, an internship or an immersion of a person). Each `Column` names the model field or domain
input it feeds (`target`, checked by the tests), its French header, the other headers people
use for it (`aliases`: among them the exact headers of the demo's CSV exports, `reports.lists`,
so that an export maps by itself), whether a row needs it, a one-line help for the template's
help row, a synthetic example, and its parser (`imports.values`).

One row carries one referent (people) or one contact (companies): a second one is a second row
with the same key. Some needs are alternatives rather than one column, declared per kind in
`Kind.alternatives`: a placement names its person by the person's external id, or by name and
date of birth; its company by SIRET or by name.

`guess_mapping` compares headers folded (`core.search.words`: case, accents and punctuation
ignored), without the words de, du, la, le, l', d'…, a final plural "s", the "(e)" and "·e" of
inclusive writing, a text in brackets such as "(jj/mm/aaaa)", and in any word order; "Tél",
"Mail", "Courriel", "N°" and "Numéro" are read as the words they stand for.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge.core.search import words
from filrouge.employers.models import CompanyKind, RelationshipStatus, SizeBand
from filrouge.imports import values
from filrouge.imports.values import Choice, SizeBandChoice
from filrouge.pathways.models import (
    EducationLevel,
    EmploymentStatus,
    ExitOutcome,
    Housing,
    Phase,
    RqthStatus,
    SuspensionReason,
)
from filrouge.people.models import ContactChannel, ContactKind, Sex
from filrouge.placements.models import EndReason, ImmersionAssessment, ImmersionObjective, PlacementKind
from filrouge.referentials.models import ContractType

PEOPLE, COMPANIES, PLACEMENTS = "people", "companies", "placements"
EXTERNAL_ID_MAX_LENGTH = 100
EXAMPLE_ID = "EXEMPLE-1"  # the template's example row is recognised by it (`blank_files`)

# How a template's cell is formatted (`blank_files`): text keeps leading zeros.
TEXT, DATE, NUMBER = "text", "date", "number"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy French text: the template's header
    parser: Callable[[Any], Any]
    target: str  # "app.Model.field" it feeds (a lookup for a key or a related record)
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: Any = ""  # lazy French text, one line
    example: str = ""  # as a user would type it
    format: str = ""  # TEXT, DATE, NUMBER or "" (general)
    external_id: bool = False  # the row's stable key, when the file has one

    def parse(self, raw):
        """The cell's value, or ValidationError: the parser's, or this column's when it is empty
        but required."""
        value = self.parser(raw)
        if self.required and value in (None, ""):
            raise ValidationError(
                _("« %(column)s » est obligatoire : la cellule est vide.") % {"column": self.label},
                code="required",
            )
        return value

    def headers(self) -> list[str]:
        """Every header that names this column: its label (in French and in the page's
        language), its aliases, its key spelt in words."""
        with translation.override("fr"):
            french = str(self.label)
        return [french, str(self.label), *self.aliases, self.key.replace("_", " ")]


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any
    sheet: str  # the sheet's name in the all-kinds workbook, and what a sheet is recognised by
    columns: tuple[Column, ...]
    # Groups of columns of which at least one group must be wholly mapped.
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = field(default=())

    def column(self, key: str) -> Column:
        return self.by_key[key]

    @cached_property  # read for every cell of an import: built once (a frozen dataclass's own dict)
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}


# --- Parsers with their options ---------------------------------------------------------------


def max_length_of(target: str) -> int | None:
    app_model, name = target.rsplit(".", 1)
    return apps.get_model(app_model)._meta.get_field(name).max_length


def text(target: str, max_length: int | None = None) -> Callable[[Any], str]:
    return partial(values.parse_text, max_length=max_length or max_length_of(target))


external_id = partial(values.parse_text, max_length=EXTERNAL_ID_MAX_LENGTH)
birth_date = partial(values.parse_date, birth=True)
event_date = values.parse_date
flag = partial(values.parse_boolean, blank=False)  # an empty cell: the form's box left unticked

SEX = Choice(
    Sex,
    {
        "female": ["F", "Fém", "Féminin", "Mme", "Madame", "Mlle", "Mademoiselle"],
        "male": ["H", "M", "Masc", "Masculin", "M.", "Monsieur", "Mr"],
        "other": ["X", "Non binaire"],
    },
)
CHANNEL = Choice(
    ContactChannel,
    {
        "phone": ["Tél", "Tel", "Appel"],
        "sms": ["Texto"],
        "email": ["Mail", "Courriel", "Mél"],
        "post": ["Courrier postal", "Lettre", "Poste"],
        "in_person": ["Face à face", "Sur place", "Rendez-vous"],
    },
)
PHASE = Choice(
    Phase,
    {
        "referral": ["Orienté", "Orientée", "Prescription"],
        "profile": ["Profil", "Évaluation", "Diagnostic"],
        "plan": ["Projet", "Plan d'action", "Projet professionnel"],
        "job_search": ["Recherche", "Recherche emploi"],
        "access": ["Accès emploi"],
        "in_employment": ["En emploi", "Emploi", "Suivi dans l'emploi", "Maintien dans l'emploi"],
        "exit": ["Sorti", "Sortie du dispositif"],
    },
)
EXIT_OUTCOME = Choice(
    ExitOutcome,
    {
        "training": ["Entrée en formation"],
        "reorientation_esat": ["ESAT", "Orientation ESAT"],
        "reorientation_ea": ["EA", "Entreprise adaptée"],
        "reorientation_other": ["Réorientation", "Autre service"],
        "moved": ["Déménagé", "Déménagée"],
        "withdrew": ["Abandon"],
        "health": ["Santé", "Maladie"],
        "no_contact": ["Injoignable", "Sans nouvelles"],
    },
)
EMPLOYMENT_STATUS = Choice(
    EmploymentStatus,
    {
        "out_of_work": ["Demandeur d'emploi", "Demandeuse d'emploi", "DE", "DEFM", "Chômage", "Au chômage"],
        "never_worked": ["Jamais travaillé", "N'a jamais travaillé"],
        "at_risk": ["En emploi", "En emploi fragilisé", "Salarié", "Salariée", "Maintien dans l'emploi"],
        "esat_worker": ["ESAT", "Travailleur d'ESAT", "Travailleuse d'ESAT", "Travailleur ESAT"],
    },
)
EDUCATION_LEVEL = Choice(
    EducationLevel,
    {
        "infra_3": ["Sans diplôme", "Aucun diplôme", "Infra 3", "Infra niveau 3", "Niveau VI", "VI",
                    "Niveau V bis", "V bis", "Vbis", "Brevet", "DNB", "CFG", "Collège", "Niveau 1",
                    "Niveau 2"],
        "3": ["Niveau 3", "CAP", "BEP", "CAP BEP", "V", "Niveau V"],
        "4": ["Niveau 4", "Bac", "Baccalauréat", "Bac pro", "BP", "IV", "Niveau IV"],
        "5": ["Niveau 5", "Bac+2", "BTS", "DUT", "DEUG", "III", "Niveau III"],
        "6": ["Niveau 6", "Licence", "Licence pro", "Bac+3", "BUT", "Bachelor", "II", "Niveau II"],
        "7": ["Niveau 7", "Master", "Bac+5", "Ingénieur", "I", "Niveau I"],
        "8": ["Niveau 8", "Doctorat", "Bac+8", "Thèse"],
    },
)  # fmt: skip
RQTH = Choice(
    RqthStatus,
    {
        "none": ["Non", "Pas de RQTH", "Sans"],
        "requested": ["En cours", "Demande en cours", "En attente", "Demandé"],
        "granted": ["Oui", "Obtenu", "Reconnue", "Accordée", "RQTH"],
    },
)
HOUSING = Choice(
    Housing,
    {
        "independent": ["Autonome", "Locataire", "Propriétaire", "Logement personnel"],
        "family": [
            "Famille",
            "Chez les parents",
            "Parents",
            "Hébergé par la famille",
            "Hébergée par la famille",
        ],
        "supported": [
            "Foyer",
            "Résidence sociale",
            "FJT",
            "Foyer de jeunes travailleurs",
            "Logement accompagné",
        ],
        "temporary": ["Hébergement d'urgence", "Hébergement temporaire", "CHRS", "Hôtel", "Urgence"],
        "homeless": ["SDF", "Sans domicile", "Sans domicile fixe", "À la rue"],
    },
)
REFERENT_KIND = Choice(
    ContactKind,
    {
        "referring_partner": ["Prescripteur", "Prescriptrice", "Orienteur"],
        "medical": ["Médical", "Référent médical", "Référente médicale", "Médecin", "Psychiatre"],
        "social": [
            "Social",
            "Référent social",
            "Référente sociale",
            "Assistant social",
            "Assistante sociale",
        ],
        "funder": ["Financeur"],
        "employer": ["Employeur", "Tuteur", "Tutrice"],
        "other": ["Partenaire"],
    },
)
COMPANY_KIND = Choice(
    CompanyKind,
    {
        "ordinary": ["Ordinaire", "Milieu ordinaire", "Entreprise"],
        "ea": ["Entreprise adaptée"],
        "ei": ["Entreprise d'insertion"],
        "aci": ["Chantier d'insertion", "Atelier chantier d'insertion"],
        "ai": ["Association intermédiaire"],
    },
)
RELATIONSHIP = Choice(
    RelationshipStatus,
    {
        "prospect": ["Prospect", "À contacter"],
        "in_contact": ["Contacté", "Contactée", "En cours"],
        "partner": ["Partenariat"],
        "dormant": ["Sommeil", "Inactif", "Inactive"],
    },
)
SIZE_BAND = SizeBandChoice(
    SizeBand,
    [(0, "0"), (1, "1_9"), (10, "10_19"), (20, "20_49"), (50, "50_249"), (250, "250_999"), (1000, "1000")],
    {"0": ["Aucun", "Sans salarié"]},
)
PLACEMENT_KIND = Choice(
    PlacementKind,
    {
        "immersion": ["PMSMP", "Immersion", "MSP", "Mise en situation professionnelle", "Stage d'immersion"],
        "internship": ["Stagiaire"],
        "employment": ["Contrat", "Embauche", "Job"],
    },
)
CONTRACT_TYPE = Choice(
    ContractType,
    {
        "cdi": ["Contrat à durée indéterminée"],
        "cdd_long": ["CDD long", "CDD de 6 mois et plus", "CDD de plus de 6 mois"],
        "cdd_short": ["CDD court"],
        "temporary": ["Interim", "Mission d'intérim", "Travail temporaire", "CTT"],
        "work_study": ["Apprentissage", "Contrat d'apprentissage", "Contrat de professionnalisation",
                       "Contrat pro", "Alternance"],
        "subsidised": ["CUI", "PEC", "Parcours emploi compétences", "CAE"],
        "tenure": ["Titularisation", "Fonctionnaire", "Fonction publique"],
        "business_creation": ["Création d'entreprise", "Reprise d'entreprise", "Auto-entrepreneur",
                              "Micro-entrepreneur", "Indépendant"],
        "insertion": ["CDDI", "Insertion"],
    },
)  # fmt: skip
END_REASON = Choice(
    EndReason,
    {
        "end_of_term": ["Fin de contrat", "Fin prévue", "Terme", "Fin de mission", "Fin de stage"],
        "end_of_trial": ["Période d'essai", "Rupture de période d'essai"],
        "health": ["Santé", "Maladie"],
        "other": ["Rupture conventionnelle"],
    },
)
ASSESSMENT = Choice(
    ImmersionAssessment,
    {
        "completed": ["Faite", "Oui"],
        "partly": ["En partie", "Partielle"],
        "no_show": ["Non réalisée", "Absence", "Non"],
    },
)
OBJECTIVE = Choice(
    ImmersionObjective,
    {
        "discover": ["Découverte", "Découvrir un métier"],
        "confirm": ["Confirmation", "Confirmer un projet"],
        "recruit": ["Recrutement", "Embauche"],
    },
)

# --- The kinds --------------------------------------------------------------------------------


def person_columns() -> tuple[Column, ...]:
    P, E, S, C = "people.Person", "pathways.Enrolment", "pathways.EntrySituation", "people.Contact"
    PC = "pathways.PhaseChange"
    suspensions = partial(
        values.parse_suspensions,
        reasons=Choice(
            SuspensionReason, {"health": ["Santé", "Maladie"], "personal": ["Personnelle", "Famille"]}
        ),
        default=SuspensionReason.OTHER,
    )
    return (
        Column("external_id", gettext_lazy("Identifiant externe"), external_id, "imports.external_id",
               aliases=("ID", "Identifiant", "N° de dossier", "N° dossier", "Numéro de dossier",
                        "N° de personne", "Référence", "Réf", "Matricule"),
               help=gettext_lazy("Facultatif : votre numéro de dossier ; il évite les doublons quand vous réimportez."),
               example=EXAMPLE_ID, format=TEXT, external_id=True),
        # The pathway's own id: a person followed twice in the service has two, one a row.
        Column("pathway_external_id", gettext_lazy("N° de parcours"), external_id, "imports.ImportedKey.external_id",
               aliases=("Identifiant du parcours", "Référence du parcours"),
               help=gettext_lazy("Facultatif : le numéro du parcours dans votre ancien outil ; les expériences peuvent le citer."),
               example="P-1", format=TEXT),
        Column("birth_name", gettext_lazy("Nom de naissance"), text(f"{P}.birth_name"), f"{P}.birth_name", required=True,
               aliases=("Nom", "Nom de famille", "Nom patronymique", "NOM DE NAISSANCE", "Last name"),
               help=gettext_lazy("Le nom de naissance."), example="Martin"),
        Column("usual_name", gettext_lazy("Nom d'usage"), text(f"{P}.usual_name"), f"{P}.usual_name",
               aliases=("Nom marital", "Nom d'épouse", "Nom usuel"),
               help=gettext_lazy("Si la personne en utilise un autre."), example=""),
        Column("first_name", gettext_lazy("Prénom"), text(f"{P}.first_name"), f"{P}.first_name", required=True,
               aliases=("Prénoms", "First name"), help=gettext_lazy("Le prénom usuel."), example="Camille"),
        Column("date_of_birth", gettext_lazy("Date de naissance"), birth_date, f"{P}.date_of_birth", required=True,
               aliases=("Né(e) le", "Née le", "Né le", "DDN", "Date naissance", "Naissance", "Birth date"),
               help=gettext_lazy("jj/mm/aaaa."), example="15/03/1990", format=DATE),
        Column("sex", gettext_lazy("Sexe"), SEX, f"{P}.sex", aliases=("Genre", "Civilité"),
               help=gettext_lazy("Femme, Homme ou Autre (F, H, Mme, M. aussi)."), example="Femme"),
        Column("phone", gettext_lazy("Téléphone"), values.parse_phone, f"{P}.phone",
               aliases=("Tél", "Téléphone portable", "Portable", "Mobile", "Téléphone mobile", "GSM",
                        "N° de téléphone"),
               help=gettext_lazy("Un numéro français, ou étranger avec son indicatif (+32…)."), example="06 39 98 12 34",
               format=TEXT),
        Column("email", gettext_lazy("Adresse e-mail"), values.parse_email, f"{P}.email",
               aliases=("E-mail", "Mail", "Courriel", "Adresse mail", "Email"),
               help=gettext_lazy("nom@exemple.fr"), example="camille.martin@example.org"),
        Column("address", gettext_lazy("Adresse"), text(f"{P}.address"), f"{P}.address",
               aliases=("Adresse postale", "Rue", "N° et rue"), help=gettext_lazy("Numéro et rue."),
               example="12 rue des Lilas"),
        Column("postal_code", gettext_lazy("Code postal"), values.parse_postal_code, f"{P}.postal_code",
               aliases=("CP",), help=gettext_lazy("5 chiffres."), example="26000", format=TEXT),
        Column("city", gettext_lazy("Commune"), text(f"{P}.city"), f"{P}.city", aliases=("Ville", "Localité"),
               help=gettext_lazy("La commune de résidence."), example="Valence"),
        Column("preferred_channel", gettext_lazy("Moyen de contact préféré"), CHANNEL, f"{P}.preferred_channel",
               aliases=("Contact préféré", "Canal préféré"),
               help=gettext_lazy("Téléphone, SMS, E-mail, Courrier ou En personne."), example="SMS"),
        Column("referral_date", gettext_lazy("Date d'orientation"), event_date, f"{E}.referral_date", required=True,
               aliases=("Orienté(e) le", "Date de prescription", "Date de l'orientation"),
               help=gettext_lazy("jj/mm/aaaa : le jour où la personne a été orientée vers le service."),
               example="06/01/2026", format=DATE),
        Column("intake_date", gettext_lazy("Date d'entrée"), event_date, f"{E}.intake_date",
               aliases=("Date de l'entretien d'accueil", "Date d'accueil", "Entrée le", "Entrée",
                        "Date d'entrée dans le dispositif"),
               help=gettext_lazy("jj/mm/aaaa : l'entretien d'accueil ; vide s'il n'a pas encore eu lieu."),
               example="13/01/2026", format=DATE),
        Column("referral_reason", gettext_lazy("Motif de l'orientation"), text(f"{E}.referral_reason", 2000),
               f"{E}.referral_reason", aliases=("Motif d'orientation",),
               help=gettext_lazy("Facultatif."), example=""),
        Column("lead_coach", gettext_lazy("Job coach référent·e"), values.parse_person_reference, f"{E}.primary_coach",
               aliases=("Job coach référent", "Job coach référente", "Job coach", "Coach", "Conseiller",
                        "Conseillère", "E-mail du job coach", "Chargé d'accompagnement"),
               help=gettext_lazy("L'adresse e-mail (ou le nom) d'un·e job coach du service ; vide : pris en charge plus tard."),
               example="coach@example.org"),
        Column("phase", gettext_lazy("Étape"), PHASE, f"{E}.phase", aliases=("Étape actuelle", "Phase", "Étape du parcours"),
               help=gettext_lazy("L'étape actuelle du parcours (Accueil, Profil professionnel, Recherche d'emploi…)."),
               example="Recherche d'emploi"),
        Column("phase_since", gettext_lazy("Depuis le"), event_date, f"{PC}.changed_on",
               aliases=("Étape depuis le", "Date de l'étape", "Date de début de l'étape"),
               help=gettext_lazy("jj/mm/aaaa : le début de l'étape actuelle ; vide : la date d'entrée, sinon d'orientation."),
               example="02/03/2026", format=DATE),
        Column("planned_end_date", gettext_lazy("Fin prévue"), event_date, f"{E}.planned_end_date",
               aliases=("Date de fin prévue", "Fin de prise en charge prévue", "Fin d'accompagnement prévue"),
               help=gettext_lazy("jj/mm/aaaa ; vide : celle du programme du service."), example="", format=DATE),
        Column("exit_date", gettext_lazy("Date de sortie"), event_date, f"{E}.exit_date",
               aliases=("Sortie le", "Date de fin d'accompagnement", "Sorti(e) le"),
               help=gettext_lazy("jj/mm/aaaa, pour un parcours terminé ; vide s'il continue."), example="", format=DATE),
        Column("exit_outcome", gettext_lazy("Motif de sortie"), EXIT_OUTCOME, f"{E}.exit_outcome",
               aliases=("Situation à la sortie", "Type de sortie"),
               help=gettext_lazy("Avec la date de sortie : Emploi durable, Formation, Déménagement…"), example=""),
        Column("reoriented_to", gettext_lazy("Réorientation vers"), text(f"{E}.reoriented_to"), f"{E}.reoriented_to",
               aliases=("Réorienté(e) vers", "Structure de réorientation"),
               help=gettext_lazy("Pour une réorientation : l'ESAT, l'entreprise adaptée ou le service."), example=""),
        Column("exit_comment", gettext_lazy("Commentaire de sortie"), text(f"{E}.exit_comment", 2000),
               f"{E}.exit_comment", aliases=("Commentaire sur la sortie",), help=gettext_lazy("Facultatif."),
               example=""),
        Column("suspensions", gettext_lazy("Suspensions"), suspensions, "pathways.Suspension.start_date",
               aliases=("Périodes de suspension",),
               help=gettext_lazy("jj/mm/aaaa-jj/mm/aaaa motif ; séparées par « ; » (fin vide pour une suspension en cours)."),
               example="03/02/2026-17/02/2026 Hospitalisation"),
        Column("homonym_confirmed", gettext_lazy("Homonyme confirmé"), flag, "people.Person.id",
               aliases=("Homonyme", "Ce n'est pas la même personne"),
               help=gettext_lazy("Oui : une autre personne porte ces nom, prénom et date de naissance, créer celle-ci quand même."),
               example=""),
        Column("employment_status", gettext_lazy("Situation d'emploi à l'entrée"), EMPLOYMENT_STATUS,
               f"{S}.employment_status", required=True,
               aliases=("Situation d'emploi", "Situation professionnelle", "Situation à l'entrée"),
               help=gettext_lazy("Sans emploi, N'a jamais travaillé, En emploi mais risque de le perdre, Travailleur·se d'ESAT."),
               example="Sans emploi"),
        Column("out_of_work_since", gettext_lazy("Sans emploi depuis"), event_date, f"{S}.out_of_work_since",
               aliases=("Date de fin du dernier emploi", "Inscrit(e) depuis"),
               help=gettext_lazy("jj/mm/aaaa, pour une personne sans emploi."), example="01/09/2024", format=DATE),
        Column("education_level", gettext_lazy("Niveau de formation"), EDUCATION_LEVEL, f"{S}.education_level",
               required=True, aliases=("Niveau d'études", "Niveau de qualification", "Niveau scolaire", "Diplôme"),
               help=gettext_lazy("Infra 3, Niveau 3 (CAP, BEP) … Niveau 8 ; aussi CAP, Bac, BTS, Licence, Master."),
               example="Niveau 4 (baccalauréat)"),
        Column("receives_rsa", gettext_lazy("RSA"), flag, f"{S}.receives_rsa", aliases=("Bénéficiaire du RSA", "Allocataire RSA"),
               help=gettext_lazy("Oui ou non (vide : non)."), example="non"),
        Column("receives_aah", gettext_lazy("AAH"), flag, f"{S}.receives_aah", aliases=("Bénéficiaire de l'AAH",),
               help=gettext_lazy("Oui ou non (vide : non)."), example="oui"),
        Column("receives_unemployment_benefit", gettext_lazy("Allocation chômage (ARE)"), flag,
               f"{S}.receives_unemployment_benefit", aliases=("ARE", "Allocation chômage", "Indemnisé(e)"),
               help=gettext_lazy("Oui ou non (vide : non)."), example="non"),
        Column("rqth_status", gettext_lazy("RQTH"), RQTH, f"{S}.rqth_status", aliases=("Statut RQTH", "Reconnaissance RQTH"),
               help=gettext_lazy("Aucune, Demandée ou Obtenue (vide : aucune)."), example="Obtenue"),
        Column("rqth_requested_on", gettext_lazy("RQTH demandée le"), event_date, f"{S}.rqth_requested_on",
               aliases=("Date de demande RQTH",), help=gettext_lazy("jj/mm/aaaa."), example="", format=DATE),
        Column("rqth_granted_on", gettext_lazy("RQTH obtenue le"), event_date, f"{S}.rqth_granted_on",
               aliases=("Date d'obtention RQTH", "Date RQTH"), help=gettext_lazy("jj/mm/aaaa."), example="10/06/2023",
               format=DATE),
        Column("mdph_file", gettext_lazy("Numéro de dossier MDPH"), text(f"{S}.mdph_file"), f"{S}.mdph_file",
               aliases=("N° MDPH", "Dossier MDPH"), help=gettext_lazy("Facultatif."), example="", format=TEXT),
        Column("housing", gettext_lazy("Logement"), HOUSING, f"{S}.housing", required=True,
               aliases=("Situation de logement", "Hébergement"),
               help=gettext_lazy("Logement autonome, Chez la famille ou des proches, Logement accompagné…"),
               example="Logement autonome"),
        Column("referent_kind", gettext_lazy("Type de partenaire"), REFERENT_KIND, "people.PersonContact.relation",
               aliases=("Rôle du référent", "Type de référent"),
               help=gettext_lazy("Pour un référent : Prescripteur, Référent·e médical·e, Référent·e social·e…"),
               example="Prescripteur"),
        Column("referent_partner_name", gettext_lazy("Structure du référent"), text(f"{C}.partner_name"),
               f"{C}.partner_name", aliases=("Structure", "Organisme", "Prescripteur", "Organisme prescripteur"),
               help=gettext_lazy("Par exemple : France Travail Valence, CMP Romans."), example="France Travail Valence"),
        Column("referent_full_name", gettext_lazy("Nom du référent"), text(f"{C}.full_name"), f"{C}.full_name",
               aliases=("Référent", "Nom du prescripteur", "Conseiller référent"),
               help=gettext_lazy("Prénom et nom du ou de la professionnel·le."), example="Alex Durand"),
        Column("referent_job_title", gettext_lazy("Fonction du référent"), text(f"{C}.job_title"), f"{C}.job_title",
               aliases=("Fonction",), help=gettext_lazy("Facultatif."), example="Conseiller emploi"),
        Column("referent_phone", gettext_lazy("Téléphone du référent"), values.parse_phone, f"{C}.phone",
               aliases=("Tél du référent", "Téléphone du prescripteur"), help=gettext_lazy("Facultatif."),
               example="04 75 00 00 00", format=TEXT),
        Column("referent_email", gettext_lazy("E-mail du référent"), values.parse_email, f"{C}.email",
               aliases=("Courriel du référent", "Mail du référent", "E-mail du prescripteur"),
               help=gettext_lazy("Facultatif."), example="alex.durand@example.org"),
    )  # fmt: skip


def company_columns() -> tuple[Column, ...]:
    M, C = "employers.Company", "people.Contact"
    return (
        Column("external_id", gettext_lazy("Identifiant externe"), external_id, "imports.external_id",
               aliases=("ID", "Identifiant", "Référence", "Réf", "N° entreprise"),
               help=gettext_lazy("Facultatif : votre référence ; sinon le SIRET, sinon le nom, évite les doublons."),
               example=EXAMPLE_ID, format=TEXT, external_id=True),
        Column("siret", gettext_lazy("SIRET"), values.parse_siret, f"{M}.siret",
               aliases=("N° SIRET", "Numéro SIRET", "SIRET de l'établissement"),
               help=gettext_lazy("14 chiffres, espaces permis (dans Excel : colonne au format Texte)."),
               example="732 829 320 00074", format=TEXT),
        Column("name", gettext_lazy("Raison sociale"), text(f"{M}.name"), f"{M}.name", required=True,
               aliases=("Entreprise", "Nom de l'entreprise", "Enseigne", "Raison sociale ou enseigne", "Société",
                        "Employeur", "Nom"),
               help=gettext_lazy("Le nom de l'entreprise."), example="Boulangerie Exemple"),
        Column("naf_code", gettext_lazy("Code NAF"), values.parse_naf_code, f"{M}.naf_code",
               aliases=("Code APE", "NAF", "APE", "Code NAF APE", "Secteur"),
               help=gettext_lazy("Par exemple 10.71C ou 1071C."), example="10.71C", format=TEXT),
        Column("size_band", gettext_lazy("Effectif"), SIZE_BAND, f"{M}.size_band",
               aliases=("Tranche d'effectif", "Nombre de salariés", "Taille"),
               help=gettext_lazy("Le nombre de salariés (35) ou la tranche (20 à 49 salariés)."), example="12"),
        Column("kind", gettext_lazy("Type d'employeur"), COMPANY_KIND, f"{M}.kind",
               aliases=("Type d'entreprise", "Type de structure"),
               help=gettext_lazy("Employeur ordinaire (si vide), EA, ESAT, EI, ETTI, ACI, AI, EITI."),
               example="Employeur ordinaire"),
        Column("address", gettext_lazy("Adresse"), text(f"{M}.address"), f"{M}.address",
               aliases=("Adresse postale", "Rue"), help=gettext_lazy("Numéro et rue."), example="3 place du Marché"),
        Column("postal_code", gettext_lazy("Code postal"), values.parse_postal_code, f"{M}.postal_code", aliases=("CP",),
               help=gettext_lazy("5 chiffres."), example="26000", format=TEXT),
        Column("city", gettext_lazy("Commune"), text(f"{M}.city"), f"{M}.city", aliases=("Ville", "Localité"),
               help=gettext_lazy("La commune de l'établissement."), example="Valence"),
        Column("relationship_status", gettext_lazy("Relation"), RELATIONSHIP, f"{M}.relationship_status",
               aliases=("Statut de la relation", "Statut"),
               help=gettext_lazy("À prospecter (si vide), En contact, Partenaire, En sommeil."), example="Partenaire"),
        Column("owner", gettext_lazy("Chargé·e de la relation"), values.parse_person_reference, f"{M}.owner",
               aliases=("Chargé de la relation", "Chargée de la relation", "Chargé de relation entreprise"),
               help=gettext_lazy("L'adresse e-mail (ou le nom) d'un membre de l'équipe."), example="coach@example.org"),
        Column("notes", gettext_lazy("Notes sur l'entreprise"), values.parse_text, f"{M}.notes",
               aliases=("Notes", "Commentaire", "Remarques", "Observations"), help=gettext_lazy("Facultatif."), example=""),
        Column("contact_full_name", gettext_lazy("Nom du contact"), text(f"{C}.full_name"), f"{C}.full_name",
               aliases=("Contact", "Interlocuteur", "Interlocutrice", "Nom de l'interlocuteur", "Tuteur"),
               help=gettext_lazy("Une personne rencontrée dans l'entreprise : prénom et nom (une ligne par personne)."),
               example="Sam Leroy"),
        Column("contact_job_title", gettext_lazy("Fonction du contact"), text(f"{C}.job_title"), f"{C}.job_title",
               aliases=("Fonction", "Poste du contact", "Fonction de l'interlocuteur"), help=gettext_lazy("Facultatif."),
               example="Gérant"),
        Column("contact_phone", gettext_lazy("Téléphone du contact"), values.parse_phone, f"{C}.phone",
               aliases=("Téléphone", "Tél", "Tél du contact", "Portable"), help=gettext_lazy("Facultatif."),
               example="04 75 00 00 01", format=TEXT),
        Column("contact_email", gettext_lazy("E-mail du contact"), values.parse_email, f"{C}.email",
               aliases=("E-mail", "Mail", "Courriel", "Adresse e-mail", "Courriel du contact"),
               help=gettext_lazy("Facultatif."), example="contact@example.org"),
    )  # fmt: skip


def placement_columns() -> tuple[Column, ...]:
    P, Pe = "placements.Placement", "people.Person"
    return (
        Column("external_id", gettext_lazy("Identifiant de l'expérience"), external_id, "imports.external_id",
               aliases=("ID expérience", "Référence de l'expérience", "N° de contrat"),
               help=gettext_lazy("Facultatif : votre référence de ce contrat ou de cette immersion."),
               example=EXAMPLE_ID, format=TEXT, external_id=True),
        Column("pathway_external_id", gettext_lazy("N° de parcours"), external_id, "imports.ImportedKey.external_id",
               aliases=("Identifiant du parcours", "N° parcours", "Référence du parcours"),
               help=gettext_lazy("Celui du fichier des personnes ; sinon l'identifiant de la personne, ou ses nom, "
                                 "prénom et date de naissance."),
               example=EXAMPLE_ID, format=TEXT),
        Column("person_external_id", gettext_lazy("Identifiant externe de la personne"), external_id,
               "imports.external_id",
               aliases=("Identifiant externe", "ID", "Identifiant", "N° de dossier", "N° dossier",
                        "Numéro de dossier", "Matricule"),
               help=gettext_lazy("Celui du fichier des personnes ; sinon nom, prénom et date de naissance."),
               example=EXAMPLE_ID, format=TEXT),
        Column("last_name", gettext_lazy("Nom"), text(f"{Pe}.birth_name"), f"{Pe}.birth_name",
               aliases=("Nom de naissance", "Nom de famille", "Nom d'usage"),
               help=gettext_lazy("Le nom de la personne (de naissance ou d'usage)."), example="Martin"),
        Column("first_name", gettext_lazy("Prénom"), text(f"{Pe}.first_name"), f"{Pe}.first_name", aliases=("Prénoms",),
               help=gettext_lazy("Le prénom de la personne."), example="Camille"),
        Column("date_of_birth", gettext_lazy("Date de naissance"), birth_date, f"{Pe}.date_of_birth",
               aliases=("Né(e) le", "Née le", "Né le", "DDN", "Date naissance"),
               help=gettext_lazy("jj/mm/aaaa, pour reconnaître la personne sans identifiant."), example="15/03/1990",
               format=DATE),
        Column("referral_date", gettext_lazy("Date d'orientation"), event_date, "pathways.Enrolment.referral_date",
               aliases=("Date de l'orientation", "Date de prescription"),
               help=gettext_lazy("jj/mm/aaaa : dit de quel parcours il s'agit quand la personne en a eu plusieurs "
                                 "dans le service."),
               example="06/01/2026", format=DATE),
        Column("company_external_id", gettext_lazy("Identifiant de l'entreprise"), external_id,
               "imports.ImportedKey.external_id",
               aliases=("N° d'entreprise", "ID entreprise", "Référence de l'entreprise"),
               help=gettext_lazy("Celui du fichier des entreprises ; sinon le SIRET, sinon le nom."),
               example=EXAMPLE_ID, format=TEXT),
        Column("company_siret", gettext_lazy("SIRET de l'entreprise"), values.parse_siret, "employers.Company.siret",
               aliases=("SIRET", "N° SIRET"), help=gettext_lazy("14 chiffres ; sinon le nom de l'entreprise."),
               example="732 829 320 00074", format=TEXT),
        Column("company_name", gettext_lazy("Entreprise"), text("employers.Company.name"), "employers.Company.name",
               aliases=("Raison sociale", "Employeur", "Nom de l'entreprise", "Société", "Structure d'accueil"),
               help=gettext_lazy("Une entreprise du répertoire (importez d'abord les entreprises)."),
               example="Boulangerie Exemple"),
        Column("kind", gettext_lazy("Type d'expérience"), PLACEMENT_KIND, f"{P}.kind", required=True,
               aliases=("Type", "Nature", "Type de mise en situation"),
               help=gettext_lazy("Emploi, Stage ou Immersion (PMSMP)."), example="Emploi"),
        Column("contract_type", gettext_lazy("Type de contrat"), CONTRACT_TYPE, f"{P}.contract_type",
               aliases=("Contrat", "Nature du contrat"),
               help=gettext_lazy("Pour un emploi : CDI, CDD de 6 mois ou plus, CDD de moins de 6 mois, Intérim…"),
               example="CDD de 6 mois ou plus"),
        Column("ogr_code", gettext_lazy("Code OGR du poste"), values.parse_integer, "referentials.JobTitle.code",
               aliases=("Code OGR", "OGR", "Code appellation"),
               help=gettext_lazy("Facultatif : le code de l'intitulé dans le référentiel ROME ; il prime sur « Poste »."),
               example="11573", format=TEXT),
        Column("job_title", gettext_lazy("Poste"), text("referentials.JobTitle.label"), f"{P}.job_title",
               aliases=("Métier", "Intitulé du poste", "Emploi occupé", "Appellation", "Appellation ROME",
                        "Poste occupé"),
               help=gettext_lazy("L'intitulé du métier, cherché dans le référentiel ROME."), example="Boulanger / Boulangère"),
        Column("rome_code", gettext_lazy("Code ROME"), values.parse_rome_code, "referentials.Occupation.code",
               aliases=("ROME",), help=gettext_lazy("Facultatif : précise le métier (une lettre et 4 chiffres)."),
               example="D1102", format=TEXT),
        Column("started_on", gettext_lazy("Début"), event_date, f"{P}.started_on", required=True,
               aliases=("Date de début", "Date d'embauche", "Début du contrat", "Débuté le", "Date d'entrée en poste"),
               help=gettext_lazy("jj/mm/aaaa."), example="02/03/2026", format=DATE),
        Column("planned_end_on", gettext_lazy("Fin prévue"), event_date, f"{P}.planned_end_on",
               aliases=("Date de fin prévue", "Fin de contrat prévue", "Fin du contrat prévue"),
               help=gettext_lazy("jj/mm/aaaa ; vide pour un CDI ; obligatoire pour un CDD ou une immersion."),
               example="01/09/2026", format=DATE),
        Column("ended_on", gettext_lazy("Fin"), event_date, f"{P}.ended_on",
               aliases=("Date de fin", "Date de fin réelle", "Fin effective", "Terminé le"),
               help=gettext_lazy("jj/mm/aaaa, si l'expérience est terminée."), example="", format=DATE),
        Column("end_reason", gettext_lazy("Motif de fin"), END_REASON, f"{P}.end_reason",
               aliases=("Motif de la fin", "Raison de la fin", "Motif de rupture"),
               help=gettext_lazy("Avec la date de fin : Fin prévue, Démission, Licenciement…"), example=""),
        Column("hours_per_week", gettext_lazy("Heures par semaine"), values.parse_weekly_hours, f"{P}.hours_per_week",
               required=True,
               aliases=("Durée hebdomadaire", "Heures hebdomadaires", "Heures hebdo", "Temps de travail",
                        "Nombre d'heures", "Nb d'heures par semaine"),
               help=gettext_lazy("Heures entières, de 1 à 48 (35, 24 h)."), example="28", format=NUMBER),
        Column("objective", gettext_lazy("Objectif de l'immersion"), OBJECTIVE, f"{P}.objective",
               aliases=("Objectif", "Objectif de la PMSMP"),
               help=gettext_lazy("Pour une immersion : Découvrir un métier, Confirmer un projet, Initier un recrutement."),
               example=""),
        Column("assessment", gettext_lazy("Bilan de l'immersion"), ASSESSMENT, f"{P}.assessment",
               aliases=("Bilan", "Bilan de la PMSMP"),
               help=gettext_lazy("Pour une immersion terminée : Réalisée, Réalisée en partie, Non réalisée."),
               example=""),
        Column("led_to_job", gettext_lazy("A débouché sur un emploi"), values.parse_boolean, f"{P}.led_to_job",
               aliases=("Débouché sur un emploi", "Embauche à la suite"),
               help=gettext_lazy("Pour une immersion terminée : oui ou non."), example=""),
        Column("end_comment", gettext_lazy("Commentaire de fin"), values.parse_text, f"{P}.end_comment",
               aliases=("Commentaire sur la fin",), help=gettext_lazy("Facultatif."), example=""),
    )  # fmt: skip


KINDS: dict[str, Kind] = {
    PEOPLE: Kind(PEOPLE, gettext_lazy("Personnes accompagnées"), "Personnes", person_columns()),
    COMPANIES: Kind(COMPANIES, gettext_lazy("Entreprises"), "Entreprises", company_columns()),
    PLACEMENTS: Kind(
        PLACEMENTS,
        gettext_lazy("Emplois, stages et immersions"),
        "Emplois et immersions",
        placement_columns(),
        alternatives=(
            (("pathway_external_id",), ("person_external_id",), ("last_name", "first_name", "date_of_birth")),
            (("company_external_id",), ("company_siret",), ("company_name",)),
            (("ogr_code",), ("job_title",)),
        ),
    ),
}


def kind_of(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown import kind {key!r}: one of {', '.join(KINDS)}.") from None


# --- Guessing the mapping ---------------------------------------------------------------------

STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "e", "en", "es", "et", "l", "la", "le", "les", "ou", "par",
     "pour", "sur", "un", "une"}
)  # fmt: skip
# Abbreviations read as the word they stand for ("Tél" is "téléphone", "N°" and "Numéro" alike).
WORD_SYNONYMS = {"tel": "telephone", "mail": "email", "courriel": "email", "mel": "email", "numero": "n",
                 "no": "n", "num": "n", "nb": "nombre", "ref": "reference"}  # fmt: skip
# Words too common to match on alone: "Date" or "Nom" say nothing of which date or name.
GENERIC_WORDS = frozenset({"date", "nom", "n", "type", "code", "numero"})
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*")
PARTIAL_THRESHOLD = 0.5


def header_words(header: str) -> frozenset[str]:
    found = set()
    for word in words(header):
        if len(word) > 3 and word.endswith("s"):
            word = word[:-1]
        word = WORD_SYNONYMS.get(word, word)
        if word not in STOP_WORDS:
            found.add(word)
    return frozenset(found)


def header_variants(header: str) -> set[frozenset[str]]:
    """The header's words, and without what is in brackets ("Date de naissance (jj/mm/aaaa)")."""
    text = str(header or "")
    variants = {header_words(text), header_words(BRACKETS.sub(" ", text))}
    return {variant for variant in variants if variant}


def score(header: set[frozenset[str]], column_headers: Iterable[frozenset[str]]) -> float:
    """1 for the same words; below, the share of words in common, when it is at least half and
    not only generic words; 0 otherwise."""
    best = 0.0
    for typed in header:
        for known in column_headers:
            if typed == known:
                return 1.0
            common = typed & known
            if not common - GENERIC_WORDS:
                continue
            share = len(common) / len(typed | known)
            if share >= PARTIAL_THRESHOLD:
                best = max(best, 0.9 * share)
    return best


def column_words(column: Column) -> set[frozenset[str]]:
    return {words_ for name in column.headers() if (words_ := header_words(name))}


def guess_mapping(headers: Sequence[str], kind: str) -> dict[int, str | None]:
    """Each header's position → the key of the column it names, or None.

    Best matches first, and each header only to its best match: a column goes to one header
    only (the leftmost of equals), and the other stays unmapped rather than taking a column it
    matches less well (a second "Téléphone" never becomes the referent's phone). A header that
    matches two free columns equally well, and not exactly, is left for the user to map."""
    known = [(column.key, column_words(column)) for column in kind_of(kind).columns]
    candidates = []  # (-score, position, column order, key): best first, then leftmost
    by_position: dict[int, list[tuple[float, str]]] = {}
    for position, header in enumerate(headers):
        variants = header_variants(header)
        for order, (key, names) in enumerate(known):
            if variants and (value := score(variants, names)) > 0:
                candidates.append((-value, position, order, key))
                by_position.setdefault(position, []).append((value, key))
    candidates.sort()
    best = {position: max(value for value, _key in found) for position, found in by_position.items()}
    mapping: dict[int, str | None] = dict.fromkeys(range(len(headers)))
    taken: set[str] = set()
    settled: set[int] = set()
    for negative, position, _order, key in candidates:
        if position in settled or key in taken or -negative < best[position]:
            continue
        settled.add(position)
        tied = any(
            value == -negative and other != key and other not in taken
            for value, other in by_position[position]
        )
        if tied and negative > -1.0:
            continue  # ambiguous: the user chooses
        mapping[position] = key
        taken.add(key)
    return mapping


def named_columns(spec: Kind, keys: Sequence[str]) -> str:
    names = [f"« {spec.column(key).label} »" for key in keys]
    if len(names) == 1:
        return _("la colonne %(name)s") % {"name": names[0]}
    return _("les colonnes %(names)s et %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def missing_required(mapping: dict[int, str | None], kind: str) -> list[str]:
    """What the mapping lacks, in French: each required column not mapped, then each set of
    alternatives of which no group is wholly mapped."""
    spec = kind_of(kind)
    mapped = {key for key in mapping.values() if key}
    messages = [
        _("La colonne « %(column)s » est obligatoire : associez-la à une colonne du fichier.")
        % {"column": column.label}
        for column in spec.columns
        if column.required and column.key not in mapped
    ]
    for groups in spec.alternatives:
        if not any(set(group) <= mapped for group in groups):
            choices = _(", ou ").join(named_columns(spec, group) for group in groups)
            messages.append(_("Il faut %(choices)s.") % {"choices": choices})
    return messages


def apply_mapping(mapping: dict[int, str | None], row: Sequence[Any]) -> dict[str, Any]:
    """The raw cells of a row by column key (a short row's missing cells are empty)."""
    return {key: (row[position] if position < len(row) else None) for position, key in mapping.items() if key}


@dataclass
class ParsedRow:
    values: dict[str, Any]
    errors: dict[str, list[str]]  # column key → French messages


def parse_row(mapping: dict[int, str | None], row: Sequence[Any], kind: str) -> ParsedRow:
    """Every mapped column of the row parsed, each error kept by column (none stops the others).
    Columns not in the file are absent from `values`: the import leaves those fields alone."""
    spec = kind_of(kind)
    parsed, errors = {}, {}
    for key, raw in apply_mapping(mapping, row).items():
        try:
            parsed[key] = spec.column(key).parse(raw)
        except ValidationError as error:
            errors[key] = error.messages
    return ParsedRow(parsed, errors)
