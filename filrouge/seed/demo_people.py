"""The people of the demo: persons supported, their partners and their pathways.

Everyone here is made up. Pathways are written through the domain functions (enrol,
change_phase, suspend, end_suspension, renew, record_exit), so the demo obeys every rule a
user meets. A seeded random generator draws names and details, and dates count back from
today: every run tells the same stories about the same people, always recent.

An exit into employment needs the job behind it (`pathways.exits`): those exits are not recorded
here but handed back (`Leaving`), and `demo_employment` records each one once the pathway's job
exists. A story may name its job (`Pathway.job`, a key of `demo_employment.JOB_STORIES`).

Phone numbers come from the blocks ARCEP sets aside for works of fiction (06 39 98 …,
04 65 71 …, 05 36 49 …): they ring nobody.

A service that already has pathways is left alone, so loading the demo twice adds nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from filrouge.core.dates import add_months
from filrouge.core.text import fold
from filrouge.documents.models import Attachment
from filrouge.journal.models import Meeting, Note
from filrouge.organisations.models import Membership, ProgrammeType, Role
from filrouge.pathways import domain
from filrouge.pathways.models import (
    EmploymentStatus,
    Enrolment,
    ExitOutcome,
    Housing,
    Phase,
    PhaseChange,
    Renewal,
    RqthStatus,
    Suspension,
    SuspensionReason,
)
from filrouge.people.models import Contact, ContactChannel, ContactKind, Person, PersonContact, Sex
from filrouge.plans.models import ActionPlan
from filrouge.profiles.models import Profile
from filrouge.workshops.models import WorkshopSession

PARIS = ZoneInfo("Europe/Paris")
LIMITED_PROGRAMMES = {ProgrammeType.MINIMUM_INCOME, ProgrammeType.ACTIV_PROJET}

# ---------------------------------------------------------------------------------------------
# Scenarios: what happens to whom. Days count back from today.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pathway:
    """One pathway in the story's service: the phases after the referral, in order.

    `referred` and `last` are days ago: the referral, and the last step (the exit, for a
    finished pathway). The steps between are spread as real pathways go. `intake` fixes the
    intake meeting (it sets the planned end of limited programmes). `contact` is days since the
    last contact (a few by default); `suspensions` hold (reason, start, end or None) in days ago;
    `renewal` is (days ago, renewed). `job` names the job of the "in employment" phase in
    `demo_employment.JOB_STORIES` (otherwise it is drawn).
    """

    path: str
    referred: int
    last: int
    intake: int | None = None
    outcome: ExitOutcome | None = None
    reoriented_to: str = ""
    exit_comment: str = ""
    referrer: str = ""
    links: tuple[tuple[ContactKind, str], ...] = ()
    suspensions: tuple[tuple[SuspensionReason, int, int | None], ...] = ()
    renewal: tuple[int, bool] | None = None
    contact: int | None = None
    appointment: bool = True
    job: str = ""

    @property
    def phases(self) -> list[Phase]:
        return [Phase(code) for code in self.path.split()]


@dataclass(frozen=True)
class Story:
    pathways: tuple[Pathway, ...]
    ages: tuple[int, int] | None = None
    who: str = ""  # the same label in two services: one person followed in both


def story(*pathways, ages=None, who=""):
    return Story(tuple(pathways), ages, who)


P = Pathway
E = ExitOutcome
K = ContactKind
H = SuspensionReason.HOSPITALISATION

# fmt: off
STORIES = {
    # Supported employment (IPS): not limited in time, rapid job search, moves back and forth.
    "Job coaching Drôme": [
        story(P("", 28, 28, referrer="cmp_valence", links=((K.MEDICAL, "cmp_valence"),))),
        story(P("intake", 45, 33, referrer="ft_valence")),
        # Profile meetings are weekly: ten days without contact raise an alert.
        story(P("intake profile", 75, 24, contact=10, appointment=False, referrer="cap_emploi",
                links=((K.MEDICAL, "gp"),))),
        story(P("intake profile", 60, 30, referrer="cmp_romans", links=((K.MEDICAL, "cmp_romans"),))),
        # In hospital now: no contact for three weeks, but a suspended pathway raises no alert.
        story(P("intake profile", 95, 40, suspensions=((H, 18, None),), contact=20, appointment=False,
                referrer="cmp_valence", links=((K.MEDICAL, "cmp_valence"), (K.SOCIAL, "ccas_valence")))),
        story(P("intake profile plan", 140, 40, referrer="ide_cmp", links=((K.MEDICAL, "cmp_valence"),))),
        story(P("intake profile job_search", 120, 50, referrer="ft_valence", links=((K.MEDICAL, "gp"),))),
        story(P("intake profile plan job_search access", 260, 20, referrer="mission_locale"), ages=(19, 25)),
        # In a job, and not seen for forty days: an alert.
        story(P("intake profile job_search access in_employment", 420, 95, contact=40, appointment=False,
                referrer="cap_emploi", links=((K.MEDICAL, "cmp_romans"),))),
        story(P("intake profile plan job_search in_employment", 520, 120, suspensions=((H, 300, 262),),
                referrer="cmp_romans", links=((K.MEDICAL, "cmp_romans"), (K.SOCIAL, "cms_romans")))),
        # A job ends: back to job search.
        story(P("intake profile job_search access in_employment job_search", 600, 35, referrer="ft_valence",
                links=((K.MEDICAL, "cmp_valence"),))),
        story(P("intake profile plan job_search in_employment job_search in_employment", 610, 60,
                referrer="ide_cmp", links=((K.MEDICAL, "cmp_valence"),))),
        story(P("intake profile job_search in_employment exit", 590, 90, outcome=E.DURABLE_EMPLOYMENT,
                exit_comment="CDI signé après 8 mois de suivi dans l'emploi ; le tuteur prend le relais.",
                referrer="cap_emploi")),
        story(P("intake profile plan exit", 330, 150, outcome=E.REORIENTATION_ESAT,
                reoriented_to="ESAT du Val de Drôme (Crest)",
                exit_comment="Orientation ESAT notifiée par la CDAPH, à la demande de la personne.",
                referrer="cmp_romans", links=((K.MEDICAL, "cmp_romans"),))),
        # Hospitalised, then an exit for health reasons: the exit closes the suspension.
        story(P("intake profile plan job_search exit", 420, 110, outcome=E.HEALTH, suspensions=((H, 170, None),),
                exit_comment="Soins à poursuivre ; une nouvelle orientation sera possible ensuite.",
                referrer="cmp_valence", links=((K.MEDICAL, "cmp_valence"),))),
        story(P("intake profile exit", 250, 160, outcome=E.NO_CONTACT, contact=70, referrer="ft_valence",
                exit_comment="Trois courriers et plusieurs appels sans réponse.")),
        # Left, then came back: an old finished pathway and a current one.
        story(
            P("intake profile exit", 540, 430, outcome=E.WITHDREW, referrer="ft_valence",
              exit_comment="Préfère se consacrer à sa formation de conduite pour l'instant."),
            P("intake profile plan", 110, 30, referrer="ft_valence", links=((K.MEDICAL, "gp"),)),
        ),
        # Came from the minimum-income service of the same association.
        story(P("intake profile plan", 190, 45, referrer="cms_romans", links=((K.MEDICAL, "cmp_romans"),)),
              who="rsa-vers-ips"),
    ],
    # Minimum income (RSA): 12 months from the intake, renewable.
    "Accompagnement RSA Romans": [
        story(P("", 35, 35, referrer="cms_romans")),
        story(P("intake", 50, 40, intake=40, referrer="cms_romans")),
        story(P("intake profile", 80, 30, intake=72, referrer="ft_romans")),
        story(P("intake profile", 70, 14, intake=60, referrer="cms_romans", links=((K.SOCIAL, "cms_romans"),))),
        story(P("intake profile plan", 150, 35, intake=140, referrer="ft_romans")),
        # The twelve months end in about three weeks: an alert.
        story(P("intake profile plan", 352, 60, intake=345, referrer="cms_romans", links=((K.SOCIAL, "cms_romans"),))),
        story(P("intake profile plan job_search", 220, 45, intake=212, referrer="ft_romans",
                suspensions=((SuspensionReason.PERSONAL, 150, 120),))),
        story(P("intake profile plan job_search", 440, 70, intake=430, renewal=(75, True), referrer="cms_romans",
                links=((K.SOCIAL, "cms_romans"),))),
        story(P("intake profile plan job_search access", 300, 25, intake=290, referrer="ft_romans")),
        # A CDDI in an insertion workshop (ACI): a job, but no exit into employment.
        story(P("intake profile job_search in_employment", 320, 80, intake=310, referrer="ft_romans",
                job="insertion")),
        # Not renewed at the end of the twelve months, then the exit.
        story(P("intake profile plan job_search exit", 400, 25, intake=390, renewal=(50, False), outcome=E.OTHER,
                exit_comment="Non renouvelé : un accompagnement social par le Département prend le relais.",
                referrer="cms_romans", links=((K.SOCIAL, "cms_romans"),))),
        story(P("intake profile plan exit", 300, 120, intake=292, outcome=E.TRAINING, referrer="ft_romans",
                exit_comment="Entrée en formation qualifiante d'agent·e de propreté et d'hygiène.")),
        story(P("intake profile exit", 200, 130, intake=190, outcome=E.MOVED, referrer="cms_romans",
                exit_comment="Installation près de sa famille en Isère.")),
        # A CDD under 6 months: transition employment.
        story(P("intake profile job_search in_employment exit", 270, 100, intake=262,
                outcome=E.TRANSITION_EMPLOYMENT, job="cuisine",
                exit_comment="CDD de 4 mois à temps partiel en cuisine centrale.", referrer="ft_romans")),
        story(P("intake profile plan exit", 560, 200, intake=550, outcome=E.REORIENTATION_OTHER,
                reoriented_to="Job coaching Drôme (emploi accompagné, Trait d'Union)",
                exit_comment="Suivi au CMP ; l'emploi accompagné répond mieux à son projet.",
                referrer="cms_romans", links=((K.SOCIAL, "cms_romans"), (K.MEDICAL, "cmp_romans"))),
              who="rsa-vers-ips"),
        # Created a micro-enterprise: a business creation is durable employment.
        story(P("intake profile plan job_search in_employment exit", 420, 60, intake=405,
                outcome=E.DURABLE_EMPLOYMENT, job="micro_entreprise", referrer="cms_romans",
                exit_comment="Micro-entreprise de retouches immatriculée ; son activité permet de sortir du RSA.",
                links=((K.SOCIAL, "cms_romans"),))),
    ],
    # ESAT workers who want to try the ordinary labour market.
    "ESAT Les Ateliers — accompagnement": [
        story(P("", 30, 30, referrer="esat")),
        story(P("intake", 55, 48, referrer="esat")),
        story(P("intake profile", 90, 40, referrer="esat", links=((K.MEDICAL, "cmp_toulouse"),))),
        story(P("intake profile plan", 160, 50, referrer="esat")),
        story(P("intake profile plan", 200, 90, suspensions=((SuspensionReason.HEALTH, 150, 128),), referrer="esat",
                links=((K.MEDICAL, "gp"),))),
        story(P("intake profile plan job_search", 280, 70, referrer="esat", links=((K.SOCIAL, "mds"),))),
        # An immersion that did not lead to a contract: back to job search.
        story(P("intake profile plan job_search access job_search", 400, 40, referrer="esat",
                links=((K.MEDICAL, "cmp_toulouse"),))),
        story(P("intake profile plan job_search access", 330, 18, referrer="esat")),
        # An immersion in an adapted company, renewed once, then a CDI there.
        story(P("intake profile plan job_search access in_employment", 560, 150, referrer="esat",
                links=((K.SOCIAL, "mds"),), job="entreprise_adaptee")),
        story(P("intake profile plan access in_employment", 450, 60, referrer="esat")),
        story(P("intake profile plan job_search exit", 480, 140, outcome=E.REORIENTATION_EA,
                reoriented_to="Entreprise adaptée Garonne Services (Colomiers)",
                exit_comment="Embauche en entreprise adaptée, en accord avec la personne.", referrer="esat")),
        story(P("intake profile plan job_search access in_employment exit", 600, 60, outcome=E.DURABLE_EMPLOYMENT,
                exit_comment="CDI à 28 h en blanchisserie ; sortie de l'ESAT validée.", referrer="esat",
                links=((K.MEDICAL, "cmp_toulouse"),), job="blanchisserie")),
        story(P("intake profile plan exit", 260, 180, outcome=E.WITHDREW, referrer="esat",
                exit_comment="Souhaite rester en atelier pour le moment.")),
        story(
            P("intake profile exit", 500, 380, outcome=E.OTHER, referrer="esat",
              exit_comment="Projet mis en pause : reprise de l'atelier à temps plein."),
            P("intake profile", 100, 45, referrer="esat", links=((K.SOCIAL, "mds"),)),
        ),
        # Hired by a hospital on the one-year contract set aside for disabled workers, then tenured.
        story(P("intake profile plan job_search in_employment", 760, 470, referrer="esat",
                links=((K.MEDICAL, "cmp_toulouse"),), job="titularisation")),
    ],
    # Activ'Projet-style programme: 8 weeks from the intake.
    "Activ'Projet Toulouse": [
        # Eight weeks from the intake, so a referral waits only a few days.
        story(P("", 12, 12, referrer="ft_toulouse", links=((K.FUNDER, "ft_activ"),))),
        story(P("intake", 20, 12, intake=12, referrer="ft_mirail", links=((K.FUNDER, "ft_activ"),))),
        story(P("intake profile", 35, 20, intake=28, referrer="ft_toulouse")),
        story(P("intake profile", 45, 15, intake=38, referrer="ft_mirail", links=((K.FUNDER, "ft_activ"),))),
        story(P("intake profile plan", 60, 10, intake=50, referrer="ft_toulouse", links=((K.FUNDER, "ft_activ"),))),
        story(P("intake profile plan", 50, 8, intake=42, referrer="mission_locale"), ages=(20, 25)),
        story(P("intake profile plan job_search", 62, 5, intake=53, referrer="ft_toulouse")),
        story(P("intake profile plan exit", 140, 75, intake=130, outcome=E.TRAINING, referrer="ft_mirail",
                exit_comment="Titre professionnel de secrétaire assistant·e, entrée en formation validée.")),
        story(P("intake profile plan job_search in_employment exit", 220, 160, intake=215,
                outcome=E.TRANSITION_EMPLOYMENT, job="interim_logistique",
                exit_comment="Mission d'intérim de 3 mois en logistique.", referrer="ft_toulouse")),
        story(P("intake profile exit", 300, 262, intake=295, outcome=E.REORIENTATION_OTHER,
                reoriented_to="Cap emploi Haute-Garonne", referrer="ft_toulouse",
                exit_comment="RQTH obtenue pendant le programme : suivi par Cap emploi.")),
        story(P("intake exit", 180, 150, intake=172, outcome=E.NO_CONTACT, contact=25, referrer="ft_mirail")),
        story(P("intake profile plan exit", 400, 350, intake=395, outcome=E.MOVED, referrer="ft_toulouse",
                exit_comment="Départ pour Bordeaux.")),
        story(P("intake profile plan job_search in_employment exit", 480, 425, intake=478,
                outcome=E.DURABLE_EMPLOYMENT, job="accueil_clinique",
                exit_comment="CDI d'agent·e d'accueil en clinique.", referrer="ft_mirail")),
        story(P("intake profile exit", 560, 530, intake=555, outcome=E.HEALTH,
                suspensions=((SuspensionReason.HEALTH, 540, None),), referrer="ft_toulouse")),
    ],
}
# fmt: on

# ---------------------------------------------------------------------------------------------
# Places and partners of each organisation.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    department: str
    landline: str  # a block set aside for fiction, in the right region
    communes: tuple[tuple[str, str, int], ...]  # postal code, commune, weight
    contacts: dict[str, tuple[str, str, str, ContactKind]] = field(default_factory=dict)
    employers: tuple[str, ...] = ()


# fmt: off
TERRITORIES = {
    "trait-union.example": Territory(
        department="26",
        landline="04 65 71",
        communes=(
            ("26000", "Valence", 8), ("26100", "Romans-sur-Isère", 7), ("26300", "Bourg-de-Péage", 3),
            ("26500", "Bourg-lès-Valence", 3), ("26800", "Portes-lès-Valence", 2), ("26120", "Chabeuil", 1),
            ("26400", "Crest", 1), ("26600", "Tain-l'Hermitage", 1), ("26750", "Saint-Paul-lès-Romans", 1),
            ("26540", "Mours-Saint-Eusèbe", 1),
        ),
        contacts={
            "ft_valence": ("Aurélie Chabert", "France Travail Valence", "Conseillère à l'emploi",
                           K.REFERRING_PARTNER),
            "ft_romans": ("Stéphane Brémond", "France Travail Romans-sur-Isère", "Conseiller à l'emploi",
                          K.REFERRING_PARTNER),
            "cap_emploi": ("Hervé Chalamet", "Cap emploi Drôme", "Chargé de maintien et d'insertion",
                           K.REFERRING_PARTNER),
            "mission_locale": ("Yasmine Ouali", "Mission locale de Valence", "Conseillère en insertion",
                               K.REFERRING_PARTNER),
            "cmp_romans": ("Dr Françoise Aubert", "CMP de Romans", "Psychiatre", K.MEDICAL),
            "cmp_valence": ("Dr Rémi Lacoste", "CMP de Valence", "Psychiatre", K.MEDICAL),
            "ide_cmp": ("Laëtitia Bonnard", "CMP de Valence", "Infirmière en psychiatrie", K.MEDICAL),
            "gp": ("Dr Éric Vasseur", "Cabinet médical des Baumes, Bourg-de-Péage", "Médecin généraliste",
                   K.MEDICAL),
            "cms_romans": ("Justine Morel", "Centre médico-social de Romans", "Assistante sociale", K.SOCIAL),
            "ccas_valence": ("Grégoire Vial", "CCAS de Valence", "Travailleur social", K.SOCIAL),
            "departement": ("Cécile Arnaud", "Département de la Drôme — direction de l'insertion",
                            "Chargée de mission RSA", K.FUNDER),
        },
        employers=(
            "une plateforme logistique de Portes-lès-Valence", "la cuisine centrale d'un lycée de Romans",
            "une jardinerie de Bourg-de-Péage", "un atelier de réparation de vélos à Valence",
            "une boulangerie de Chabeuil", "une médiathèque de quartier à Valence",
        ),
    ),
    "passerelles.example": Territory(
        department="31",
        landline="05 36 49",
        communes=(
            ("31000", "Toulouse", 4), ("31200", "Toulouse", 5), ("31300", "Toulouse", 3), ("31400", "Toulouse", 3),
            ("31500", "Toulouse", 2), ("31700", "Blagnac", 2), ("31770", "Colomiers", 2),
            ("31170", "Tournefeuille", 1), ("31130", "Balma", 1), ("31240", "L'Union", 1), ("31600", "Muret", 1),
            ("31520", "Ramonville-Saint-Agne", 1),
        ),
        contacts={
            "ft_toulouse": ("Nicolas Fabre", "France Travail Toulouse Minimes", "Conseiller à l'emploi",
                            K.REFERRING_PARTNER),
            "ft_mirail": ("Samia Rahmani", "France Travail Toulouse Mirail", "Conseillère à l'emploi",
                          K.REFERRING_PARTNER),
            "ft_activ": ("Maëlle Sarrazin", "France Travail Haute-Garonne", "Chargée de prestations", K.FUNDER),
            "mission_locale": ("Jordan Pujol", "Mission locale de Toulouse", "Conseiller en insertion",
                               K.REFERRING_PARTNER),
            "esat": ("Christophe Lasserre", "ESAT Les Ateliers", "Moniteur d'atelier", K.REFERRING_PARTNER),
            "cmp_toulouse": ("Dr Hélène Castéran", "CMP de Toulouse Nord", "Psychiatre", K.MEDICAL),
            "gp": ("Dr Pierre Soulé", "Maison de santé de Colomiers", "Médecin généraliste", K.MEDICAL),
            "mds": ("Virginie Cazals", "Maison des solidarités de Toulouse Bagatelle", "Assistante sociale",
                    K.SOCIAL),
        },
        employers=(
            "une plateforme logistique de Colomiers", "le restaurant d'entreprise d'un site de Blagnac",
            "une blanchisserie industrielle de Muret", "une supérette coopérative de Toulouse",
            "les espaces verts d'une commune de l'agglomération", "l'accueil d'une clinique de Balma",
        ),
    ),
}
# fmt: on

# Who funds, and so follows, each limited programme's people.
FUNDER_OF = {"Accompagnement RSA Romans": "departement"}

# fmt: off
FIRST_NAMES = {
    Sex.FEMALE: (
        "Hélène", "Anaïs", "Maëlle", "Chloé", "Inès", "Noémie", "Clémence", "Océane", "Gaëlle", "Mélanie",
        "Amélie", "Salomé", "Élise", "Agnès", "Françoise", "Valérie", "Stéphanie", "Ophélie", "Thérèse",
        "Aïcha", "Fatoumata", "Nour", "Zoé", "Léonie", "Josiane", "Sévérine", "Perrine", "Manon", "Laurène",
    ),
    Sex.MALE: (
        "Jérôme", "Noé", "Loïc", "Benoît", "Frédéric", "Raphaël", "Cédric", "Éric", "Sébastien", "Aurélien",
        "Yanis", "Jérémy", "Mathéo", "Gérald", "Rémi", "Mehdi", "Sofiane", "Kévin", "Grégory", "Hervé",
        "Régis", "Joël", "Théo", "Anthony", "Bastien", "Dylan", "Mamadou", "Ludovic", "Gaëtan",
    ),
}
FAMILY_NAMES = (
    "Lefèvre", "Bérard", "Gauthier", "Mathé", "Chevalier", "Giraud", "Bonnet", "Fournier", "Lambert",
    "Rousseau", "Muller", "Lacroix", "Guérin", "Boyer", "Chauvin", "Barbier", "Brunet", "Dumont", "Meunier",
    "Jacquet", "Ménard", "Rivière", "Laurent", "Carré", "Lebrun", "Noël", "Prévost", "Allègre", "Bénard",
    "Delaunay", "Thévenet", "Frémont", "Géraud", "Bénézet", "Pagès", "Estèbe", "Chénier", "Béranger",
    "Reynaud", "Arnoux", "Moulin", "Sabatier", "Cros", "Teyssier", "Bouvier", "Colin", "Diallo", "Nguyen",
    "Benhamou", "Da Silva", "Le Goff", "Kerbrat", "Ferreira", "Traoré", "Martinez", "Ribeiro", "Hamidi",
)
STREETS = (
    "rue des Alpes", "avenue Victor-Hugo", "rue Émile-Augier", "place de la Pierre", "chemin des Mûriers",
    "rue Jean-Jaurès", "allée des Tilleuls", "boulevard Gambetta", "rue des Écoles", "impasse du Moulin",
    "rue de la République", "avenue de la Gare", "rue Pasteur", "résidence Les Peupliers", "rue des Lilas",
)
# fmt: on

PROFILE_OF = {
    ProgrammeType.SUPPORTED_EMPLOYMENT: "ips",
    ProgrammeType.MINIMUM_INCOME: "rsa",
    ProgrammeType.ESAT_SUPPORT: "esat",
    ProgrammeType.ACTIV_PROJET: "activ",
}
AGES = {"ips": (21, 52), "rsa": (26, 62), "esat": (22, 55), "activ": (24, 60)}
EDUCATION = {
    "ips": {"infra_3": 2, "3": 3, "4": 3, "5": 2, "6": 1, "7": 1},
    "rsa": {"infra_3": 4, "3": 4, "4": 2, "5": 1},
    "esat": {"infra_3": 6, "3": 3},
    "activ": {"3": 2, "4": 3, "5": 2, "6": 2, "7": 1},
}
REASONS = {
    "ips": (
        "Souhaite reprendre un emploi en milieu ordinaire ; suivi au CMP, traitement stabilisé.",
        "Sortie d'hospitalisation il y a six mois ; veut travailler à temps partiel, plutôt l'après-midi.",
        "Trouble du spectre de l'autisme diagnostiqué à l'âge adulte ; cherche un premier emploi stable.",
        "A perdu son poste après un arrêt long ; veut retravailler avec un soutien dans l'emploi.",
        "Diplômé·e, mais les matinées sont difficiles : cherche un poste adapté, sans rupture de soins.",
    ),
    "rsa": (
        "Allocataire du RSA depuis deux ans ; contrat d'engagement orienté vers l'emploi.",
        "Freins à l'emploi : mobilité (pas de permis) et garde des enfants.",
        "Séparation récente, logement précaire ; souhaite reprendre une activité.",
        "Longue période sans emploi après une activité d'indépendant·e.",
    ),
    "esat": (
        "Travailleur·se d'ESAT depuis plusieurs années ; souhaite une expérience en entreprise ordinaire.",
        "Projet de sortie d'ESAT vers un emploi en milieu ordinaire, avec un tuteur.",
        "Mise à disposition en entreprise envisagée par l'équipe de l'atelier.",
    ),
    "activ": (
        "Demandeur·se d'emploi depuis plus d'un an ; besoin de redéfinir un projet professionnel.",
        "Reconversion après un licenciement économique.",
        "Retour à l'emploi après un congé parental de trois ans.",
        "Projet flou ; souhaite explorer plusieurs métiers avant de choisir une formation.",
    ),
}
# fmt: off
JOBS = (
    "préparation de commandes", "mise en rayon", "plonge en restauration collective", "entretien d'espaces verts",
    "accueil", "saisie administrative", "aide en cuisine", "tri et recyclage", "réparation de vélos",
    "vente en boulangerie", "blanchisserie", "manutention",
)
# fmt: on


def step_comment(rng, before: Phase, after: Phase, employer: str) -> str:
    job = rng.choice(JOBS)
    if after == Phase.JOB_SEARCH and before in (Phase.IN_EMPLOYMENT, Phase.ACCESS):
        return rng.choice(
            [
                f"Fin du contrat en {job} : reprise de la recherche d'emploi.",
                "L'immersion n'a pas débouché sur un contrat ; on en tire les enseignements et on reprend.",
                "Rupture de la période d'essai ; la personne souhaite repartir vite sur une autre piste.",
            ]
        )
    comments = {
        Phase.INTAKE: ["Entretien d'accueil : situation, santé, mobilité, logement.", ""],
        Phase.PROFILE: ["Début des rencontres hebdomadaires du profil professionnel.", ""],
        Phase.PLAN: [
            "Plan d'action validé avec la personne et transmis au référent.",
            f"Projet retenu : {job}, à temps partiel pour commencer.",
        ],
        Phase.JOB_SEARCH: [
            "Stratégie de recherche définie à partir du profil.",
            "Recherche rapide, selon l'IPS.",
            "",
        ],
        Phase.ACCESS: [
            f"Immersion (PMSMP) de deux semaines en {job} chez {employer}.",
            f"Premier contrat court chez {employer}.",
        ],
        Phase.IN_EMPLOYMENT: [
            f"Embauche en {job} chez {employer} ; un tuteur est désigné.",
            f"Contrat de 24 h par semaine en {job} chez {employer}.",
        ],
    }
    return rng.choice(comments.get(after, [""]))


SUSPENSION_COMMENTS = {
    SuspensionReason.HOSPITALISATION: "Hospitalisation en psychiatrie ; lien maintenu avec l'équipe du CMP.",
    SuspensionReason.HEALTH: "Arrêt pour raison de santé.",
    SuspensionReason.PERSONAL: "Raison familiale : garde d'un enfant malade.",
}
RENEWAL_COMMENTS = {
    True: "Renouvelé 6 mois : la recherche d'emploi est bien engagée.",
    False: "Pas de renouvellement : le projet relève désormais d'un accompagnement social.",
}

# ---------------------------------------------------------------------------------------------
# Drawing people and their situation.
# ---------------------------------------------------------------------------------------------


@dataclass
class Identity:
    first_name: str
    birth_name: str
    usual_name: str
    sex: str
    age: int
    born: tuple[int, int]  # month, day
    education: str
    phone: str
    email: str
    address: str
    postal_code: str
    city: str
    channel: str


def weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# ARCEP sets no block aside for fiction overseas: a Réunion mobile typed the way it is written there.
REUNION_MOBILE = "0692 40 12 34"


def fiction_phone(rng, block: str = "06 39 98") -> str:
    return f"{block} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def draw_identities(rng, territory: Territory, labels: dict[str, tuple[str, tuple[int, int]]]) -> dict:
    """One identity per label, drawn in a fixed order whatever is already in the database."""
    first_names, family_names, identities = set(), set(), {}
    for label, (profile, ages) in labels.items():
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        first = rng.choice([name for name in FIRST_NAMES[sex] if name not in first_names] or FIRST_NAMES[sex])
        birth = rng.choice([name for name in FAMILY_NAMES if name not in family_names])
        first_names.add(first)
        family_names.add(birth)
        usual = ""
        if rng.random() < (0.3 if sex == Sex.FEMALE else 0.08):
            usual = rng.choice([name for name in FAMILY_NAMES if name not in family_names])
            family_names.add(usual)
        shown = usual or birth
        email = ""
        if rng.random() < 0.5:
            email = f"{fold(first).replace(' ', '-')}.{fold(shown).replace(' ', '')}@{rng.choice(['example.org', 'example.net'])}"
        postal_code, city, _ = rng.choices(territory.communes, weights=[c[2] for c in territory.communes])[0]
        channel = rng.choice(
            [ContactChannel.PHONE, ContactChannel.SMS, ContactChannel.SMS, ContactChannel.IN_PERSON]
        )
        if email and rng.random() < 0.5:
            channel = ContactChannel.EMAIL
        identities[label] = Identity(
            first_name=first,
            birth_name=birth,
            usual_name=usual,
            sex="" if rng.random() < 0.05 else sex,
            age=rng.randint(*ages),
            born=(rng.randint(1, 12), rng.randint(1, 28)),
            education=weighted(rng, EDUCATION[profile]),
            phone=fiction_phone(rng) if rng.random() < 0.9 else "",
            email=email,
            address=f"{rng.randint(1, 48)} {rng.choice(STREETS)}" if rng.random() < 0.85 else "",
            postal_code=postal_code,
            city=city,
            channel=channel,
        )
    # One person kept her Réunion mobile: numbers of the overseas departments are read and shown too.
    if identities:
        next(iter(identities.values())).phone = REUNION_MOBILE
    return identities


def entry_situation(rng, profile: str, identity: Identity, referral: date, department: str) -> dict:
    def before(low: int, high: int) -> date:
        return referral - timedelta(days=rng.randint(low, high))

    if profile == "esat":
        status = EmploymentStatus.ESAT_WORKER
    else:
        status = weighted(
            rng,
            {
                EmploymentStatus.OUT_OF_WORK: 7,
                EmploymentStatus.NEVER_WORKED: 2 if profile != "activ" else 1,
                EmploymentStatus.AT_RISK: 2 if profile in ("ips", "activ") else 0,
            },
        )
    aah = rng.random() < {"ips": 0.45, "esat": 0.85, "rsa": 0.05, "activ": 0.05}[profile]
    rqth_weights = {
        "ips": {RqthStatus.GRANTED: 5, RqthStatus.REQUESTED: 3, RqthStatus.NONE: 2},
        "esat": {RqthStatus.GRANTED: 1},
        "rsa": {RqthStatus.GRANTED: 1, RqthStatus.REQUESTED: 1, RqthStatus.NONE: 8},
        "activ": {RqthStatus.GRANTED: 1, RqthStatus.REQUESTED: 1, RqthStatus.NONE: 6},
    }[profile]
    rqth = RqthStatus.GRANTED if aah and rng.random() < 0.8 else weighted(rng, rqth_weights)
    requested = granted = None
    if rqth == RqthStatus.GRANTED:
        granted = before(20, 1500)
        requested = granted - timedelta(days=rng.randint(90, 240))
    elif rqth == RqthStatus.REQUESTED:
        requested = before(10, 150)
    mdph_file = ""
    if requested:
        mdph_file = f"{department}-{requested.year}-{rng.randint(1, 99999):05d}"
    housing = weighted(
        rng,
        {
            "ips": {Housing.INDEPENDENT: 5, Housing.FAMILY: 4, Housing.SUPPORTED: 3, Housing.TEMPORARY: 1},
            "rsa": {
                Housing.INDEPENDENT: 5,
                Housing.FAMILY: 2,
                Housing.TEMPORARY: 2,
                Housing.HOMELESS: 1,
                Housing.OTHER: 1,
            },
            "esat": {Housing.INDEPENDENT: 3, Housing.FAMILY: 3, Housing.SUPPORTED: 4},
            "activ": {Housing.INDEPENDENT: 7, Housing.FAMILY: 2, Housing.OTHER: 1},
        }[profile],
    )
    out_of_work = status == EmploymentStatus.OUT_OF_WORK
    return {
        "employment_status": status,
        "out_of_work_since": before(60, 1800) if out_of_work else None,
        "education_level": identity.education,
        "receives_rsa": profile == "rsa" or (profile in ("ips", "activ") and not aah and rng.random() < 0.25),
        "receives_aah": aah,
        "receives_unemployment_benefit": out_of_work and profile != "rsa" and rng.random() < 0.5,
        "rqth_status": rqth,
        "rqth_requested_on": requested,
        "rqth_granted_on": granted,
        "mdph_file": mdph_file,
        "housing": housing,
    }


# ---------------------------------------------------------------------------------------------
# Dates.
# ---------------------------------------------------------------------------------------------

# How long each phase usually lasts, to spread the steps of a pathway like real ones.
NOMINAL_DAYS = {
    Phase.REFERRAL: 14,
    Phase.INTAKE: 7,
    Phase.PROFILE: 42,
    Phase.PLAN: 35,
    Phase.JOB_SEARCH: 60,
    Phase.ACCESS: 30,
    Phase.IN_EMPLOYMENT: 150,
}


def weekday(day: date) -> date:
    """The day itself, or the Friday before a weekend: meetings happen on weekdays."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def spread(rng, start: date, end: date, before: list[Phase]) -> list[date]:
    """Dates of the steps that follow the phases `before`, from `start` to `end` (the last step)."""
    weights = [NOMINAL_DAYS[phase] * rng.uniform(0.6, 1.4) for phase in before]
    total, span, elapsed, days = sum(weights), (end - start).days, 0.0, []
    for weight in weights:
        elapsed += weight
        days.append(start + timedelta(days=round(span * elapsed / total)))
    return days


