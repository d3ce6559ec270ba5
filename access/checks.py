"""Guardian permissions and membership roles must agree: the role stored on an active
membership (manager, moderator, member) is the source of truth, and the guardian
object permissions that the rules read follow it (communities.services grants and
revokes both in one transaction). `manage.py check --database default` reports any
disagreement; the test suite asserts there is none after every role change."""

from django.core import checks
from django.db import connections

from communities.models import CommunityUserObjectPermission, Membership

from .viewer import MANAGE_CODENAME, MODERATE_CODENAME

EXPECTED: dict[str, set[str]] = {
    Membership.Role.MANAGER: {MANAGE_CODENAME},
    Membership.Role.MODERATOR: {MODERATE_CODENAME},
}


def role_drift(using: str = "default") -> list[str]:
    """(community, user) pairs whose guardian rights differ from their membership role
    (superusers hold every right whatever their role: left out)."""
    held: dict[tuple[int, int], set[str]] = {}
    rows = (
        CommunityUserObjectPermission.objects.using(using)
        .filter(
            permission__codename__in=[MANAGE_CODENAME, MODERATE_CODENAME], user__is_superuser=False
        )
        .values_list("content_object_id", "user_id", "permission__codename")
    )
    for community_id, user_id, codename in rows:
        held.setdefault((community_id, user_id), set()).add(codename)
    expected: dict[tuple[int, int], set[str]] = {}
    roles = (
        Membership.objects.using(using)
        .filter(status=Membership.Status.ACTIVE, role__in=list(EXPECTED), user__is_superuser=False)
        .values_list("community_id", "user_id", "role")
    )
    for community_id, user_id, role in roles:
        expected[(community_id, user_id)] = EXPECTED[role]
    problems = []
    for key in sorted(set(held) | set(expected)):
        if held.get(key, set()) != expected.get(key, set()):
            problems.append(
                f"community {key[0]}, user {key[1]}: role gives "
                f"{sorted(expected.get(key, set()))}, guardian holds {sorted(held.get(key, set()))}"
            )
    return problems


@checks.register(checks.Tags.database)
def check_role_drift(app_configs=None, databases=None, **kwargs):
    if not databases:  # only `check --database …` (and migrate) read the database
        return []
    tables = {CommunityUserObjectPermission._meta.db_table, Membership._meta.db_table}
    problems = []
    for alias in databases:
        # `migrate` runs the database checks before migrating: a new database has no
        # tables yet, and nothing to disagree about.
        if not tables <= set(connections[alias].introspection.table_names()):
            continue
        problems += role_drift(alias)
    return [
        checks.Warning(problem, hint="Set the role again from the members page.", id="access.W001")
        for problem in problems
    ]
