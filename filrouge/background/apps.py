from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "filrouge.background"

    def ready(self):
        from filrouge.background import checks, retries  # noqa: F401  (the schedule's check, the retries' receiver)