def step_dates(rng, pathway: Pathway, referral: date, today: date) -> list[date]:
    phases = pathway.phases
    if not phases:
        return []
    end = max(referral, weekday(today - timedelta(days=pathway.last)))
    if pathway.intake is not None:
        intake = weekday(today - timedelta(days=pathway.intake))
        days = [intake, *spread(rng, intake, end, phases[:-1])] if len(phases) > 1 else [intake]
    else:
        days = spread(rng, referral, end, [Phase.REFERRAL, *phases[:-1]])
    # No step in the middle of a suspension: before it if it stays open, after it otherwise.
    for index, day in enumerate(days[:-1]):
        for _, start_ago, end_ago in pathway.suspensions:
            start = today - timedelta(days=start_ago)
            stop = today - timedelta(days=end_ago) if end_ago is not None else None
            if start <= day and (stop is None or day <= stop):
                day = start - timedelta(days=3) if stop is None or stop >= end else stop + timedelta(days=2)
        days[index] = weekday(day)
    previous = referral
    for index, day in enumerate(days):
        days[index] = previous = min(max(day, previous), end)
    return days


def appointment(rng, today: date) -> datetime:
    day = today + timedelta(days=rng.randint(1, 12))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    hour = rng.choice([9, 10, 11, 14, 15, 16])
    return datetime.combine(day, time(hour, rng.choice([0, 30])), tzinfo=PARIS)


