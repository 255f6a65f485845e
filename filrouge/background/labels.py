"""The French names of the background tasks, for the page of failed tasks. A task with no name
here shows its function's name."""

from django.utils.translation import gettext_lazy as _

TASK_LABELS = {
    "filrouge.accounts.emails.send_account_email": _(
        "E-mail de compte (invitation, mot de passe, lien de connexion)"
    ),
    "filrouge.notifications.tasks.send_due_reminders": _("Rappels aux personnes accompagnées"),
    "filrouge.notifications.digest.send_staff_digests": _("Résumé quotidien des équipes"),
    "filrouge.privacy.tasks.run_retention": _("Anonymisation à la fin de la durée de conservation"),
    "filrouge.audit.tasks.purge_audit": _("Purge des accès anciens du journal d'audit"),
    "filrouge.audit.tasks.verify_audit": _("Vérification du journal d'audit"),
    "filrouge.background.tasks.prune_finished_tasks": _("Nettoyage des tâches terminées"),
    "filrouge.privacy.tasks.run_retention_for_organisation": _("Anonymisation de l'organisation"),
    "filrouge.audit.tasks.publish_audit_heads": _("Publication des sceaux du journal d'audit"),
    "filrouge.audit.tasks.send_broken_chain_alert": _("Alerte : journal d'audit altéré"),
    "filrouge.reports.tasks.build_report_file": _("Préparation d'un rapport ou d'un export"),
    "filrouge.reports.tasks.remove_expired_report_files": _("Suppression des rapports expirés"),
    "filrouge.documents.tasks.sweep_files": _("Nettoyage des fichiers joints inutilisés"),
    "filrouge.backups.tasks.nightly_backup": _("Sauvegarde de la nuit"),
    "filrouge.imports.tasks.check_import": _("Vérification d'un import de tableurs"),
    "filrouge.imports.tasks.apply_import": _("Import de tableurs"),
    "filrouge.imports.tasks.remove_expired_imports": _("Suppression des imports expirés"),
}


def label_of(task_path: str) -> str:
    return TASK_LABELS.get(task_path) or task_path.rsplit(".", 1)[-1]
