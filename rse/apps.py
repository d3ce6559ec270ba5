from django.apps import AppConfig


class RseConfig(AppConfig):
    """The configuration package: settings, URLs, the Celery app and the project-wide
    management commands (seed_demo, generate_company)."""

    name = "rse"
    verbose_name = "RSE"
