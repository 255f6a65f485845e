"""The demo's employment side: companies and the people met there, the coaches' contacts with
employers, openings, proposals, immersions, jobs and the support after hiring.

Made up like the rest of the demo. The experiences in work follow the pathways that
`demo_people` wrote: a job runs over an "in employment" phase (ongoing while the pathway is in
it), an immersion over an "access to employment" phase, a job that ends sends the person back
to job search. Where the stories lack one of the retention stories the demo shows (a job lost
at the end of its two-month trial period, a job kept more than a year), it is added through the
pathway domain functions. Some stories name their job (`JOB_STORIES`: an insertion contract in
an ACI, an adapted company after a renewed immersion, a civil-service tenure, a business of
one's own, the jobs behind exits into employment); the others are drawn. An exit into
employment is recorded here, through `pathways.domain.record_exit`, once its job exists
(`demo_people.Leaving`). Rows are written one by one with `full_clean()` then `save()` (the
audit trail follows saves); dates count back from today and a seeded generator draws the rest,
so every run tells the same stories. An organisation that already has companies is left alone:
loading the demo twice adds nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.template import engines
from weasyprint import HTML

from filrouge.core.dates import add_months, span_end
from filrouge.core.text import fold
from filrouge.documents import domain as documents
from filrouge.documents.models import AttachmentKind
from filrouge.documents.pdf import STATIC_DIR, LocalFetcher
from filrouge.employers.models import (
    ALWAYS_FACE_TO_FACE,
    NEVER_FACE_TO_FACE,
    Company,
    CompanyKind,
    EmployerContact,
    EmployerContactKind,
    Opening,
    OpeningStatus,
    RelationshipStatus,
    SizeBand,
)
from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.matching.models import Answer, Proposal
from filrouge.organisations.models import Membership, Role
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import Enrolment, Phase
from filrouge.people.models import Contact, ContactChannel, ContactKind, Sex
from filrouge.placements.domain import link_tutor, renew_immersion
from filrouge.placements.models import (
    DURABLE_MONTHS,
    IMMERSION_MAX_MONTHS,
    Adjustment,
    AdjustmentKind,
    AdjustmentReview,
    AdjustmentStatus,
    EmployerDisclosure,
    EndReason,
    ImmersionAssessment,
    ImmersionObjective,
    Placement,
    PlacementKind,
    ReviewOutcome,
)
from filrouge.profiles.models import TargetJob
from filrouge.referentials.models import ContractType, JobTitle
from filrouge.seed.demo_people import (
    PROFILE_OF,
    Identity,
    Leaving,
    Planned,
    appointment,
    entry_situation,
    fiction_phone,
    find_or_create_person,
    weekday,
)

SIRET_BASE = {"trait-union.example": 26_100_000, "passerelles.example": 31_100_000}
LOG_WEEKS = 17  # the employer contacts log covers about four months
TRIAL_MONTHS = 2  # the trial period of an employee on a CDI
CONVENTIONS_PER_ORGANISATION = 1  # each signed agreement costs a PDF rendering

# ---------------------------------------------------------------------------------------------
# The places of each organisation: communes with their approximate coordinates.
# ---------------------------------------------------------------------------------------------

# fmt: off
PLACES = {
    "trait-union.example": {
        "Valence": (44.9334, 4.8924), "Romans-sur-Isère": (45.0434, 5.0510),
        "Bourg-de-Péage": (45.0392, 5.0497), "Bourg-lès-Valence": (44.9475, 4.8947),
        "Portes-lès-Valence": (44.8755, 4.8757), "Chabeuil": (44.8984, 5.0190), "Crest": (44.7281, 5.0224),
        "Tain-l'Hermitage": (45.0707, 4.8433), "Saint-Paul-lès-Romans": (45.0669, 5.1328),
        "Mours-Saint-Eusèbe": (45.0650, 5.0570), "Guilherand-Granges": (44.9333, 4.8741),
        "Tournon-sur-Rhône": (45.0672, 4.8328), "Étoile-sur-Rhône": (44.8383, 4.8900),
    },
    "passerelles.example": {
        "Toulouse": (43.6045, 1.4440), "Blagnac": (43.6373, 1.3907), "Colomiers": (43.6112, 1.3358),
        "Tournefeuille": (43.5853, 1.3450), "Balma": (43.6111, 1.4994), "L'Union": (43.6578, 1.4825),
        "Muret": (43.4614, 1.3267), "Ramonville-Saint-Agne": (43.5464, 1.4747), "Labège": (43.5317, 1.5369),
        "Portet-sur-Garonne": (43.5236, 1.4056), "Cugnaux": (43.5375, 1.3444),
    },
}
# Where in Toulouse each postal code lies (the city is one name for several districts).
TOULOUSE_DISTRICTS = {
    "31000": (43.6045, 1.4440), "31200": (43.6250, 1.4450), "31300": (43.5980, 1.4150),
    "31400": (43.5750, 1.4600), "31500": (43.6150, 1.4700),
}
# fmt: on

P, C, D, X = (
    RelationshipStatus.PARTNER,
    RelationshipStatus.IN_CONTACT,
    RelationshipStatus.PROSPECT,
    RelationshipStatus.DORMANT,
)
S = SizeBand


@dataclass(frozen=True)
class CompanySpec:
    name: str
    naf_code: str
    size_band: str
    address: str
    postal_code: str
    city: str
    status: str
    notes: str = ""
    kind: str = CompanyKind.ORDINARY


# fmt: off
COMPANIES = {
    "trait-union.example": (
        CompanySpec("Plateforme logistique Valmiral", "52.10B", S.FROM_50, "14 rue des Frênes", "26800",
                    "Portes-lès-Valence", P, "Deux tuteurs formés ; recrute en préparation de commandes."),
        CompanySpec("Cuisine centrale Les Coteaux Clairs", "56.29A", S.FROM_20, "8 chemin des Vignes", "26100",
                    "Romans-sur-Isère", P, "Horaires du matin uniquement (6 h – 13 h)."),
        CompanySpec("Jardinerie Le Pré Doré", "47.76Z", S.FROM_10, "2 route des Chênaies", "26300",
                    "Bourg-de-Péage", C, "Pics d'activité au printemps."),
        CompanySpec("Atelier vélo Cadence Verte", "95.29Z", S.FROM_1, "17 rue des Tisserands", "26000",
                    "Valence", P),
        CompanySpec("Fournil de la Lyre", "10.71C", S.FROM_1, "3 place de la Halle", "26120", "Chabeuil", C),
        CompanySpec("Supérette Bel Horizon", "47.11B", S.FROM_10, "41 avenue des Platanes", "26000", "Valence", P),
        CompanySpec("Hypermarché Les Quatre Vents", "47.11F", S.FROM_250, "1 avenue des Lônes", "26500",
                    "Bourg-lès-Valence", C, "Mission handicap au siège ; contact RH local."),
        CompanySpec("Propreté Aubépine Services", "81.21Z", S.FROM_50, "5 rue des Mésanges", "07500",
                    "Guilherand-Granges", P, "Équipes de soirée dans les bureaux de Valence."),
        CompanySpec("Paysages du Val Clair", "81.30Z", S.FROM_20, "9 chemin de la Gervanne", "26400", "Crest", D),
        CompanySpec("Bureau partagé Alcyon", "82.11Z", S.FROM_10, "22 rue du Parc", "26000", "Valence", D),
        CompanySpec("Restaurant Le Comptoir des Sources", "56.10A", S.FROM_1, "6 quai des Mariniers", "07300",
                    "Tournon-sur-Rhône", X, "Plus de recrutement depuis le changement de gérance."),
        CompanySpec("Aide à domicile Les Glycines", "88.10A", S.FROM_50, "30 avenue des Tilleuls", "26600",
                    "Tain-l'Hermitage", X),
        CompanySpec("Recyclerie Rhône Vert", "38.11Z", S.FROM_20, "ZA des Gravières, 4 rue du Four",
                    "26800", "Étoile-sur-Rhône", C, "Atelier et chantier d'insertion : contrats à durée "
                    "déterminée d'insertion (CDDI) de 4 mois, renouvelables.", CompanyKind.ACI),
    ),
    "passerelles.example": (
        CompanySpec("Logistique Garonne Étoile", "52.10B", S.FROM_250, "12 chemin des Pinsons", "31770",
                    "Colomiers", P, "Accueille des immersions toute l'année."),
        CompanySpec("Restaurant d'entreprise Les Ailes du Midi", "56.29A", S.FROM_50, "3 allée des Hélices",
                    "31700", "Blagnac", P),
        CompanySpec("Blanchisserie Lin Clair", "96.01A", S.FROM_50, "7 rue des Lavandières", "31600", "Muret", P,
                    "Travail debout : prévoir des pauses régulières."),
        CompanySpec("Supérette coopérative La Brique Rose", "47.11B", S.FROM_10, "25 rue des Potiers", "31300",
                    "Toulouse", C),
        CompanySpec("Espaces verts Canal Vert", "81.30Z", S.FROM_20, "40 chemin du Halage", "31170",
                    "Tournefeuille", C),
        CompanySpec("Centre de soins Les Tilleuls d'Autan", "86.10Z", S.FROM_250, "2 avenue des Cèdres",
                    "31130", "Balma", C, "Postes d'accueil à mi-temps."),
        CompanySpec("Boulangerie Au Pain d'Autan", "10.71C", S.FROM_1, "18 rue des Fontaines", "31500",
                    "Toulouse", P),
        CompanySpec("Nettoyage Violette Propreté", "81.21Z", S.FROM_20, "6 impasse des Iris", "31240",
                    "L'Union", D),
        CompanySpec("Hypermarché Occitan Sud", "47.11F", S.FROM_1000, "1 route des Pyrénées", "31120",
                    "Portet-sur-Garonne", D),
        CompanySpec("Secrétariat Mistral Services", "82.11Z", S.FROM_1, "11 rue des Amandiers", "31520",
                    "Ramonville-Saint-Agne", C),
        CompanySpec("Brasserie Le Petit Pastel", "56.10A", S.FROM_10, "9 rue des Teinturiers", "31000",
                    "Toulouse", X, "Fermée l'hiver ; à recontacter au printemps."),
        CompanySpec("Tri et réemploi Autan Recyclage", "38.11Z", S.FROM_50, "15 rue de l'Innovation", "31670",
                    "Labège", X, kind=CompanyKind.ACI),
        CompanySpec("Aide à domicile Violettes et Compagnie", "88.10A", S.FROM_20, "4 place du Marché",
                    "31270", "Cugnaux", C),
        CompanySpec("Entreprise adaptée Garonne Services", "82.92Z", S.FROM_50, "8 rue des Artisans", "31770",
                    "Colomiers", P, "Conditionnement et logistique ; accueille des immersions de travailleurs "
                    "d'ESAT.", CompanyKind.ADAPTED),
        CompanySpec("Centre hospitalier Garonne-Lèze", "86.10Z", S.FROM_1000, "12 route d'Eaunes", "31600",
                    "Muret", P, "Établissement public : recrute des travailleurs handicapés par contrat d'un an, "
                    "puis titularisation ; blanchisserie et logistique."),
    ),
}
# A business of one's own, created by a person of a story (`JobStory.company` names it): no one
# else works there, so no one to meet and no contact person.
OWN_BUSINESSES = {
    "trait-union.example": (
        CompanySpec("Retouches L'Aiguille vive", "95.29Z", S.NONE, "Atelier partagé, 7 rue des Cordeliers",
                    "26100", "Romans-sur-Isère", C, "Micro-entreprise d'une personne accompagnée par le "
                    "service RSA : retouches et couture. Pas de recrutement."),
    ),
}
# fmt: on

# The people met at a company: (job title, role in the placements: manager or tutor).
MANAGER, TUTOR = "manager", "tutor"
ROLES = (
    ("Responsable d'exploitation", MANAGER),
    ("Gérant / Gérante", MANAGER),
    ("Responsable des ressources humaines", MANAGER),
    ("Chef d'équipe, tuteur", TUTOR),
    ("Tutrice, cheffe de rayon", TUTOR),
    ("Tuteur, ouvrier qualifié", TUTOR),
)
# fmt: off
CONTACT_FIRST_NAMES = (
    "Albane", "Baptiste", "Capucine", "Damien", "Éloïse", "Fabien", "Ghislaine", "Honoré", "Irène", "Jordan",
    "Katia", "Lionel", "Marine", "Nathan", "Odile", "Pascal", "Rosalie", "Samuel", "Tiphaine", "Victor",
    "Wendy", "Yves", "Aude", "Brice", "Coralie", "Didier", "Estelle", "Florian", "Gaëlle", "Hugues",
)
CONTACT_FAMILY_NAMES = (
    "Aubry", "Besson", "Chapuis", "Dufaure", "Escoffier", "Faure-Brac", "Granier", "Hugon", "Isnard",
    "Jourdan", "Lagarde", "Maurin", "Nivière", "Olivier", "Peyrot", "Quintin", "Roux-Merle", "Sauvageon",
    "Tardieu", "Vernet", "Astier", "Blache", "Coste", "Delmas", "Fabre-Lys", "Gimenez", "Lafon", "Mazars",
)
# fmt: on

# ROME job titles (OGR codes) of the openings: the demo people's target jobs, others of the same
# code or family, and a few that fit nobody.
LIBRE_SERVICE, RAYON, CAISSE = 14769, 14778, 11645
MAGASINIER, PREPARATION, QUAI, CARISTE = 16276, 17993, 10579, 11679
JARDINIER, AIDE_JARDINIER, NATURE = 16068, 38436, 10664
BOULANGER, AIDE_BOULANGER, VENTE_BOULANGERIE = 11573, 10868, 20560
ADMINISTRATIF, BUREAU, ACCUEIL = 14748, 14757, 10372
PROPRETE_URBAINE, TRI = 10576, 10638
NETTOYAGE, PLONGE, AIDE_CUISINE, AIDE_PERSONNES = 10686, 17846, 10827, 10816
RETOUCHE, CONDITIONNEMENT, BLANCHISSERIE = 19245, 12849, 14756


@dataclass(frozen=True)
class OpeningSpec:
    company: int  # index in the organisation's companies
    job_title: int
    contract: str
    hours: int
    status: str = OpeningStatus.OPEN
    positions: int = 1
    description: str = ""


K = OpeningStatus.CLOSED
T = ContractType

# fmt: off
OPENINGS = {
    "trait-union.example": (
        OpeningSpec(0, PREPARATION, T.CDI, 24, positions=2, description="Préparation de commandes au scanner, "
                    "équipe de l'après-midi."),
        OpeningSpec(0, MAGASINIER, T.TEMPORARY, 35, description="Mission d'intérim de trois mois, temps plein."),
        OpeningSpec(0, CARISTE, T.CDD_LONG, 35, description="CACES 1 et 3 demandés."),
        OpeningSpec(1, PLONGE, T.CDD_SHORT, 20, description="Plonge le matin, du lundi au vendredi."),
        OpeningSpec(1, AIDE_CUISINE, T.CDI, 28),
        OpeningSpec(2, LIBRE_SERVICE, T.CDD_SHORT, 24, description="Renfort de printemps au rayon végétal."),
        OpeningSpec(2, AIDE_JARDINIER, T.CDD_SHORT, 20),
        OpeningSpec(4, AIDE_BOULANGER, T.CDI, 28, description="Début à 5 h : horaires de nuit et du petit matin."),
        OpeningSpec(4, VENTE_BOULANGERIE, T.CDD_LONG, 20),
        OpeningSpec(5, LIBRE_SERVICE, T.CDI, 20, description="Mise en rayon et accueil, petite équipe."),
        OpeningSpec(5, CAISSE, T.CDD_SHORT, 15),
        OpeningSpec(6, RAYON, T.CDI, 35, positions=3, description="Temps plein, week-ends travaillés."),
        OpeningSpec(7, NETTOYAGE, T.CDI, 15, description="Nettoyage de bureaux, de 18 h à 21 h."),
        OpeningSpec(8, JARDINIER, T.CDD_LONG, 28),
        OpeningSpec(9, ADMINISTRATIF, T.CDD_SHORT, 20, description="Saisie et classement, poste assis."),
        OpeningSpec(12, TRI, T.INSERTION, 26),
        OpeningSpec(12, PROPRETE_URBAINE, T.CDI, 24),
        OpeningSpec(11, AIDE_PERSONNES, T.CDI, 30, status=K),
        OpeningSpec(10, PLONGE, T.CDD_SHORT, 25, status=K),
    ),
    "passerelles.example": (
        OpeningSpec(0, PREPARATION, T.TEMPORARY, 35, positions=4, description="Missions d'intérim renouvelables."),
        OpeningSpec(0, QUAI, T.CDI, 24),
        OpeningSpec(0, MAGASINIER, T.CDD_LONG, 28, description="Réception et rangement, poste de jour."),
        OpeningSpec(1, PLONGE, T.CDI, 20),
        OpeningSpec(1, AIDE_CUISINE, T.CDD_SHORT, 24, description="Remplacement de six semaines."),
        OpeningSpec(2, NETTOYAGE, T.CDI, 28),
        OpeningSpec(3, LIBRE_SERVICE, T.CDI, 24, description="Mise en rayon le matin, coopérative de quartier."),
        OpeningSpec(3, CAISSE, T.CDD_SHORT, 20),
        OpeningSpec(4, JARDINIER, T.CDD_LONG, 24),
        OpeningSpec(4, NATURE, T.SUBSIDISED, 20, description="Entretien des berges, contrat aidé."),
        OpeningSpec(5, ACCUEIL, T.CDI, 17, description="Accueil téléphonique et physique, après-midi."),
        OpeningSpec(6, BOULANGER, T.CDI, 35, description="Temps plein, dès 4 h du matin."),
        OpeningSpec(6, VENTE_BOULANGERIE, T.CDD_SHORT, 20),
        OpeningSpec(7, NETTOYAGE, T.CDD_SHORT, 15),
        OpeningSpec(8, RAYON, T.CDI, 35, positions=2),
        OpeningSpec(9, BUREAU, T.CDD_LONG, 20, description="Saisie de factures et classement."),
        OpeningSpec(12, AIDE_PERSONNES, T.CDI, 28),
        OpeningSpec(11, TRI, T.INSERTION, 26, status=K),
        OpeningSpec(10, PLONGE, T.CDD_SHORT, 30, status=K),
    ),
}
# fmt: on


@dataclass(frozen=True)
class JobStory:
    """The job of a story told on purpose (`Pathway.job` in demo_people), over the pathway's "in
    employment" phase: where, as what and on which contract; the immersion before it, the
    follow-along and the exit recorded once the job exists are written like the other jobs'."""

    company: str  # the name of one of the organisation's COMPANIES or OWN_BUSINESSES
    title: int  # OGR code of the job title
    hours: int
    contract: str = ""  # "" : drawn like the other jobs (an interim mission first, then a CDI)
    months: int | None = None  # a contract's planned length, de date à date
    renewal: str = ""  # the immersion before the job was renewed once, for this reason
    before: tuple[str, int] | None = None  # a first contract (kind, months) at the same employer
    disclosed: bool = False  # the employer knows of the disability (a job set aside for it)


