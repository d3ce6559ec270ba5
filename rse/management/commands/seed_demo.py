from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from communities.demo import seed_communities
from consultation.demo import seed_charter_consultation
from events.demo import seed_events
from ideas.demo import seed_ideas
from moderation.demo import seed_moderation
from posts.demo import seed_posts
from profiles import demo
from questions.demo import seed_questions


class Command(BaseCommand):
    help = "Load the demo company (idempotent: running it again updates, never duplicates)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force-in-production",
            action="store_true",
            help="Seed even with RSE_PRODUCTION=true (a staging copy, never a network in use).",
        )

    # The notifications the demo's follows, invitations and approvals make are not e-mailed.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    def handle(self, *args, force_in_production: bool = False, **options) -> None:
        if settings.PRODUCTION and not force_in_production:
            raise CommandError(
                _(
                    "Refused: this is a production installation (RSE_PRODUCTION=true). The "
                    "demo adds invented people, communities and posts; use "
                    "--force-in-production only on a copy that nobody uses."
                )
            )
        created, updated = demo.seed_people()
        self.stdout.write(
            self.style.SUCCESS(f"Demo people: {created} created, {updated} already there.")
        )
        self.stdout.write(self.style.SUCCESS(f"Demo communities: {seed_communities()} created."))
        self.stdout.write(self.style.SUCCESS(f"Demo posts: {seed_posts()} created."))
        self.stdout.write(self.style.SUCCESS(f"Demo reports: {seed_moderation()} created."))
        self.stdout.write(self.style.SUCCESS(f"Demo questions: {seed_questions()} created."))
        self.stdout.write(self.style.SUCCESS(f"Demo events: {seed_events()} created."))
        self.stdout.write(self.style.SUCCESS(f"Demo ideas: {seed_ideas()} created."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo charter consultation (draft with variants): "
                f"{seed_charter_consultation()} created."
            )
        )
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/ with one of these demo accounts "
            f"(password: {demo.DEMO_PASSWORD}):"
        )
        for account in demo.ROLE_ACCOUNTS:
            self.stdout.write(f"  {account.role:<21} {account.email}")
