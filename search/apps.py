from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite has no unaccent: give it the same folding as Python (see search.text.fold)."""
    if connection.vendor == "sqlite":
        from .text import fold_or_none

        connection.connection.create_function("rse_fold", 1, fold_or_none, deterministic=True)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="search_sqlite_fold")
