from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "filrouge.core"

    def ready(self):
        from django.urls import register_converter

        from filrouge.core import checks  # noqa: F401  (registers the encryption-key checks)
        from filrouge.core.converters import ObjectIdConverter

        register_converter(ObjectIdConverter, "id")
