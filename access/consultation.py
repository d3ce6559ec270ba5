"""Who reads and comments on a charter draft, and who writes, approves and publishes it.

- *authors* (people with the admin permission to change charter versions, superusers)
  see every draft, answer comments, revise, open and close consultations, publish;
- *approvers* (charter.signoff) see every draft, to approve it;
- while a draft is in consultation (from its start), the consultation group sees it —
  its groups' members, or every employee when it is open to all employees; everyone
  else gets 404 (rule 7: nothing about a draft leaks);
- comments and stances are taken from the consultation group and authors while it is
  open (started, not ended, not closed);
- once the version is published, its consultation record (summary, sign-offs) is for
  everyone signed in; the comments stay with the consultation group and authors.
"""

from django.db.models import Q
from django.utils import timezone

from charter.signoff import is_approver
from consultation.models import Consultation

CHANGE_CHARTER = "charter.change_charterversion"


def is_charter_author(viewer) -> bool:
    return viewer.is_person and viewer.user.has_perm(CHANGE_CHARTER)


def is_charter_approver(viewer) -> bool:
    return viewer.is_person and is_approver(viewer.user)


def in_consultation_group(viewer, consultation: Consultation | None) -> bool:
    if consultation is None or not viewer.is_person:
        return False
    if consultation.all_employees:
        return viewer.is_employee
    return consultation.groups.filter(user=viewer.user.pk).exists()


def may_read_draft(viewer, version, consultation: Consultation | None, now=None) -> bool:
    """See the draft and its comments (a published version is no draft any more)."""
    if version.is_published or not viewer.is_person:
        return False
    if is_charter_author(viewer) or is_charter_approver(viewer):
        return True
    now = now or timezone.now()
    return (
        consultation is not None
        and consultation.has_started(now)
        and in_consultation_group(viewer, consultation)
    )


def may_comment(viewer, consultation: Consultation | None, now=None) -> bool:
    """Comment on a section, answer a comment, support or object."""
    now = now or timezone.now()
    if consultation is None or not consultation.is_open(now):
        return False
    return is_charter_author(viewer) or in_consultation_group(viewer, consultation)


def may_read_record(viewer, consultation: Consultation, now=None) -> bool:
    """The consultation record: summary, sign-offs (and comments, see below)."""
    if consultation.version.is_published:
        return viewer.is_person
    return may_read_draft(viewer, consultation.version, consultation, now)


def may_read_comments(viewer, consultation: Consultation, now=None) -> bool:
    if is_charter_author(viewer):
        return viewer.is_person
    if consultation.version.is_published:
        return in_consultation_group(viewer, consultation)
    return may_read_draft(viewer, consultation.version, consultation, now)


def drafts_readable_by(viewer, now=None):
    """The drafts `viewer` may read (the list at /charter/drafts/), as `may_read_draft`."""
    from charter.models import CharterVersion

    drafts = CharterVersion.objects.filter(status=CharterVersion.Status.DRAFT)
    if not viewer.is_person:
        return drafts.none()
    if is_charter_author(viewer) or is_charter_approver(viewer):
        return drafts
    now = now or timezone.now()
    consulted = Q(consultation__groups__user=viewer.user.pk)
    if viewer.is_employee:
        consulted |= Q(consultation__all_employees=True)
    return drafts.filter(consulted, consultation__starts_at__lte=now).distinct()