# ---------------------------------------------------------------------------------------------
# Writing.
# ---------------------------------------------------------------------------------------------


def ensure_contacts(organisation, territory: Territory, rng) -> dict[str, Contact]:
    contacts = {}
    for key, (full_name, partner_name, job_title, kind) in territory.contacts.items():
        contact = Contact.objects.filter(
            organisation=organisation, full_name=full_name, partner_name=partner_name
        ).first()
        if contact is None:
            local = fold(full_name.removeprefix("Dr ")).replace(" ", ".").replace("'", "")
            contact = Contact(
                organisation=organisation,
                full_name=full_name,
                partner_name=partner_name,
                job_title=job_title,
                kind=kind,
                phone=fiction_phone(rng, territory.landline),
                email=f"{local}@partenaires.example.org",
            )
            contact.full_clean(exclude=["search_name"])
            contact.save()
        contacts[key] = contact
    return contacts


def find_or_create_person(organisation, identity: Identity, today: date, by) -> Person:
    person = Person.objects.filter(
        organisation=organisation, first_name=identity.first_name, birth_name=identity.birth_name
    ).first()
    if person is not None:
        return person
    month, day = identity.born
    born = date(today.year - identity.age, month, day)
    if (month, day) > (today.month, today.day):
        born = born.replace(year=born.year - 1)  # the birthday is still to come this year
    person = Person(
        organisation=organisation,
        first_name=identity.first_name,
        birth_name=identity.birth_name,
        usual_name=identity.usual_name,
        date_of_birth=born,
        sex=identity.sex,
        phone=identity.phone,
        email=identity.email,
        address=identity.address,
        postal_code=identity.postal_code if identity.address else "",
        city=identity.city,
        preferred_channel=identity.channel
        if (identity.channel != ContactChannel.EMAIL or identity.email)
        else "",
        created_by=by,
    )
    person.full_clean(exclude=["search_name"])
    domain.check_birth_date(person.date_of_birth)
    person.save()
    return person


