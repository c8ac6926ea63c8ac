from django.apps import AppConfig


class DomainConfig(AppConfig):
    name = "domain"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from domain import handlers, notifications

        notifications.connect()
        handlers.connect()
