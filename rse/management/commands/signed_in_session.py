"""Print the session cookie of a signed-in session for a demo account, for tools that
measure signed-in pages (`make lighthouse`). Refused in production: it signs someone in
without their password."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from profiles.demo import demo_people


class Command(BaseCommand):
    help = "Print `sessionid=<key>` for a new session of a demo account (never in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="The demo account's e-mail address.")

    def handle(self, *args, email: str, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refused: this is a production installation (RSE_PRODUCTION=true).")
        user = demo_people().filter(email=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active demo account {email}: run `manage.py seed_demo`.")
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        self.stdout.write(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