@dataclass
class Setting:
    """What the pathways of one demo service are written with."""

    service: object
    territory: Territory
    contacts: dict[str, Contact]
    today: date
    coaches: list = field(default_factory=list)
    team: list = field(default_factory=list)  # psychologists, social workers, educators

    @property
    def profile(self) -> str:
        return PROFILE_OF[self.service.programme_type]

    @classmethod
    def of(cls, service, **fields) -> "Setting":
        memberships = (
            Membership.objects.filter(service=service).select_related("user").order_by("user__email")
        )
        team_roles = (Role.PSYCHOLOGIST, Role.SOCIAL_WORKER, Role.EDUCATOR)
        return cls(
            service=service,
            coaches=[m.user for m in memberships if m.role == Role.COACH],
            team=[m.user for m in memberships if m.role in team_roles],
            **fields,
        )


@dataclass(frozen=True)
class Leaving:
    """An exit into employment still to record: `demo_employment` records it once the job exists."""

    on: date
    outcome: ExitOutcome
    comment: str
    by: object  # the coach


@dataclass(frozen=True)
class Planned:
    """What `demo_employment` needs to know of a pathway: its story, and its exit into employment."""

    pathway: Pathway
    leaving: Leaving | None = None


def run_pathway(
    rng, pathway: Pathway, person, identity: Identity, coach, setting: Setting
) -> tuple[Enrolment, Leaving | None]:
    """Writes the pathway; an exit into employment is handed back, not recorded (see Leaving)."""
    service, today, contacts = setting.service, setting.today, setting.contacts
    referral = weekday(today - timedelta(days=pathway.referred))
    phases, days = pathway.phases, step_dates(rng, pathway, referral, today)
    limited = service.programme_type in LIMITED_PROGRAMMES
    intake = None
    if phases and phases[0] == Phase.INTAKE and (limited or pathway.intake is not None or rng.random() < 0.5):
        intake = days[0]  # recorded with the referral (it sets the planned end); otherwise as a later step
    referrer = contacts.get(pathway.referrer)
    enrolment = domain.enrol(
        person,
        service,
        by=coach,
        referral_date=referral,
        entry=entry_situation(rng, setting.profile, identity, referral, setting.territory.department),
        referral_reason=rng.choice(REASONS[setting.profile]),
        referred_by=referrer,
        intake_date=intake,
        primary_coach=coach,
    )
    employer = rng.choice(setting.territory.employers)

    # Every later event, in the order it happened: phase changes, suspensions, renewals, the exit.
    events = []
    previous = Phase.INTAKE if intake else Phase.REFERRAL
    for phase, day in list(zip(phases, days, strict=True))[1 if intake else 0 :]:
        events.append((day, 1, "phase", (previous, phase)))
        previous = phase
    for reason, start_ago, end_ago in pathway.suspensions:
        events.append((today - timedelta(days=start_ago), 0, "suspend", reason))
        if end_ago is not None:
            events.append((today - timedelta(days=end_ago), 0, "resume", None))
    if pathway.renewal:
        events.append((today - timedelta(days=pathway.renewal[0]), 0, "renew", pathway.renewal[1]))
    suspension = leaving = None
    for day, _, kind, data in sorted(events, key=lambda event: event[:2]):
        if kind == "phase" and data[1] == Phase.EXIT and pathway.outcome in ExitOutcome.into_employment():
            leaving = Leaving(on=day, outcome=pathway.outcome, comment=pathway.exit_comment, by=coach)
        elif kind == "phase" and data[1] == Phase.EXIT:
            domain.record_exit(
                enrolment,
                on=day,
                outcome=pathway.outcome,
                by=coach,
                comment=pathway.exit_comment,
                reoriented_to=pathway.reoriented_to,
            )
        elif kind == "phase":
            domain.change_phase(enrolment, data[1], day, coach, step_comment(rng, *data, employer))
        elif kind == "suspend":
            comment = SUSPENSION_COMMENTS.get(data, "")
            suspension = domain.suspend(
                enrolment, start=day, end=None, reason=data, by=coach, comment=comment
            )
        elif kind == "resume":
            domain.end_suspension(suspension, day)
        elif kind == "renew":
            domain.renew(
                enrolment,
                decided_on=day,
                renewed=data,
                new_end_date=add_months(enrolment.planned_end_date, 6) if data else None,
                by=coach,
                comment=RENEWAL_COMMENTS[data],
            )

    # The last contact and the next meeting, as the caseload shows them.
    if enrolment.is_current and leaving is None:
        if enrolment.phase == Phase.REFERRAL:
            enrolment.last_contact_on = None
        else:
            ago = pathway.contact if pathway.contact is not None else rng.randint(0, 4)
            enrolment.last_contact_on = max(weekday(today - timedelta(days=ago)), days[-1])
        enrolment.next_appointment_at = appointment(rng, today) if pathway.appointment else None
    else:
        ago = timedelta(days=pathway.contact or 0)
        exit_date = leaving.on if leaving else enrolment.exit_date
        enrolment.last_contact_on = max(exit_date - ago, enrolment.referral_date)
    enrolment.save(update_fields=["last_contact_on", "next_appointment_at"])

    team = [member for member in setting.team if rng.random() < 0.45]
    if team:
        enrolment.team.add(*team)
    links = [(relation, contacts[key]) for relation, key in pathway.links]
    if referrer is not None:
        links.append((ContactKind.REFERRING_PARTNER, referrer))
    if service.name in FUNDER_OF:
        links.append((ContactKind.FUNDER, contacts[FUNDER_OF[service.name]]))
    for relation, contact in links:
        PersonContact.objects.get_or_create(
            organisation_id=service.organisation_id, person=person, contact=contact, relation=relation
        )
    return enrolment, leaving