# fmt: off
JOB_STORIES = {
    # Trait d'Union, RSA: a CDDI in an insertion workshop (a job, no exit into employment); a CDD
    # under 6 months behind a transition exit; a micro-enterprise behind a durable exit.
    "insertion": JobStory("Recyclerie Rhône Vert", TRI, 26, T.INSERTION, months=4),
    "cuisine": JobStory("Cuisine centrale Les Coteaux Clairs", AIDE_CUISINE, 24, T.CDD_SHORT, months=4),
    "micro_entreprise": JobStory("Retouches L'Aiguille vive", RETOUCHE, 25, T.BUSINESS_CREATION),
    # Passerelles, ESAT support: an adapted company after a renewed immersion; a laundry; a hospital's
    # one-year contract for disabled workers, then the tenure.
    "entreprise_adaptee": JobStory(
        "Entreprise adaptée Garonne Services", CONDITIONNEMENT, 28, T.CDI, disclosed=True,
        renewal="Objectifs pas encore atteints : la cadence sur la ligne de conditionnement progresse, "
                "l'autonomie aux changements de série reste à acquérir. Renouvellement demandé par la "
                "tutrice et accepté par la personne.",
    ),
    "blanchisserie": JobStory("Blanchisserie Lin Clair", BLANCHISSERIE, 28),
    "titularisation": JobStory("Centre hospitalier Garonne-Lèze", BLANCHISSERIE, 30, T.TENURE,
                               before=(T.CDD_LONG, 12), disclosed=True),
    # Passerelles, Activ'Projet: an interim mission behind a transition exit, a CDI behind a durable one.
    "interim_logistique": JobStory("Logistique Garonne Étoile", PREPARATION, 35, T.TEMPORARY, months=3),
    "accueil_clinique": JobStory("Centre de soins Les Tilleuls d'Autan", ACCUEIL, 17, T.CDI),
}
# fmt: on

