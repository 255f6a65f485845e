"""The IPS Supported Employment Fidelity Scale (25 items), in French, adapted to French services.

Three sections: staffing (3 items), organisation (8), services (14). Each item is scored from 1
to 5; the total is out of 125 and falls in a band (`band`). The texts are our own French
wording of the public scale: *job coach* (the scale's "employment specialist"), the care team
(the scale's "mental health treatment team", in France the psychiatric sector, CMP or the
medico-social service), the *conseiller Cap emploi / France Travail* (the scale's vocational
rehabilitation counselor). Codes ("staffing_1") are stable: reviews store them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MIN_SCORE, MAX_SCORE = 1, 5
SCORES = tuple(range(MIN_SCORE, MAX_SCORE + 1))


@dataclass(frozen=True)
class Item:
    code: str
    section: str
    number: int  # within its section, as the scale numbers it
    title: str
    description: str  # what a 5 looks like
    anchors: tuple  # what scores 1, 2, 3, 4 and 5 mean, in that order

    def anchor(self, score: int) -> str:
        return self.anchors[score - MIN_SCORE]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple

    @property
    def max_score(self) -> int:
        return MAX_SCORE * len(self.items)


def _items(section: str, rows) -> tuple:
    return tuple(
        Item(f"{section}_{number}", section, number, title, description, tuple(anchors))
        for number, (title, description, anchors) in enumerate(rows, start=1)
    )


STAFFING = _items(
    "staffing",
    [
        (
            _("Taille de la file active"),
            _(
                "Chaque job coach à temps plein suit au plus 20 personnes (en recherche d'emploi et "
                "en emploi), rapporté à son temps de travail dans le service."
            ),
            [
                _("41 personnes ou plus par job coach."),
                _("31 à 40 personnes par job coach."),
                _("26 à 30 personnes par job coach."),
                _("21 à 25 personnes par job coach."),
                _("20 personnes ou moins par job coach."),
            ],
        ),
        (
            _("Des job coachs dédiés à l'emploi"),
            _(
                "Les job coachs ne font que de l'accompagnement vers et dans l'emploi : ni "
                "accompagnement social général, ni animation d'activités sans lien avec l'emploi."
            ),
            [
                _(
                    "Les job coachs consacrent moins de 60 % de leur temps à l'accompagnement vers et "
                    "dans l'emploi."
                ),
                _("60 à 74 % de leur temps va à l'accompagnement vers et dans l'emploi."),
                _("75 à 89 % de leur temps va à l'accompagnement vers et dans l'emploi."),
                _("90 à 95 % de leur temps va à l'accompagnement vers et dans l'emploi."),
                _("96 % de leur temps ou plus va à l'accompagnement vers et dans l'emploi."),
            ],
        ),
        (
            _("Des job coachs généralistes"),
            _(
                "Chaque job coach assure toutes les étapes : accueil, engagement, évaluation, "
                "recherche d'emploi, placement, soutien dans l'emploi et suivi, sans passer la "
                "personne à un autre intervenant ou dispositif."
            ),
            [
                _("Le job coach oriente seulement vers d'autres dispositifs ou prestataires."),
                _("Le job coach garde la personne mais confie l'accompagnement emploi à d'autres."),
                _("Le job coach assure une à quatre des six étapes."),
                _("Le job coach assure cinq des six étapes."),
                _("Le job coach assure les six étapes, de l'accueil au suivi dans l'emploi."),
            ],
        ),
    ],
)

ORGANISATION = _items(
    "organisation",
    [
        (
            _("Intégration au soin : rattachement à une équipe"),
            _(
                "Chaque job coach est rattaché à une ou deux équipes de soin (secteur psychiatrique, "
                "CMP, service médico-social) dont viennent au moins 90 % des personnes qu'il suit."
            ),
            [
                _("Le service emploi fonctionne à part des équipes de soin."),
                _(
                    "Job coachs rattachés à trois équipes ou plus, ou à des soignants isolés, ou moins "
                    "de 50 % de leur file active vient de leurs équipes."
                ),
                _("50 à 74 % de la file active vient des une ou deux équipes de rattachement."),
                _("75 à 89 % de la file active vient des une ou deux équipes de rattachement."),
                _("90 à 100 % de la file active vient des une ou deux équipes de rattachement."),
            ],
        ),
        (
            _("Intégration au soin : contacts fréquents avec l'équipe"),
            _(
                "Cinq pratiques : le job coach participe chaque semaine à la réunion clinique de "
                "l'équipe ; il y parle des projets d'emploi des personnes et les décisions sont "
                "partagées ; son dossier et celui de l'équipe se complètent ; son bureau est proche "
                "de l'équipe ; il aide l'équipe à penser l'emploi pour toutes les personnes."
            ),
            [
                _("Une de ces cinq pratiques ou aucune."),
                _("Deux des cinq pratiques."),
                _("Trois des cinq pratiques."),
                _("Quatre des cinq pratiques."),
                _("Les cinq pratiques."),
            ],
        ),
        (
            _("Collaboration avec Cap emploi et France Travail"),
            _(
                "Les job coachs et les conseillers Cap emploi ou France Travail des personnes se "
                "rencontrent au moins chaque mois et échangent chaque semaine sur les personnes "
                "suivies ensemble et sur les nouvelles orientations."
            ),
            [
                _("Moins d'un échange par trimestre, ou aucun."),
                _("Des échanges sur les personnes environ chaque trimestre."),
                _("Des échanges sur les personnes environ chaque mois."),
                _(
                    "Des réunions prévues au moins chaque trimestre, ou des échanges sur les "
                    "personnes au moins chaque mois."
                ),
                _("Des réunions prévues au moins chaque mois et des échanges chaque semaine."),
            ],
        ),
        (
            _("Une équipe emploi"),
            _(
                "Au moins deux job coachs et un·e responsable forment une équipe emploi : "
                "supervision collective chaque semaine, fondée sur les forces des personnes, et "
                "relais entre job coachs pendant les absences."
            ),
            [
                _("Les job coachs ne forment pas une équipe."),
                _("Même responsable, mais pas de réunion d'équipe ni de relais."),
                _("Même responsable et échanges sur les situations, sans relais entre job coachs."),
                _(
                    "Équipe emploi qui échange sur les situations et assure les relais (ou un seul "
                    "job coach dans le service)."
                ),
                _("Équipe emploi avec supervision collective hebdomadaire et relais entre job coachs."),
            ],
        ),
        (
            _("Rôle du ou de la responsable emploi"),
            _(
                "Cinq pratiques : un·e responsable pour au plus 10 job coachs ; supervision "
                "hebdomadaire sur les situations ; lien régulier avec les responsables des équipes "
                "de soin ; accompagnement sur le terrain des job coachs nouveaux ou en difficulté ; "
                "revue des résultats et objectifs avec l'équipe au moins chaque trimestre."
            ),
            [
                _("Une de ces cinq pratiques ou aucune."),
                _("Deux des cinq pratiques."),
                _("Trois des cinq pratiques."),
                _("Quatre des cinq pratiques."),
                _("Les cinq pratiques."),
            ],
        ),
        (
            _("Aucun critère d'exclusion"),
            _(
                "Toute personne qui veut travailler est accompagnée, quels que soient ses symptômes, "
                "ses addictions, son parcours, son « employabilité » ou son suivi des soins ; les "
                "soignants encouragent à penser l'emploi et les orientations viennent de partout."
            ),
            [
                _("Des critères d'exclusion formels (« pas prêt », addictions, violence…)."),
                _("La plupart des personnes n'ont pas accès au service à cause de critères."),
                _("Certaines personnes n'ont pas accès au service à cause de critères."),
                _("Aucune exclusion, formelle ou non, mais les orientations viennent de peu d'acteurs."),
                _(
                    "Aucune exclusion ; les soignants encouragent l'emploi et les orientations "
                    "viennent de nombreux acteurs."
                ),
            ],
        ),
        (
            _("L'organisation vise l'emploi en milieu ordinaire"),
            _(
                "Quatre pratiques : l'accueil demande si la personne souhaite travailler ; des "
                "affiches et documents sur l'emploi dans les lieux d'accueil ; des occasions, au "
                "moins deux fois par an, de partager des histoires de travail ; le taux d'emploi "
                "mesuré chaque trimestre et partagé avec la direction et les équipes."
            ),
            [
                _("Aucune de ces quatre pratiques."),
                _("Une des quatre pratiques."),
                _("Deux des quatre pratiques."),
                _("Trois des quatre pratiques."),
                _("Les quatre pratiques."),
            ],
        ),
        (
            _("Soutien de la direction"),
            _(
                "Cinq pratiques : la direction connaît les principes de l'emploi accompagné IPS ; la "
                "démarche qualité revoit le programme avec l'échelle de fidélité ; un membre de la "
                "direction participe au comité de pilotage ; la direction fixe et communique des "
                "objectifs d'emploi ; le ou la responsable emploi présente deux fois par an les "
                "freins et leviers à la direction."
            ),
            [
                _("Une de ces cinq pratiques ou aucune."),
                _("Deux des cinq pratiques."),
                _("Trois des cinq pratiques."),
                _("Quatre des cinq pratiques."),
                _("Les cinq pratiques."),
            ],
        ),
    ],
)

SERVICES = _items(
    "services",
    [
        (
            _("Conseil sur les droits et ressources"),
            _(
                "Avant une prise de poste, puis à chaque changement d'heures ou de salaire, chaque "
                "personne se voit proposer une simulation détaillée de ses ressources (RSA, AAH, "
                "prime d'activité, ARE, aides au logement…) par une personne formée."
            ),
            [
                _("Aucun conseil sur les droits n'est facilement accessible."),
                _("Les job coachs orientent vers d'autres professionnels, sans suivre la démarche."),
                _("Les job coachs évoquent avec chaque personne l'effet du travail sur ses aides."),
                _("Une simulation détaillée par une personne formée est proposée avant la prise de poste."),
                _(
                    "Simulation détaillée proposée avant la prise de poste et à chaque changement "
                    "d'heures ou de salaire, sur toutes les ressources."
                ),
            ],
        ),
        (
            _("Dire ou non son handicap à l'employeur"),
            _(
                "Quatre pratiques : la révélation du handicap (ou de la RQTH) n'est jamais exigée ; "
                "le job coach discute avant des avantages et inconvénients, et du lien avec les "
                "aménagements ; il aide à choisir ce qui sera dit et comment ; il en reparle à "
                "plusieurs moments du parcours."
            ),
            [
                _("Aucune de ces quatre pratiques."),
                _("Une des quatre pratiques."),
                _("Deux des quatre pratiques."),
                _("Trois des quatre pratiques."),
                _("Les quatre pratiques."),
            ],
        ),
        (
            _("Évaluation continue, en situation de travail"),
            _(
                "Le profil professionnel est construit en deux ou trois rencontres puis enrichi à "
                "chaque expérience d'emploi ; il s'appuie sur la personne, l'équipe de soin et, avec "
                "son accord, ses proches et anciens employeurs. Aucun préalable (tests, stages, "
                "immersions obligatoires) avant la recherche d'emploi."
            ),
            [
                _("Évaluation préalable au placement, en bureau, par tests ou mises en situation."),
                _("Parcours par étapes imposées (activités, bénévolat, milieu protégé) avant l'emploi."),
                _(
                    "Recherche d'emploi directe sans revue systématique des goûts, expériences et "
                    "forces, ni retour sur les fins de contrat."
                ),
                _(
                    "Évaluation initiale en deux ou trois rencontres et retour sur chaque emploi, "
                    "sans mise à jour régulière du profil."
                ),
                _(
                    "Profil professionnel construit en deux ou trois rencontres et mis à jour à "
                    "chaque expérience d'emploi."
                ),
            ],
        ),
        (
            _("Recherche d'emploi rapide"),
            _(
                "La première rencontre en face à face avec un employeur au sujet d'un emploi en "
                "milieu ordinaire, par la personne ou son job coach, a lieu en moyenne dans les 30 "
                "jours qui suivent l'entrée."
            ),
            [
                _("Plus de 270 jours après l'entrée (plus de 9 mois)."),
                _("151 à 270 jours après l'entrée (5 à 9 mois)."),
                _("61 à 150 jours après l'entrée (2 à 5 mois)."),
                _("31 à 60 jours après l'entrée (1 à 2 mois)."),
                _("30 jours ou moins après l'entrée."),
            ],
        ),
        (
            _("Recherche d'emploi personnalisée"),
            _(
                "Les démarches auprès des employeurs suivent les choix, les forces et les besoins de "
                "la personne (et les leçons de ses expériences), pas les offres du moment ; un plan "
                "de recherche est tenu à jour."
            ),
            [
                _("Moins de 25 % des démarches suivent les choix de la personne."),
                _("25 à 49 % des démarches suivent les choix de la personne."),
                _("50 à 74 % des démarches suivent les choix de la personne."),
                _("75 à 89 % des démarches suivent les choix de la personne et son plan."),
                _("90 à 100 % des démarches suivent les choix de la personne et son plan."),
            ],
        ),
        (
            _("Prospection : contacts fréquents avec les employeurs"),
            _(
                "Chaque job coach rencontre en face à face au moins 6 employeurs par semaine pour "
                "les personnes en recherche d'emploi (ou 2 par personne en recherche quand il en "
                "suit moins de 3)."
            ),
            [
                _("Moins de 2 rencontres d'employeurs par semaine."),
                _("2 rencontres d'employeurs par semaine, ou pas de suivi écrit des rencontres."),
                _(
                    "4 rencontres d'employeurs par semaine, notées sur un suivi relu chaque mois par "
                    "le ou la responsable."
                ),
                _(
                    "5 rencontres d'employeurs par semaine, notées sur un suivi relu chaque semaine par "
                    "le ou la responsable."
                ),
                _(
                    "6 rencontres d'employeurs ou plus par semaine (ou 2 par personne en recherche "
                    "quand il en suit peu), notées sur un suivi relu chaque semaine par le ou la "
                    "responsable."
                ),
            ],
        ),
        (
            _("Prospection : qualité des contacts avec les employeurs"),
            _(
                "Les job coachs construisent une relation avec les employeurs par plusieurs "
                "rencontres : connaître leurs besoins, présenter ce que le service apporte, "
                "présenter les forces d'une personne qui leur correspond."
            ),
            [
                _("Contacts rares, ou seulement pour déposer des candidatures avec la personne."),
                _("Appels pour connaître les postes ouverts, transmis aux personnes."),
                _("Suite donnée aux offres publiées : présentation du service et demande d'entretien."),
                _(
                    "Rencontres avec les employeurs, offre ouverte ou non, pour présenter les forces "
                    "des personnes."
                ),
                _(
                    "Relation suivie, par plusieurs rencontres, centrée sur les besoins de "
                    "l'employeur et la correspondance avec une personne."
                ),
            ],
        ),
        (
            _("Diversité des métiers"),
            _(
                "Les personnes obtiennent des emplois de métiers différents : 85 % ou plus des emplois sont distincts."
            ),
            [
                _("Moins de 50 % des emplois sont de métiers différents."),
                _("50 à 59 % des emplois sont de métiers différents."),
                _("60 à 69 % des emplois sont de métiers différents."),
                _("70 à 84 % des emplois sont de métiers différents."),
                _("85 à 100 % des emplois sont de métiers différents."),
            ],
        ),
        (
            _("Diversité des employeurs"),
            _("Les personnes travaillent chez des employeurs différents : 85 % ou plus des emplois."),
            [
                _("Moins de 50 % des emplois sont chez des employeurs différents."),
                _("50 à 59 % des emplois sont chez des employeurs différents."),
                _("60 à 69 % des emplois sont chez des employeurs différents."),
                _("70 à 84 % des emplois sont chez des employeurs différents."),
                _("85 à 100 % des emplois sont chez des employeurs différents."),
            ],
        ),
        (
            _("Emplois en milieu ordinaire"),
            _(
                "Les emplois obtenus sont des emplois ordinaires, ouverts à tous, au salaire "
                "habituel (ni ESAT, ni contrat d'insertion réservé) : 95 % ou plus."
            ),
            [
                _("Moins de 65 % des emplois sont en milieu ordinaire."),
                _("65 à 74 % des emplois sont en milieu ordinaire."),
                _("75 à 84 % des emplois sont en milieu ordinaire."),
                _("85 à 94 % des emplois sont en milieu ordinaire."),
                _("95 % des emplois ou plus sont en milieu ordinaire."),
            ],
        ),
        (
            _("Soutien dans l'emploi personnalisé"),
            _(
                "Le soutien après l'embauche dépend du poste, des souhaits et des besoins de la "
                "personne : équipe de soin, proches, collègues, job coach ; soutien de l'employeur "
                "si la personne le demande (aménagements) ; aide à l'évolution professionnelle."
            ),
            [
                _("La plupart des personnes n'ont pas de soutien après la prise de poste."),
                _("Environ la moitié des personnes en emploi ont un soutien limité, surtout du job coach."),
                _("La plupart des personnes en emploi ont un soutien limité, surtout du job coach."),
                _("Soutiens variés selon le poste et la personne ; soutien de l'employeur à sa demande."),
                _(
                    "Soutiens variés, soutien de l'employeur à sa demande et aide à l'évolution "
                    "professionnelle."
                ),
            ],
        ),
        (
            _("Suivi dans l'emploi sans limite de durée"),
            _(
                "Le job coach rencontre la personne la semaine avant la prise de poste, dans les "
                "3 jours après, chaque semaine le premier mois, puis au moins chaque mois pendant un "
                "an ou plus, tant qu'elle le souhaite ; le relais est ensuite organisé."
            ),
            [
                _("Pas de rencontre en face à face après le premier mois dans l'emploi."),
                _(
                    "Rencontres en face à face avec moins de la moitié des personnes en emploi "
                    "pendant au moins 4 mois."
                ),
                _(
                    "Rencontres en face à face avec au moins la moitié des personnes en emploi "
                    "pendant au moins 4 mois."
                ),
                _("Chaque semaine le premier mois, puis au moins chaque mois pendant un an ou plus."),
                _(
                    "La semaine avant, dans les 3 jours après, chaque semaine le premier mois, puis "
                    "au moins chaque mois pendant un an ou plus."
                ),
            ],
        ),
        (
            _("Accompagnement hors les murs"),
            _(
                "Les rencontres (engagement, recherche d'emploi, suivi) ont lieu dans la cité : au "
                "moins 65 % du temps de travail des job coachs se passe hors du bureau."
            ),
            [
                _("Moins de 30 % du temps hors du bureau."),
                _("30 à 39 % du temps hors du bureau."),
                _("40 à 49 % du temps hors du bureau."),
                _("50 à 64 % du temps hors du bureau."),
                _("65 % du temps ou plus hors du bureau."),
            ],
        ),
        (
            _("Aller vers les personnes, avec l'équipe de soin"),
            _(
                "Six pratiques : l'accompagnement ne s'arrête ni sur des rendez-vous manqués ni sur "
                "une durée fixée ; les tentatives de contact sont notées ; l'équipe de soin y "
                "participe ; visites à domicile ou dans la cité ; visites communes job coach et "
                "soignant ; lien avec les proches quand c'est utile."
            ),
            [
                _("Deux de ces six pratiques ou moins."),
                _("Trois des six pratiques."),
                _("Quatre des six pratiques."),
                _("Cinq des six pratiques."),
                _("Les six pratiques."),
            ],
        ),
    ],
)

SECTIONS = (
    Section("staffing", _("Personnel"), STAFFING),
    Section("organisation", _("Organisation"), ORGANISATION),
    Section("services", _("Services"), SERVICES),
)
ITEMS = {item.code: item for section in SECTIONS for item in section.items}
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
MAX_TOTAL = MAX_SCORE * len(ITEMS)  # 125


def item_choices():
    return [(item.code, f"{item.number}. {item.title}") for item in ITEMS.values()]


# --- Bands -------------------------------------------------------------------------------------

EXEMPLARY, GOOD, FAIR, NOT_IPS = "exemplary", "good", "fair", "not_ips"
BAND_LABELS = {
    EXEMPLARY: _("exemplaire"),
    GOOD: _("bonne fidélité"),
    FAIR: _("fidélité correcte"),
    NOT_IPS: _("pas IPS"),
}
BAND_RANGES = {EXEMPLARY: (115, 125), GOOD: (100, 114), FAIR: (74, 99), NOT_IPS: (25, 73)}


def band(total: int) -> str:
    """The band of a complete review's total: 115–125 exemplary, 100–114 good, 74–99 fair,
    73 or less not IPS."""
    if not 0 <= total <= MAX_TOTAL:
        raise ValueError(f"a total is between 0 and {MAX_TOTAL}")
    if total >= 115:
        return EXEMPLARY
    if total >= 100:
        return GOOD
    if total >= 74:
        return FAIR
    return NOT_IPS
