# Depends only on the committed migrations of the other apps: theirs may still change.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("documents", "0001_initial"),
        ("journal", "0001_initial"),
        ("organisations", "0002_membership_time_share"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Consent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("plan_partner", "Partager le plan d'action avec le prescripteur"),
                            ("report_partner", "Partager le bilan et la progression avec le prescripteur"),
                            ("medical", "Échanger avec le référent médical"),
                            ("employer", "Partager la progression avec l'employeur ou le tuteur"),
                            ("funder", "Partager des chiffres avec le financeur"),
                        ],
                        max_length=16,
                        verbose_name="objet",
                    ),
                ),
                (
                    "recipient_label",
                    models.CharField(blank=True, max_length=200, verbose_name="autre destinataire"),
                ),
                ("recipient_key", models.CharField(blank=True, editable=False, max_length=220)),
                (
                    "status",
                    models.CharField(
                        choices=[("given", "Donné"), ("withdrawn", "Retiré ou refusé")],
                        max_length=10,
                        verbose_name="décision",
                    ),
                ),
                ("decided_on", models.DateField(verbose_name="date de la décision")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("signed_form", "Formulaire signé"),
                            ("oral", "Oralement, lors d'un entretien, devant un témoin"),
                        ],
                        max_length=12,
                        verbose_name="recueilli",
                    ),
                ),
                ("witness_name", models.CharField(blank=True, max_length=150, verbose_name="autre témoin")),
                ("comment", models.TextField(blank=True, verbose_name="commentaire")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="journal.meeting",
                        verbose_name="entretien",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consents",
                        to="people.person",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consents",
                        to="people.contact",
                        verbose_name="destinataire",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "signed_form",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consents",
                        to="documents.attachment",
                        verbose_name="formulaire signé",
                    ),
                ),
                (
                    "witness",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="témoin (membre de l'équipe)",
                    ),
                ),
            ],
            options={
                "verbose_name": "consentement",
                "ordering": ["-decided_on", "-recorded_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["person", "purpose", "recipient_key", "decided_on"],
                        name="consent_subject_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "purpose__in",
                                ["plan_partner", "report_partner", "medical", "employer", "funder"],
                            )
                        ),
                        name="consent_purpose_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["given", "withdrawn"])),
                        name="consent_status_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("method__in", ["signed_form", "oral"])),
                        name="consent_method_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("method", "signed_form"), _negated=True),
                            ("signed_form__isnull", False),
                            _connector="OR",
                        ),
                        name="consent_signed_form_attached",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("method", "oral"), _negated=True),
                            ("witness__isnull", False),
                            models.Q(("witness_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="consent_oral_has_witness",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("purpose__in", ["medical", "plan_partner", "report_partner"]), _negated=True
                            ),
                            ("recipient__isnull", False),
                            _connector="OR",
                        ),
                        name="consent_partner_purpose_names_contact",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("purpose", "employer"), _negated=True),
                            ("recipient__isnull", False),
                            models.Q(("recipient_label", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="consent_employer_purpose_names_recipient",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("purpose", "funder"), _negated=True),
                            ("recipient__isnull", True),
                            _connector="OR",
                        ),
                        name="consent_funder_purpose_has_no_contact",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Disclosure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("nothing", "Rien : l'employeur ne sait pas que la personne est accompagnée"),
                            ("support", "L'accompagnement par le service, sans aucune information de santé"),
                            ("rqth", "La reconnaissance de travailleur handicapé (RQTH)"),
                            ("adjustments", "Les aménagements de poste nécessaires"),
                            ("condition", "La maladie ou le handicap lui-même"),
                        ],
                        max_length=12,
                        verbose_name="ce que l'employeur peut savoir",
                    ),
                ),
                ("decided_on", models.DateField(verbose_name="date de la décision")),
                ("comment", models.TextField(blank=True, verbose_name="commentaire")),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "employer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="disclosures",
                        to="people.contact",
                        verbose_name="employeur",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="disclosures",
                        to="people.person",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "choix de divulgation",
                "ordering": ["-decided_on", "-recorded_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("level__in", ["nothing", "support", "rqth", "adjustments", "condition"])
                        ),
                        name="disclosure_level_known",
                    )
                ],
            },
        ),
    ]