# A person of the demo written here: a job kept more than a year, which the stories lack in
# services that can take one more person (an ESAT support service has no end date).
KEPT_A_YEAR = {
    "passerelles.example": (
        "ESAT Les Ateliers — accompagnement",
        Identity(
            first_name="Maxime",
            birth_name="Cassagne",
            usual_name="",
            sex=Sex.MALE,
            age=41,
            born=(3, 14),
            education="3",
            phone="06 39 98 41 27",
            email="maxime.cassagne@example.org",
            address="9 rue des Écoles",
            postal_code="31770",
            city="Colomiers",
            channel=ContactChannel.SMS,
        ),
    ),
}
KEPT_A_YEAR_DAYS = 560  # referral; the job starts about 14 months ago

CONTACT_NOTES = {
    EmployerContactKind.PROSPECTING_VISIT: (
        "Présentation du service et de l'emploi accompagné ; besoins de recrutement à l'automne.",
        "Visite de l'entrepôt avec le responsable ; postes accessibles repérés.",
        "Premier rendez-vous : l'entreprise n'a jamais accueilli d'immersion, intéressée.",
    ),
    EmployerContactKind.PHONE_CALL: (
        "Appel de suivi : pas de poste ouvert pour l'instant, rappeler dans un mois.",
        "Point téléphonique sur les horaires possibles pour un temps partiel.",
        "Relance après la candidature : réponse attendue la semaine prochaine.",
    ),
    EmployerContactKind.CANDIDATE_PRESENTATION: (
        "Présentation d'une candidature, sur le projet de la personne et avec son accord.",
        "Candidature présentée avec le CV ; entretien proposé par l'employeur.",
    ),
    EmployerContactKind.AWARENESS_SESSION: (
        "Sensibilisation d'une heure avec l'équipe : idées reçues, signaux d'alerte, à qui s'adresser.",
        "Échange avec les managers sur l'accueil d'un·e salarié·e qui vit avec un trouble psychique.",
    ),
    EmployerContactKind.TUTOR_TRAINING: (
        "Formation du tuteur : consignes écrites, points réguliers, contact du job coach.",
        "Préparation de l'accueil avec la tutrice : premier jour, découpage des tâches.",
    ),
    EmployerContactKind.FOLLOW_UP_VISIT: (
        "Visite de suivi dans l'entreprise : le point avec le responsable est positif.",
        "Visite sur place : organisation du poste revue avec l'équipe.",
    ),
}
# How many employer contacts a coach logs in a week (by the local part of the demo account).
CONTACTS_PER_WEEK = {"coach": 2.5, "coach.rsa": 1.2, "coach.activ": 0.8, "chef": 0.4}
SUPPORT_NOTES = {
    Party.PERSON: (
        "Bonne adaptation au poste ; fatigue en fin de semaine, à surveiller.",
        "La personne se sent à l'aise avec l'équipe ; souhaite garder ses horaires.",
        "Point sur le trajet et le rythme : tout va bien pour l'instant.",
    ),
    Party.TUTOR: (
        "Le tuteur souligne la régularité ; consignes à redonner par écrit.",
        "Échange avec la tutrice : autonomie en progrès sur les tâches du matin.",
    ),
    Party.MANAGER: (
        "Le responsable est satisfait ; question sur un passage à 28 heures.",
        "Point avec la responsable sur le planning du mois prochain.",
    ),
    Party.TOGETHER: (
        "Point à trois sur le lieu de travail : objectifs du mois validés.",
        "Rencontre avec la personne et son tuteur : ajustement des pauses.",
    ),
}

CONVENTION = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Convention d'immersion</title>
<link rel="stylesheet" href="filrouge/css/pdf.css"></head>
<body>
  <p class="subtitle">Exemple fictif, créé pour la démonstration de filrouge.</p>
  <h1>Convention de période de mise en situation en milieu professionnel (PMSMP)</h1>
  <h2>Bénéficiaire</h2><p>{{ person.full_name }}</p>
  <h2>Structure d'accueil</h2><p>{{ company.name }}, {{ company.address }}, {{ company.postal_code }} {{ company.city }}</p>
  <h2>Tuteur ou tutrice</h2><p>{{ tutor.full_name|default:"—" }}</p>
  <h2>Période</h2><p>Du {{ placement.started_on|date:"j F Y" }} au {{ placement.planned_end_on|date:"j F Y" }},
  {{ placement.hours_per_week }} heures par semaine.</p>
  <h2>Objectif</h2><p>{{ placement.get_objective_display }}</p>
  <p>Signée par la personne, la structure d'accueil et le service d'accompagnement.</p>