def seed_people(organisation, services, domain_name: str, seed: int) -> dict[int, Planned]:
    """Creates the people of each of `services` that has no pathway yet. Returns, by pathway id,
    the pathways whose job is told on purpose or whose exit into employment is still to record
    (see Leaving); empty when every service was seeded before."""
    territory = TERRITORIES[domain_name]
    today = domain.today()
    labels = {}  # label of a person -> (profile, ages), in the order of the stories
    for service_index, service in enumerate(services):
        profile = PROFILE_OF[service.programme_type]
        for index, entry in enumerate(STORIES.get(service.name, [])):
            labels.setdefault(entry.who or f"{service_index}:{index}", (profile, entry.ages or AGES[profile]))
    identities = draw_identities(random.Random(seed), territory, labels)
    contacts = ensure_contacts(organisation, territory, random.Random(seed + 1))
    planned = {}

    for service_index, service in enumerate(services):
        if Enrolment.objects.filter(service=service).exists():
            continue  # seeded by an earlier run, or holds real work: leave it alone
        setting = Setting.of(service, territory=territory, contacts=contacts, today=today)
        if not setting.coaches:
            continue
        rng = random.Random(seed * 100 + service_index)
        for index, entry in enumerate(STORIES.get(service.name, [])):
            identity = identities[entry.who or f"{service_index}:{index}"]
            coach = setting.coaches[index % len(setting.coaches)]
            person = find_or_create_person(organisation, identity, today, coach)
            for pathway in entry.pathways:
                enrolment, leaving = run_pathway(rng, pathway, person, identity, coach, setting)
                if pathway.job or leaving:
                    planned[enrolment.pk] = Planned(pathway, leaving)
    return planned


def demo_counts(organisations) -> dict[str, int]:
    within = Q(organisation__in=organisations)
    return {
        "personnes": Person.objects.filter(within).count(),
        "parcours": Enrolment.objects.filter(within).count(),
        "changements d'étape": PhaseChange.objects.filter(within).count(),
        "suspensions": Suspension.objects.filter(within).count(),
        "renouvellements": Renewal.objects.filter(within).count(),
        "partenaires": Contact.objects.filter(within).count(),
        "profils": Profile.objects.filter(within).count(),
        "plans d'action": ActionPlan.objects.filter(within).count(),
        "entretiens": Meeting.objects.filter(within).count(),
        "notes": Note.objects.filter(within).count(),
        "séances d'atelier": WorkshopSession.objects.filter(within).count(),
        "documents joints": Attachment.objects.filter(within).count(),
    }
