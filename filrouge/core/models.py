"""What every form shares."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """A form sent with its token (`core.idempotency`). A row is kept only once the form was
    saved (its answer a redirection, kept in `location`), so the same token sent again gets that
    answer instead of a second record. Pruned after a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    location = models.CharField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submission_token_unique")]

    def __str__(self):
        return f"submission of user {self.user_id}"