</body>
</html>"""


# ---------------------------------------------------------------------------------------------
# Writing, one row at a time.
# ---------------------------------------------------------------------------------------------


def saved(instance, exclude=()):
    """Validates then saves one row. The database checks the constraints again on save: not
    querying for each of them here keeps the demo fast."""
    instance.full_clean(exclude=list(exclude), validate_constraints=False)
    instance.save()
    return instance


def coordinates(rng, domain_name: str, city: str, postal_code: str = "", spread: float = 0.012):
    """Approximate coordinates in the commune, a little apart so that places do not overlap."""
    base = TOULOUSE_DISTRICTS.get(postal_code) if city == "Toulouse" else None
    latitude, longitude = base or PLACES[domain_name][city]
    latitude += rng.uniform(-spread, spread)
    longitude += rng.uniform(-spread, spread)
    return Decimal(f"{latitude:.5f}"), Decimal(f"{longitude:.5f}")


@dataclass
class World:
    """What the employment data of one organisation is written with."""

    organisation: object
    domain_name: str
    rng: random.Random
    today: date
    coaches: list
    companies: list
    contacts: dict  # company pk -> its contact people
    titles: dict  # OGR code -> JobTitle
    stories: dict  # the placements that tell a story, by name
    conventions: int = 0
    stale: bool = False
    contracts: set = field(default_factory=set)
    market: list = field(default_factory=list)  # the openings of the companies' own adverts
    planned: dict = field(default_factory=dict)  # pathway id -> demo_people.Planned

    def company_contact(self, company, role=None):
        """One of the people met at `company` (a tutor, a manager), or None: no one else works in a
        business of one's own."""
        people = self.contacts.get(company.pk, [])
        wanted = [
            c for c in people if role is None or c.job_title in {r for r, kind in ROLES if kind == role}
        ]
        return (wanted or people or [None])[0]


def seed_employment(
    organisation, services, domain_name: str, seed: int, planned: dict[int, Planned] | None = None
) -> None:
    """Creates the employment data of `organisation` unless it already has companies. `planned`:
    what `demo_people.seed_people` handed back (the jobs told on purpose, the exits into
    employment still to record)."""
    if domain_name not in COMPANIES or Company.objects.filter(organisation=organisation).exists():
        return
    memberships = (
        Membership.objects.filter(service__in=services, role=Role.COACH).select_related("user").order_by("pk")
    )
    coaches = list(dict.fromkeys(m.user for m in memberships))
    if not coaches:
        return
    codes = {spec.job_title for spec in OPENINGS[domain_name]}
    titles = JobTitle.objects.select_related("occupation").in_bulk(codes)
    world = World(
        organisation=organisation,
        domain_name=domain_name,
        rng=random.Random(seed * 7 + 5),
        today=pathways.today(),
        coaches=coaches,
        companies=[],
        contacts={},
        titles=titles,
        stories={},
        planned=planned or {},
    )
    with transaction.atomic():
        seed_kept_a_year_person(world, services)
        seed_companies(world)
        openings = world.market = seed_openings(world)
        seed_placements(world, services)
        seed_proposals(world, services, openings)
        seed_employer_contacts(world, services)


# ---------------------------------------------------------------------------------------------
# Companies, their contact people and their openings.
# ---------------------------------------------------------------------------------------------


def new_company(world: World, spec, index: int, owner) -> Company:
    """The company of `spec` (the index-th of its list: its synthetic SIRET), placed near its town."""
    latitude, longitude = coordinates(world.rng, world.domain_name, spec.city, spec.postal_code)
    return saved(
        Company(
            organisation=world.organisation,
            name=spec.name,
            siret=synthetic_siret(SIRET_BASE[world.domain_name] + index * 37 + 11),
            naf_code=spec.naf_code,
            size_band=spec.size_band,
            address=spec.address,
            postal_code=spec.postal_code,
            city=spec.city,
            latitude=latitude,
            longitude=longitude,
            relationship_status=spec.status,
            kind=spec.kind,
            owner=owner,
            notes=spec.notes,
            created_by=owner,
        ),
        exclude=["search_name"],
    )


def seed_companies(world: World) -> None:
    rng, used = world.rng, set()
    for index, spec in enumerate(COMPANIES[world.domain_name]):
        owner = world.coaches[index % len(world.coaches)]
        company = new_company(world, spec, index, owner)
        world.companies.append(company)
        # A manager first, then a tutor, sometimes a third person (human resources).
        roles = [rng.choice(ROLES[:2]), rng.choice(ROLES[3:])]
        if spec.size_band in (S.FROM_50, S.FROM_250, S.FROM_1000):
            roles.append(ROLES[2])
        if spec.status == D:
            roles = roles[:1]
        domain = fold(spec.name).split()[-1].replace("'", "") + ".example"
        people = []
        for title, _role in roles:
            first = rng.choice([n for n in CONTACT_FIRST_NAMES if n not in used] or CONTACT_FIRST_NAMES)
            used.add(first)
            family = rng.choice(CONTACT_FAMILY_NAMES)
            local = f"{fold(first)}.{fold(family)}".replace(" ", "-")
            people.append(
                saved(
                    Contact(
                        organisation=world.organisation,
                        full_name=f"{first} {family}",
                        partner_name=spec.name,
                        job_title=title,
                        kind=ContactKind.EMPLOYER,
                        company=company,
                        phone=fiction_phone(rng),
                        email=f"{local}@{domain}",
                    ),
                    exclude=["search_name"],
                )
            )
        world.contacts[company.pk] = people


def seed_openings(world: World) -> list:
    rng, openings = world.rng, []
    for spec in OPENINGS[world.domain_name]:
        company = world.companies[spec.company]
        title = world.titles.get(spec.job_title)
        if title is None:
            continue
        latitude, longitude = coordinates(rng, world.domain_name, company.city, company.postal_code, 0.004)
        start = world.today + timedelta(days=rng.choice((7, 14, 21, 30, 45)))
        if spec.status != OpeningStatus.OPEN:
            start = world.today - timedelta(days=rng.choice((30, 60, 90)))
        openings.append(
            create_opening(
                world,
                company,
                title,
                spec.contract,
                spec.hours,
                spec.status,
                start,
                latitude,
                longitude,
                spec.positions,
                spec.description,
            )
        )
    return openings


def create_opening(
    world,
    company,
    title,
    contract,
    hours,
    status,
    start,
    latitude=None,
    longitude=None,
    positions=1,
    description="",
):
    if latitude is None:
        latitude, longitude = company.latitude, company.longitude
    return saved(
        Opening(
            organisation=world.organisation,
            company=company,
            job_title=title,
            contract_type=contract,
            hours_per_week=hours,
            postal_code=company.postal_code,
            city=company.city,
            latitude=latitude,
            longitude=longitude,
            start_date=start,
            positions=positions,
            status=status,
            description=description,
            recruiter=world.company_contact(company, MANAGER),
            created_by=company.owner,
        ),
        exclude=["rome_code", "rome_family"],
    )


# ---------------------------------------------------------------------------------------------
# Placements: immersions over "access" phases, jobs over "in employment" phases.
# ---------------------------------------------------------------------------------------------


@dataclass
class Spell:
    phase: str
    start: date
    end: date | None  # the next step's date; None while the pathway is in it
    then: str | None  # the next phase


def spells(enrolment, leaving: Leaving | None = None) -> list[Spell]:
    """The pathway's phases with their dates; with `leaving`, its last phase (in employment) ends
    with the exit still to record."""
    changes = list(enrolment.phase_changes.order_by("changed_on", "recorded_at", "pk"))
    result = []
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        result.append(
            Spell(
                change.phase,
                change.changed_on,
                following.changed_on if following else None,
                following.phase if following else None,
            )
        )
    if leaving is not None:
        last = result[-1]
        if last.phase != Phase.IN_EMPLOYMENT:
            raise ValueError(f"An exit into employment follows an 'in employment' phase, not {last.phase}.")
        result[-1] = Spell(last.phase, last.start, leaving.on, Phase.EXIT)
    return result


def job_title_for(world: World, enrolment, fallback: int):
    target = (
        TargetJob.objects.filter(profile__person=enrolment.person)
        .select_related("job_title__occupation")
        .order_by("position")
        .first()
    )
    if target is not None:
        return target.job_title, target.hours_per_week or 24
    title = world.titles.get(fallback) or JobTitle.objects.select_related("occupation").get(pk=fallback)
    return title, 24


def company_for(world: World, title, offset: int):
    """A partner or known company of the ordinary labour market (an adapted company or an insertion
    structure employs only in the stories told on purpose), preferring one whose openings share
    the job's ROME family."""
    family = title.occupation_id[:3]
    active = [
        c for c in world.companies if c.relationship_status in (P, C) and c.kind == CompanyKind.ORDINARY
    ]
    matching = [
        c
        for c in active
        if Opening.objects.filter(company=c, rome_family=family).exists()  # a handful of companies
    ]
    pool = matching or active
    return pool[offset % len(pool)]


