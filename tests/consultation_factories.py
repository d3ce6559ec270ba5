"""Charter drafts, consultations and approvers for the consultation tests."""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission

from charter import selectors, services
from charter.models import CharterVersion
from charter.signoff import approvers_group
from consultation.models import Consultation

from .factories import UserFactory


def charter_in_force() -> CharterVersion:
    return selectors.current_version() or services.charter_load_default()


def draft_of(version: CharterVersion | None = None, **first_section) -> CharterVersion:
    """A new draft copied from `version` (the charter in force), with a summary of
    changes, and its section 1 changed by `first_section` (fields to set)."""
    version = version or charter_in_force()
    draft = services.charter_version_copy_to_draft(version=version, actor=None)
    CharterVersion.objects.filter(pk=draft.pk).update(
        summary_fr="Révision concertée", summary_en="Revision written together"
    )
    if first_section:
        draft.sections.filter(number="1").update(**first_section)
    draft.refresh_from_db()
    return draft


def consultation_on(draft, *, now, groups=(), all_employees=False, days=14, started=True):
    """A consultation on `draft` from now (or tomorrow, if not `started`), for `days`."""
    start = now if started else now + timedelta(days=1)
    consultation = Consultation.objects.create(
        version=draft,
        starts_at=start,
        ends_at=start + timedelta(days=days),
        all_employees=all_employees,
    )
    consultation.groups.set(groups)
    return consultation


def representatives(*people) -> Group:
    group = Group.objects.get_or_create(name="Employee representatives")[0]
    for person in people:
        person.groups.add(group)
    return group


def charter_author(**kwargs):
    """A staff member allowed to change charter versions (not a superuser)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(Permission.objects.get(codename="change_charterversion"))
    return user


def approver(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(approvers_group())
    return user