def workplace(world: World, title, offset: int):
    """Where a person works: a company hiring in their target job's family or, one time in two,
    another known company, in the job it recruits for (people take other jobs too)."""
    recruiting = [
        o
        for o in world.market
        if o.company.relationship_status in (P, C) and o.company.kind == CompanyKind.ORDINARY
    ]
    if offset % 2 and recruiting:
        opening = recruiting[offset % len(recruiting)]
        return opening.company, opening.job_title
    return company_for(world, title, offset), title


def create_placement(world: World, enrolment, kind, company, title, started_on, hours, **fields):
    tutor = world.company_contact(company, TUTOR)
    placement = saved(
        Placement(
            organisation=world.organisation,
            enrolment=enrolment,
            kind=kind,
            company=company,
            tutor=tutor,
            job_title=title,
            started_on=started_on,
            hours_per_week=hours,
            created_by=enrolment.primary_coach,
            **fields,
        )
    )
    link_tutor(placement)
    return placement


def end(placement, ended_on, reason, comment="", **fields):
    placement.ended_on, placement.end_reason, placement.end_comment = ended_on, reason, comment
    for name, value in fields.items():
        setattr(placement, name, value)
    return saved(placement)


def immersion(world: World, enrolment, company, title, start: date, objective, hours, days=None):
    days = days or world.rng.choice((11, 13, 18))
    planned_end = min(start + timedelta(days=days), span_end(start, months=IMMERSION_MAX_MONTHS))
    return create_placement(
        world,
        enrolment,
        PlacementKind.IMMERSION,
        company,
        title,
        start,
        min(hours + 6, 35),
        planned_end_on=planned_end,
        objective=objective,
    )


def attach_convention(world: World, placement) -> None:
    """The signed agreement of an immersion, as a coach would upload the scanned copy."""
    if world.conventions >= CONVENTIONS_PER_ORGANISATION:
        return
    html = (
        engines["django"]
        .from_string(CONVENTION)
        .render(
            {
                "person": placement.enrolment.person,
                "company": placement.company,
                "tutor": placement.tutor,
                "placement": placement,
            }
        )
    )
    content = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=LocalFetcher()).write_pdf()
    agreement = documents.attach(
        placement.enrolment.person,
        SimpleUploadedFile("convention-pmsmp.pdf", content, content_type="application/pdf"),
        kind=AttachmentKind.AGREEMENT,
        title="Convention d'immersion (PMSMP)",
        by=placement.enrolment.primary_coach,
        enrolment=placement.enrolment,
    )
    placement.agreement = agreement
    saved(placement)
    world.conventions += 1


def seed_access_spell(
    world, enrolment, spell: Spell, title, hours, hiring_company, ongoing_done: bool
) -> bool:
    """Immersions during an "access to employment" phase; returns whether one is still going on."""
    rng, today = world.rng, world.today
    stop = spell.end or today
    start = weekday(spell.start + timedelta(days=2))
    if (stop - spell.start).days >= 60:
        # A first immersion the person did not come to.
        missed_company = company_for(world, title, rng.randint(1, 5))
        missed = immersion(world, enrolment, missed_company, title, start, ImmersionObjective.DISCOVER, hours)
        end(
            missed,
            start,
            EndReason.OTHER,
            "Absence le premier jour ; la personne ne se sentait pas prête. Une autre date est à trouver.",
            assessment=ImmersionAssessment.NO_SHOW,
            led_to_job=False,
        )
        start = weekday(start + timedelta(days=21))
    company = hiring_company or company_for(world, title, rng.randint(0, 5))
    if spell.end is None and not ongoing_done:
        # Going on now: begun last week, ends in ten days or so.
        start = weekday(max(start, today - timedelta(days=8)))
        placement = immersion(world, enrolment, company, title, start, ImmersionObjective.RECRUIT, hours, 18)
        attach_convention(world, placement)
        return True
    objective = ImmersionObjective.RECRUIT if hiring_company else ImmersionObjective.CONFIRM
    placement = immersion(world, enrolment, company, title, start, objective, hours)
    if spell.then == Phase.IN_EMPLOYMENT:
        ended_on = max(start, min(placement.planned_end_on, spell.end - timedelta(days=1)))
        end(
            placement,
            ended_on,
            EndReason.END_OF_TERM,
            "Immersion menée à son terme : l'employeur propose un contrat.",
            assessment=ImmersionAssessment.COMPLETED,
            led_to_job=True,
        )
        attach_convention(world, placement)
    else:
        half = start + timedelta(days=(placement.planned_end_on - start).days // 2)
        end(
            placement,
            max(start, min(half, today - timedelta(days=1))),
            EndReason.OTHER,
            "Arrêtée à mi-parcours d'un commun accord : le rythme était trop soutenu.",
            assessment=ImmersionAssessment.PARTLY,
            led_to_job=False,
        )
    return False


def disclosure(world: World, start: date, index: int) -> dict:
    choice = (EmployerDisclosure.NOT_DISCLOSED, EmployerDisclosure.MANAGER, EmployerDisclosure.TEAM)[
        index % 3
    ]
    if choice == EmployerDisclosure.NOT_DISCLOSED:
        return {"disclosure": choice}
    return {
        "disclosure": choice,
        "disclosure_decided_on": start - timedelta(days=world.rng.choice((3, 7, 10))),
    }


def job(
    world: World,
    enrolment,
    company,
    title,
    start,
    hours,
    contract,
    index,
    planned_end=None,
    opening=None,
    disclosed=False,
):
    """A job; `disclosed`: a job set aside for disabled workers, so the manager knows."""
    world.contracts.add(contract)
    choice = disclosure(world, start, index)
    if disclosed and choice["disclosure"] == EmployerDisclosure.NOT_DISCLOSED:
        choice = {
            "disclosure": EmployerDisclosure.MANAGER,
            "disclosure_decided_on": start - timedelta(days=10),
        }
    return create_placement(
        world,
        enrolment,
        PlacementKind.EMPLOYMENT,
        company,
        title,
        start,
        hours,
        contract_type=contract,
        planned_end_on=planned_end,
        opening=opening,
        **choice,
    )


def hire_opening(world: World, company, title, contract, hours, start):
    """The opening a person was recruited on, now filled."""
    return create_opening(world, company, title, contract, hours, OpeningStatus.FILLED, start)


def seed_placements(world: World, services) -> None:
    """Immersions and jobs along the pathways, then a job lost at the end of its trial period
    where the stories have none."""
    enrolments = list(
        Enrolment.objects.filter(service__in=services)
        .exclude(primary_coach=None)
        .select_related("person", "primary_coach", "service")
        .order_by("service_id", "pk")
    )
    # A pathway in employment not seen for over a month already shows the follow-along alert;
    # otherwise one job gets calls only, and no visit, for the last month. (A pathway whose exit
    # into employment is still to record has ended.)
    leaving = {pk for pk, plan in world.planned.items() if plan.leaving}
    world.stale = any(
        e.is_current
        and e.pk not in leaving
        and e.phase == Phase.IN_EMPLOYMENT
        and e.last_contact_on
        and e.last_contact_on < world.today - timedelta(days=30)
        for e in enrolments
    )
    ongoing_immersion, jobs, lost = False, 0, False
    for index, enrolment in enumerate(enrolments):
        plan = world.planned.get(enrolment.pk)
        history = spells(enrolment, plan.leaving if plan else None)
        employment = [s for s in history if s.phase == Phase.IN_EMPLOYMENT]
        access = [s for s in history if s.phase == Phase.ACCESS]
        if not employment and not access:
            continue
        story = JOB_STORIES[plan.pathway.job] if plan and plan.pathway.job else None
        if story is None:
            title, hours = job_title_for(world, enrolment, LIBRE_SERVICE)
            hiring, title = workplace(world, title, index)
        else:
            hiring, title, hours = story_company(world, story), title_of(world, story.title), story.hours
        for spell in access:
            hires = hiring if spell.then == Phase.IN_EMPLOYMENT else None
            if (
                story
                and story.renewal
                and hires
                and seed_renewed_immersion(world, enrolment, spell, hires, title, hours, story.renewal)
            ):
                continue
            ongoing_immersion |= seed_access_spell(
                world, enrolment, spell, title, hours, hires, ongoing_immersion
            )
        for number, spell in enumerate(employment):
            jobs += 1
            company = hiring if number == 0 else company_for(world, title, index + 3)
            if spell.then == Phase.JOB_SEARCH:
                lost |= seed_ended_spell(world, enrolment, spell, company, title, hours, jobs)
            elif story and story.before:
                seed_tenure(world, enrolment, spell, story, company, title, jobs)
            elif story and story.contract == ContractType.BUSINESS_CREATION:
                seed_own_business(world, enrolment, spell, story, company, title)
            else:
                seed_ongoing_job(world, enrolment, spell, company, title, hours, jobs, story)
        if plan and plan.leaving:
            # The job behind the exit exists now: the exit into employment can be recorded.
            leave = plan.leaving
            pathways.record_exit(
                enrolment, on=leave.on, outcome=leave.outcome, by=leave.by, comment=leave.comment
            )
    if not lost:
        seed_lost_job(world, enrolments)


def seed_ongoing_job(world, enrolment, spell, company, title, hours, number, story=None) -> None:
    """A job still held: the one of a current "in employment" phase, or of an exit into employment
    (a fixed-term one then ends at its term, after the exit). `story` fixes the contract."""
    rng, today, start = world.rng, world.today, spell.start
    stop = spell.end or today  # the exit, or today
    fixed = story.contract if story else ""
    if not fixed and spell.then == Phase.EXIT and start > add_months(today, -12) and (stop - start).days > 90:
        # An interim mission first, then the CDI that let the support end.
        interim_end = start + timedelta(days=rng.choice((56, 63, 70)))
        interim = job(
            world, enrolment, company, title, start, hours, ContractType.TEMPORARY, number, interim_end
        )
        end(
            interim, interim_end, EndReason.END_OF_TERM, "Mission d'intérim terminée : l'entreprise embauche."
        )
        seed_support(world, enrolment, interim, start, interim_end)
        start = weekday(interim_end + timedelta(days=3))
    held = (today - start).days
    if fixed:
        contract = fixed
        planned_end = span_end(start, months=story.months) if story.months else None
    else:
        contract, planned_end = drawn_contract(world, spell, start, held, number)
    opening = None
    if held < 200:  # a recent recruitment went through an opening and a proposal
        opening = hire_opening(world, company, title, contract, hours, start)
        seed_hired_proposal(world, enrolment, opening, start)
    disclosed = bool(story and story.disclosed)
    placement = job(
        world, enrolment, company, title, start, hours, contract, number, planned_end, opening, disclosed
    )
    phone_only = (
        not world.stale
        and "phone_only" not in world.stories
        and enrolment.is_current
        and spell.then is None
        and 45 <= held < 91
    )
    if phone_only:
        world.stories["phone_only"] = placement
    seed_support(world, enrolment, placement, start, stop, phone_only)
    seed_adjustments(world, placement, number)
    if spell.then == Phase.EXIT and planned_end is not None and planned_end < today:
        end(
            placement,
            planned_end,
            EndReason.END_OF_TERM,
            "Fin du contrat à son terme, après la sortie du parcours.",
        )


def drawn_contract(world: World, spell, start: date, held: int, number: int) -> tuple[str, date | None]:
    """The contract of a job no story fixes, by how long it has been held, and its planned end: a
    recent one is short (a CDD, then interim missions), one of 3 to 6 months a CDI or a long CDD,
    an older one or the job of an exit a CDI."""
    today = world.today
    contract, planned_end = ContractType.CDI, None
    if spell.then is None and held < 91:
        contract = (
            ContractType.CDD_SHORT
            if ContractType.CDD_SHORT not in world.contracts
            else ContractType.TEMPORARY
        )
    elif spell.then is None and held <= 182:
        contract = ContractType.CDI if number % 2 == 0 else ContractType.CDD_LONG
    if contract == ContractType.TEMPORARY:
        planned_end = today + timedelta(days=world.rng.choice((30, 45, 60)))
    elif contract == ContractType.CDD_LONG:
        planned_end = max(add_months(start, 9), today + timedelta(days=40))
    elif contract == ContractType.CDD_SHORT:
        planned_end = add_months(start, 5) - timedelta(days=1)
    return contract, planned_end


def story_company(world: World, story: JobStory):
    """The company a story names: one of the organisation's, or the business of one's own it
    tells of (created here: it exists from that story on)."""
    found = next((c for c in world.companies if c.name == story.company), None)
    if found is not None:
        return found
    spec = next(spec for spec in OWN_BUSINESSES[world.domain_name] if spec.name == story.company)
    index = 900 + [s.name for s in OWN_BUSINESSES[world.domain_name]].index(spec.name)
    return new_company(world, spec, index, world.coaches[0])


def title_of(world: World, code: int):
    return world.titles.get(code) or JobTitle.objects.select_related("occupation").get(pk=code)


def seed_renewed_immersion(world, enrolment, spell: Spell, company, title, hours, reason) -> bool:
    """An immersion whose objectives were not met at the end of its first period, renewed once
    (`placements.domain.renew_immersion`: from the next day, one more month at most), completed,
    then the job. False when the phase is too short for it (the immersion is drawn as usual)."""
    start = weekday(spell.start + timedelta(days=2))
    last = spell.end - timedelta(days=3)  # the renewal ends a few days before the job begins
    if (last - start).days < 14:
        return False
    days = min((span_end(start, months=IMMERSION_MAX_MONTHS) - start).days, (last - start).days // 2)
    placement = immersion(world, enrolment, company, title, start, ImmersionObjective.RECRUIT, hours, days)
    renewal_start = placement.planned_end_on + timedelta(days=1)
    renewal_end = min(span_end(renewal_start, months=IMMERSION_MAX_MONTHS), last)
    renewal = renew_immersion(placement, enrolment.primary_coach, ends_on=renewal_end, reason=reason)
    end(
        placement,
        renewal.ends_on,
        EndReason.END_OF_TERM,
        "Immersion menée à son terme après son renouvellement : l'entreprise propose un contrat.",
        assessment=ImmersionAssessment.COMPLETED,
        led_to_job=True,
    )
    attach_convention(world, placement)
    return True


def seed_tenure(world, enrolment, spell: Spell, story: JobStory, company, title, number) -> None:
    """A civil-service tenure: first the contract set aside for disabled workers (one year), then
    the tenure, from the day after, with no planned end."""
    start = spell.start
    contract, months = story.before
    first_end = span_end(start, months=months)
    first = job(
        world, enrolment, company, title, start, story.hours, contract, number, first_end, disclosed=True
    )
    end(
        first,
        first_end,
        EndReason.END_OF_TERM,
        "Fin du contrat d'un an réservé aux travailleurs handicapés : titularisation prononcée.",
    )
    seed_support(world, enrolment, first, start, first_end)
    tenured = first_end + timedelta(days=1)
    tenure = job(
        world, enrolment, company, title, tenured, story.hours, story.contract, number, disclosed=True
    )
    seed_support(world, enrolment, tenure, tenured, spell.end or world.today)
    seed_adjustments(world, tenure, number)


def seed_own_business(world, enrolment, spell: Spell, story: JobStory, company, title) -> None:
    """A business created by the person (a micro-enterprise): no tutor, no manager, nothing to
    disclose to anyone; the follow-along is with the person."""
    world.contracts.add(story.contract)
    placement = create_placement(
        world,
        enrolment,
        PlacementKind.EMPLOYMENT,
        company,
        title,
        spell.start,
        story.hours,
        contract_type=story.contract,
        disclosure=EmployerDisclosure.NOT_DISCLOSED,
    )
    seed_support(world, enrolment, placement, spell.start, spell.end or world.today, parties=(Party.PERSON,))


def seed_ended_spell(world, enrolment, spell, company, title, hours, number) -> bool:
    """Jobs of a finished "in employment" phase; returns whether the last was lost at 2 months."""
    rng, start, stop = world.rng, spell.start, spell.end
    if (stop - start).days < 200:
        contract = (
            ContractType.CDD_LONG
            if stop >= span_end(start, months=DURABLE_MONTHS)
            else ContractType.CDD_SHORT
        )
        placement = job(world, enrolment, company, title, start, hours, contract, number, stop)
        end(placement, stop, EndReason.END_OF_TERM, "Fin du CDD ; pas de renouvellement possible.")
        seed_support(world, enrolment, placement, start, stop)
        return False
    # Small successive contracts, then a CDI ended at the end of its trial period.
    first_end = start + timedelta(days=55)
    short = job(world, enrolment, company, title, start, hours, ContractType.CDD_SHORT, number, first_end)
    end(short, first_end, EndReason.END_OF_TERM, "Remplacement terminé.")
    seed_support(world, enrolment, short, start, first_end)
    lost_start = weekday(add_months(stop, -TRIAL_MONTHS))
    interim_start = weekday(first_end + timedelta(days=7))
    interim_end = lost_start - timedelta(days=rng.choice((7, 10, 14)))
    if interim_end > interim_start + timedelta(days=14):
        # An interim mission in logistics, full time, between two contracts in the person's trade.
        logistics = world.companies[0]
        picking = world.titles.get(PREPARATION, title)
        interim = job(
            world,
            enrolment,
            logistics,
            picking,
            interim_start,
            35,
            ContractType.TEMPORARY,
            number + 1,
            interim_end,
        )
        end(interim, interim_end, EndReason.END_OF_TERM, "Fin de la mission d'intérim.")
        seed_support(world, enrolment, interim, interim_start, interim_end)
    seed_lost(world, enrolment, company_for(world, title, number + 4), title, hours, lost_start, stop, number)
    return True


def seed_lost(world, enrolment, company, title, hours, start, stop, number) -> None:
    opening = hire_opening(world, company, title, ContractType.CDI, hours, start)
    seed_hired_proposal(world, enrolment, opening, start)
    lost = job(world, enrolment, company, title, start, hours, ContractType.CDI, number, opening=opening)
    end(
        lost,
        stop,
        EndReason.END_OF_TRIAL,
        "L'employeur a mis fin à la période d'essai : cadence jugée trop lente. La personne veut "
        "repartir vite sur une autre piste.",
    )
    seed_support(world, enrolment, lost, start, stop)


def seed_lost_job(world: World, enrolments) -> None:
    """A CDI lost at the end of its two-month trial, on a pathway in job search long enough (the
    pathway moves to "in employment", then back)."""
    today = world.today
    for enrolment in enrolments:
        if not enrolment.is_current or enrolment.phase != Phase.JOB_SEARCH:
            continue
        if enrolment.service.programme_type not in PROFILE_OF or PROFILE_OF[
            enrolment.service.programme_type
        ] in (
            "rsa",
            "activ",
        ):
            continue
        latest = pathways.latest_change(enrolment)
        start = weekday(latest.changed_on + timedelta(days=2))
        stop = add_months(start, TRIAL_MONTHS) - timedelta(days=1)
        if stop >= today - timedelta(days=2) or enrolment.placements.exists():
            continue
        title, hours = job_title_for(world, enrolment, MAGASINIER)
        company = company_for(world, title, 2)
        pathways.change_phase(
            enrolment,
            Phase.IN_EMPLOYMENT,
            start,
            enrolment.primary_coach,
            "Embauche en CDI ; période d'essai de deux mois.",
        )
        seed_lost(world, enrolment, company, title, hours, start, stop, 1)
        pathways.change_phase(
            enrolment,
            Phase.JOB_SEARCH,
            stop,
            enrolment.primary_coach,
            "Fin de la période d'essai : reprise de la recherche d'emploi.",
        )
        return


def seed_support(
    world: World, enrolment, placement, start: date, stop: date, phone_only=False, parties=None
) -> None:
    """About monthly face-to-face contacts at the workplace, calls between them, up to `stop`. On
    a current pathway the last one is its last contact (a pathway not seen for over a month has
    no recent visit); with `phone_only`, the last month holds calls only. `parties`: who is met,
    in turn (the person, the tutor, both, the manager by default)."""
    rng, today, coach = world.rng, world.today, enrolment.primary_coach
    last = stop
    if enrolment.is_current and placement.ended_on is None and enrolment.last_contact_on:
        last = min(stop, enrolment.last_contact_on)
    days, day = [], weekday(start + timedelta(days=rng.choice((5, 7, 9))))
    while day < last:
        days.append(day)
        day = weekday(day + timedelta(days=rng.choice((24, 27, 29))))
    if last >= start and (not days or days[-1] != last):
        days.append(last)
    parties = parties or (Party.PERSON, Party.TUTOR, Party.TOGETHER, Party.PERSON, Party.MANAGER)
    for number, on in enumerate(days):
        party = parties[number % len(parties)]
        if phone_only and on > today - timedelta(days=35):
            support_contact(world, placement, Party.PERSON, SupportKind.PHONE, SupportPlace.REMOTE, on, coach)
            continue
        place = SupportPlace.OFFICE if number % 6 == 5 else SupportPlace.WORKPLACE
        support_contact(world, placement, party, SupportKind.FACE_TO_FACE, place, on, coach)
        between = weekday(on + timedelta(days=12))
        if number % 3 == 1 and between < last:
            kind = rng.choice((SupportKind.PHONE, SupportKind.MESSAGE))
            support_contact(world, placement, Party.PERSON, kind, SupportPlace.REMOTE, between, coach)


def support_contact(world, placement, party, kind, place, on, by) -> None:
    saved(
        SupportContact(
            organisation=world.organisation,
            placement=placement,
            party=party,
            kind=kind,
            place=place,
            contacted_on=on,
            notes=world.rng.choice(SUPPORT_NOTES[party]),
            by=by,
        )
    )


ADJUSTMENTS = (
    (AdjustmentKind.HOURS, "Début à 10 h plutôt qu'à 8 h, pour tenir compte du traitement du matin.", False),
    (AdjustmentKind.PACE, "Montée en charge progressive : 4 heures par jour le premier mois.", False),
    (
        AdjustmentKind.EQUIPMENT,
        "Siège assis-debout et casque anti-bruit, sur avis de la médecine du travail.",
        True,
    ),
    (AdjustmentKind.TASKS, "Consignes écrites pour chaque tâche, affichées au poste.", False),
)
REVIEWS = (
    (ReviewOutcome.WORKS, "Aménagement adapté, à poursuivre."),
    (ReviewOutcome.TO_ADAPT, "À ajuster : la personne souhaite revenir progressivement à 9 h."),
    (ReviewOutcome.NO_LONGER_NEEDED, "N'est plus nécessaire : rythme normal atteint."),
)


def seed_adjustments(world: World, placement, number: int) -> None:
    if number % 2:
        return
    for offset, (kind, description, physician) in enumerate(ADJUSTMENTS[number % 3 : number % 3 + 2]):
        agreed = placement.started_on + timedelta(days=7 + 14 * offset)
        if agreed >= world.today:
            continue
        reviewed = agreed + timedelta(days=35)
        outcome, comment = REVIEWS[(number + offset) % 3]
        status = (
            AdjustmentStatus.STOPPED
            if outcome == ReviewOutcome.NO_LONGER_NEEDED
            else AdjustmentStatus.IN_PLACE
        )
        adjustment = saved(
            Adjustment(
                organisation=world.organisation,
                placement=placement,
                kind=kind,
                description=description,
                with_occupational_physician=physician,
                agreed_on=agreed,
                status=status if reviewed < world.today else AdjustmentStatus.IN_PLACE,
                created_by=placement.enrolment.primary_coach,
            )
        )
        if reviewed < world.today:
            saved(
                AdjustmentReview(
                    organisation=world.organisation,
                    adjustment=adjustment,
                    reviewed_on=reviewed,
                    outcome=outcome,
                    comment=comment,
                    by=placement.enrolment.primary_coach,
                )
            )


# ---------------------------------------------------------------------------------------------
# Proposals: people proposed to openings, and the answers.
# ---------------------------------------------------------------------------------------------


def seed_hired_proposal(world: World, enrolment, opening, start: date) -> None:
    proposed = max(enrolment.referral_date, start - timedelta(days=world.rng.choice((18, 25, 30))))
    answered = max(proposed, start - timedelta(days=7))
    saved(
        Proposal(
            organisation=world.organisation,
            enrolment=enrolment,
            opening=opening,
            proposed_on=proposed,
            proposed_by=enrolment.primary_coach,
            answer=Answer.HIRED,
            answered_on=answered,
            comment="Entretien concluant ; démarrage fixé avec le tuteur.",
        )
    )


ANSWERS = (
    (Answer.PENDING, ""),
    (Answer.INTERVIEW, "Entretien d'embauche fixé ; préparation prévue la veille."),
    (
        Answer.PERSON_DECLINED,
        "Trajet trop long finalement, la personne préfère attendre une offre plus proche.",
    ),
    (
        Answer.EMPLOYER_DECLINED,
        "Candidature non retenue : l'employeur cherchait une personne disponible le samedi.",
    ),
    (Answer.PENDING, ""),
    (Answer.INTERVIEW, "Entretien passé ; réponse attendue sous quinze jours."),
)


def seed_proposals(world: World, services, openings) -> None:
    rng, today = world.rng, world.today
    searching = (
        Enrolment.objects.current()
        .filter(service__in=services, phase__in=[Phase.PLAN, Phase.JOB_SEARCH, Phase.ACCESS])
        .exclude(primary_coach=None)
        .select_related("person", "primary_coach")
        .order_by("pk")
    )
    open_openings = [o for o in openings if o.status == OpeningStatus.OPEN]
    number = 0
    for enrolment in searching:
        families = set(
            TargetJob.objects.filter(profile__person=enrolment.person).values_list(
                "job_title__occupation_id", flat=True
            )
        )
        fitting = [o for o in open_openings if o.rome_code in families] or [
            o for o in open_openings if o.rome_family in {code[:3] for code in families}
        ]
        for opening in fitting[:2]:
            answer, comment = ANSWERS[number % len(ANSWERS)]
            number += 1
            earliest = max(enrolment.referral_date, today - timedelta(days=40))
            proposed = min(today, earliest + timedelta(days=rng.randint(0, 30)))
            answered = (
                None
                if answer == Answer.PENDING
                else min(today, proposed + timedelta(days=rng.randint(3, 10)))
            )
            saved(
                Proposal(
                    organisation=world.organisation,
                    enrolment=enrolment,
                    opening=opening,
                    proposed_on=proposed,
                    proposed_by=enrolment.primary_coach,
                    answer=answer,
                    answered_on=answered,
                    comment=comment,
                )
            )


# ---------------------------------------------------------------------------------------------
# The employer contacts log.
# ---------------------------------------------------------------------------------------------


def contact_kind(rng, company) -> str:
    if company.relationship_status == D:
        return rng.choice([EmployerContactKind.PROSPECTING_VISIT, EmployerContactKind.PHONE_CALL])
    return rng.choices(
        list(EmployerContactKind),
        weights=[2, 5, 3, 1, 1, 3],
    )[0]


def log_contact(world: World, company, coach, kind, on: date, person=None) -> None:
    rng = world.rng
    if kind in ALWAYS_FACE_TO_FACE:
        face_to_face = True
    elif kind in NEVER_FACE_TO_FACE:
        face_to_face = False
    else:
        face_to_face = rng.random() < 0.7
    people = world.contacts[company.pk]
    saved(
        EmployerContact(
            organisation=world.organisation,
            company=company,
            coach=coach,
            kind=kind,
            face_to_face=face_to_face,
            contacted_on=on,
            person=person,
            company_contact=rng.choice(people) if people and rng.random() < 0.85 else None,
            notes=rng.choice(CONTACT_NOTES[kind]),
        )
    )


def seed_employer_contacts(world: World, services) -> None:
    rng, today = world.rng, world.today
    current = list(
        Enrolment.objects.current()
        .filter(service__in=services)
        .exclude(primary_coach=None)
        .select_related("person", "primary_coach")
        .order_by("pk")
    )
    # One person in the pathway for more than a month, before employment, with no employer
    # contacted about them: the caseload's alert. Everyone else in that case has one.
    before_work = [
        e
        for e in current
        if e.intake_date
        and e.intake_date < today - timedelta(days=30)
        and e.phase in (Phase.INTAKE, Phase.PROFILE, Phase.PLAN, Phase.JOB_SEARCH, Phase.ACCESS)
        and not e.suspensions.filter(Q(end_date=None) | Q(end_date__gte=today)).exists()
    ]
    alone = next((e for e in before_work if e.phase == Phase.PLAN), None)
    alone_person = alone.person_id if alone else None
    active = [c for c in world.companies if c.relationship_status != X]
    dormant = [c for c in world.companies if c.relationship_status == X]
    for coach in world.coaches:
        rate = CONTACTS_PER_WEEK.get(coach.email.split("@")[0], 1.0)
        caseload = [e for e in current if e.primary_coach_id == coach.pk and e.person_id != alone_person]
        for week in range(LOG_WEEKS):
            monday = today - timedelta(days=today.weekday() + 7 * week)
            count = int(rate) + (rng.random() < rate - int(rate))
            for _ in range(count):
                on = monday + timedelta(days=rng.randint(0, 4))
                if on >= today:
                    on = today - timedelta(days=1)
                company = rng.choice(dormant if week > 12 and dormant and rng.random() < 0.3 else active)
                kind = contact_kind(rng, company)
                person = None
                if kind in (EmployerContactKind.CANDIDATE_PRESENTATION, EmployerContactKind.PHONE_CALL):
                    candidates = [e for e in caseload if e.intake_date and e.intake_date <= on]
                    if candidates and (
                        kind == EmployerContactKind.CANDIDATE_PRESENTATION or rng.random() < 0.4
                    ):
                        person = rng.choice(candidates).person
                log_contact(world, company, coach, kind, on, person)
    # Every kind of contact appears at least once.
    logged = set(
        EmployerContact.objects.filter(organisation=world.organisation).values_list("kind", flat=True)
    )
    partners = [c for c in world.companies if c.relationship_status == P]
    for number, kind in enumerate(k for k in EmployerContactKind if k not in logged):
        on = weekday(today - timedelta(days=10 + 9 * number))
        log_contact(world, partners[number % len(partners)], world.coaches[0], kind, on)
    for enrolment in before_work:
        if enrolment.person_id == alone_person:
            continue
        if EmployerContact.objects.filter(
            person=enrolment.person, contacted_on__gte=enrolment.intake_date
        ).exists():
            continue
        on = weekday(
            min(today - timedelta(days=1), enrolment.intake_date + timedelta(days=rng.randint(8, 25)))
        )
        on = max(on, enrolment.intake_date)
        company = rng.choice([c for c in active if c.relationship_status != D])
        log_contact(
            world,
            company,
            enrolment.primary_coach,
            EmployerContactKind.CANDIDATE_PRESENTATION,
            on,
            enrolment.person,
        )


# ---------------------------------------------------------------------------------------------
# People: where they live, and the person of the job kept a year.
# ---------------------------------------------------------------------------------------------


def seed_kept_a_year_person(world: World, services) -> None:
    """A person whose job began about 14 months ago and goes on (ESAT support has no end date):
    referral, intake, profile, plan, job search, access to employment (an immersion), then the
    job, which `seed_placements` writes over these phases like the others."""
    if world.domain_name not in KEPT_A_YEAR:
        return
    service_name, identity = KEPT_A_YEAR[world.domain_name]
    service = next((s for s in services if s.name == service_name), None)
    membership = Membership.objects.filter(service=service, role=Role.COACH).select_related("user").first()
    if service is None or membership is None:
        return
    coach, today = membership.user, world.today
    rng = random.Random(KEPT_A_YEAR_DAYS)
    person = find_or_create_person(world.organisation, identity, today, coach)
    if person.enrolments.exists():
        return
    referral = weekday(today - timedelta(days=KEPT_A_YEAR_DAYS))
    enrolment = pathways.enrol(
        person,
        service,
        by=coach,
        referral_date=referral,
        entry=entry_situation(rng, PROFILE_OF[service.programme_type], identity, referral, "31"),
        referral_reason="Projet de sortie d'ESAT vers un emploi en milieu ordinaire, avec un tuteur.",
        primary_coach=coach,
    )
    for phase, days, comment in KEPT_A_YEAR_STEPS:
        pathways.change_phase(enrolment, phase, weekday(referral + timedelta(days=days)), coach, comment)
    enrolment.last_contact_on = weekday(today - timedelta(days=6))
    enrolment.next_appointment_at = appointment(rng, today)
    enrolment.save(update_fields=["last_contact_on", "next_appointment_at"])


KEPT_A_YEAR_STEPS = (
    (Phase.INTAKE, 12, "Entretien d'accueil : situation, santé, mobilité, logement."),
    (Phase.PROFILE, 19, "Début des rencontres hebdomadaires du profil professionnel."),
    (Phase.PLAN, 70, "Plan d'action validé avec la personne et transmis au référent."),
    (Phase.JOB_SEARCH, 95, "Recherche rapide, selon l'IPS."),
    (Phase.ACCESS, 115, "Immersion (PMSMP) de deux semaines en logistique."),
    (Phase.IN_EMPLOYMENT, 135, "Embauche en CDI à 24 heures ; un tuteur est désigné."),
)


# ---------------------------------------------------------------------------------------------
# The summary printed after the demo accounts.
# ---------------------------------------------------------------------------------------------


def employment_summary(organisations) -> str:
    within = Q(organisation__in=organisations)
    counts = {
        "entreprises": Company.objects.filter(within).count(),
        "interlocuteurs en entreprise": Contact.objects.filter(within, kind=ContactKind.EMPLOYER).count(),
        "contacts employeurs": EmployerContact.objects.filter(within).count(),
        "offres": Opening.objects.filter(within).count(),
        "candidatures proposées": Proposal.objects.filter(within).count(),
        "immersions": Placement.objects.filter(within, kind=PlacementKind.IMMERSION).count(),
        "emplois": Placement.objects.filter(within, kind=PlacementKind.EMPLOYMENT).count(),
        "contacts de suivi dans l'emploi": SupportContact.objects.filter(within).count(),
    }
    return "Emploi : " + ", ".join(f"{count} {name}" for name, count in counts.items()) + "."
