"""Every change to a consultation: open, comment and answer, support or object, close;
and what the charter's publication asks of it (charter.hooks, registered in apps.py)."""

from datetime import timedelta
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import consultation as rules
from access.roles import EMPLOYEE
from access.viewer import as_viewer, user_of
from audit import services as audit
from charter.models import CharterVersion
from charter.selectors import common_sections, current_version
from core.notices import notify
from profiles.models import User

from . import diff
from .models import Consultation, SectionComment, SectionStance

COMMENT_MAX_LENGTH = 4000


def _refuse(message: str) -> NoReturn:
    raise ValidationError(message)


def population(consultation: Consultation):
    """The active people consulted: every employee, or the members of its groups."""
    people = User.objects.filter(is_active=True)
    if consultation.all_employees:
        return people.filter(kind=EMPLOYEE)
    return people.filter(groups__in=consultation.groups.all()).distinct()


def section_numbers(version: CharterVersion) -> set[str]:
    """The sections one may comment on: the draft's, and those of the version in force
    that the draft removes."""
    numbers = set(common_sections(version).values_list("number", flat=True))
    current = current_version()
    if current is not None:
        numbers |= set(common_sections(current).values_list("number", flat=True))
    return numbers


def consultation_open(
    *,
    actor,
    version: CharterVersion,
    starts_at,
    ends_at,
    all_employees: bool,
    groups=(),
    request: HttpRequest | None = None,
) -> Consultation:
    """An author opens a draft for consultation, from `starts_at` to `ends_at`."""
    if not rules.is_charter_author(as_viewer(actor)):
        raise PermissionDenied
    groups = list(groups)
    errors = []
    if version.is_published:
        errors.append(_("Version %(number)s is already published.") % {"number": version.number})
    elif Consultation.objects.filter(version=version).exists():
        errors.append(_("This draft already has a consultation."))
    if starts_at is None or ends_at is None:
        errors.append(_("Give the start and the end of the consultation."))
    elif ends_at <= starts_at:
        errors.append(_("The end of the consultation must come after its start."))
    elif ends_at <= timezone.now():
        errors.append(_("The end of the consultation is already past."))
    if not all_employees and not groups:
        errors.append(_("Choose at least one consultation group, or all employees."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consultation = Consultation(
            version=version,
            starts_at=starts_at,
            ends_at=ends_at,
            all_employees=all_employees,
            opened_by=user_of(actor),
        )
        consultation.full_clean()
        consultation.save()
        consultation.groups.set(groups)
        audit.record(
            "consultation.opened",
            actor=user_of(actor),
            target=version,
            request=request,
            data={
                "number": version.number,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "all_employees": all_employees,
                "groups": sorted(g.name for g in groups),
            },
        )
    if consultation.has_started(timezone.now()):
        notices_send(consultation_id=consultation.pk)
    return consultation


def comment_add(
    *, actor, consultation: Consultation, section_number: str, body: str, parent_id=None
) -> SectionComment:
    """A consulted person (or an author) comments on a section, or answers a comment;
    the author of the comment answered is told."""
    viewer = as_viewer(actor)
    _ensure_may_comment(viewer, consultation)
    body = (body or "").strip()
    if not body:
        _refuse(_("Write a comment before sending it."))
    if len(body) > COMMENT_MAX_LENGTH:
        _refuse(_("A comment has at most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH})
    parent = None
    if parent_id:
        parent = (
            SectionComment.objects.select_related("author")
            .filter(pk=parent_id, consultation=consultation)
            .first()
        )
        if parent is None:
            _refuse(_("The comment you answer no longer exists."))
        if parent.parent_id is not None:
            _refuse(_("Answer the first comment of the thread, not an answer."))
        section_number = parent.section_number
    if section_number not in section_numbers(consultation.version):
        _refuse(_("Choose a section of the draft."))
    with transaction.atomic():
        comment = SectionComment.objects.create(
            consultation=consultation,
            section_number=section_number,
            parent=parent,
            author=viewer.user,
            body=body,
        )
        if parent is not None and parent.author_id != viewer.user.pk:
            _tell(
                parent.author,
                consultation,
                "comment_answered",
                actor=viewer.user,
                section=section_number,
                anchor=f"comment-{parent.pk}",
            )
    return comment


def stance_set(
    *, actor, consultation: Consultation, section_number: str, stance: str
) -> SectionStance | None:
    """Support or object to a section; an empty stance withdraws it."""
    viewer = as_viewer(actor)
    _ensure_may_comment(viewer, consultation)
    if section_number not in section_numbers(consultation.version):
        _refuse(_("Choose a section of the draft."))
    if stance and stance not in SectionStance.Stance.values:
        _refuse(_("Choose to support or to object."))
    with transaction.atomic():
        if not stance:
            SectionStance.objects.filter(
                consultation=consultation, section_number=section_number, person=viewer.user
            ).delete()
            return None
        row, _created = SectionStance.objects.update_or_create(
            consultation=consultation,
            section_number=section_number,
            person=viewer.user,
            defaults={"stance": stance},
        )
    return row


def _ensure_may_comment(viewer, consultation: Consultation) -> None:
    now = timezone.now()
    if rules.may_comment(viewer, consultation, now):
        return
    if rules.may_read_draft(viewer, consultation.version, consultation, now):
        if consultation.is_closed or now >= consultation.ends_at:
            _refuse(_("The consultation is over: comments are no longer taken."))
        _refuse(_("The consultation has not started: comments are not taken yet."))
    raise Http404


def consultation_close(
    *, actor, consultation: Consultation, request: HttpRequest | None = None
) -> Consultation:
    """An author closes the consultation (at or before its end): comments stay, and the
    summary is frozen, to be attached when the version is published."""
    if not rules.is_charter_author(as_viewer(actor)):
        raise PermissionDenied
    if consultation.version.is_published:
        _refuse(_("The version is already published."))
    now = timezone.now()
    with transaction.atomic():
        summary = consultation_summary(consultation)
        closed = Consultation.objects.filter(pk=consultation.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=user_of(actor), summary=summary
        )
        if not closed:
            _refuse(_("This consultation is already closed."))
        consultation.refresh_from_db()
        audit.record(
            "consultation.closed",
            actor=user_of(actor),
            target=consultation.version,
            request=request,
            data={"number": consultation.version.number, **summary},
        )
    return consultation


def consultation_summary(consultation: Consultation) -> dict:
    """Sections changed (against the version in force), comments, support and
    objections per section, as they stand."""
    current = current_version()
    changed = diff.changed_sections(
        common_sections(current) if current is not None else [],
        common_sections(consultation.version),
    )
    per_section: dict[str, dict[str, int]] = {}

    def row(number: str) -> dict[str, int]:
        return per_section.setdefault(
            number, {"comments": 0, "answers": 0, "support": 0, "object": 0}
        )

    comments = consultation.comments.values("section_number").annotate(
        n_threads=Count("pk", filter=Q(parent__isnull=True)),
        n_answers=Count("pk", filter=Q(parent__isnull=False)),
    )
    for c in comments:
        row(c["section_number"]).update(comments=c["n_threads"], answers=c["n_answers"])
    stances = consultation.stances.values("section_number", "stance").annotate(n=Count("pk"))
    for s in stances:
        row(s["section_number"])[s["stance"]] = s["n"]
    participants = set(consultation.comments.values_list("author_id", flat=True)) | set(
        consultation.stances.values_list("person_id", flat=True)
    )
    return {
        "changed": changed,
        "sections": dict(sorted(per_section.items(), key=lambda kv: _number_key(kv[0]))),
        "comments": sum(r["comments"] + r["answers"] for r in per_section.values()),
        "open_objections": sum(r["object"] for r in per_section.values()),
        "participants": len(participants),
        "compared_with": current.number if current is not None else None,
    }


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


# What the charter's publication asks (charter.hooks) -------------------------------


def publication_refusals(version: CharterVersion) -> list[str]:
    consultation = Consultation.objects.filter(version=version).first()
    if consultation is not None and not consultation.is_closed:
        return [
            _("Close the consultation on version %(number)s first: its summary is attached.")
            % {"number": version.number}
        ]
    return []


def summary_attach(version: CharterVersion, *, actor, request=None) -> None:
    """At publication, the consultation's summary becomes part of the version's record."""
    attached = Consultation.objects.filter(
        version=version, closed_at__isnull=False, summary_attached_at__isnull=True
    ).update(summary_attached_at=timezone.now())
    if attached:
        audit.record(
            "consultation.summary_attached",
            actor=actor,
            target=version,
            request=request,
            data={"number": version.number},
        )


def record_links(version: CharterVersion) -> list[tuple[str, str]]:
    if not Consultation.objects.filter(version=version).exists():
        return []
    return [
        (
            str(gettext_lazy("Record of the consultation and sign-off")),
            reverse("consultation:record", args=[version.number]),
        )
    ]


# Notices ----------------------------------------------------------------------------


def _tell(recipient, consultation: Consultation, event: str, *, actor=None, **data) -> None:
    number = consultation.version.number
    url = reverse("consultation:draft", args=[number])
    if data.get("section"):
        url += "#" + data.get("anchor", "s" + data["section"].replace(".", "-"))
    notify(
        recipient=recipient,
        kind="charter",
        actor=actor,
        data={
            "event": event,
            "number": number,
            "url": url,
            "ends_at": consultation.ends_at.isoformat(),
            **data,
        },
    )


def notices_send(
    *, now=None, consultation_id: int | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Tell the people consulted that a consultation has opened (once started) and that
    it closes soon (CONSULTATION_CLOSING_SOON_HOURS before its end). Each notice is sent
    once: a consultation is claimed by a conditional update before anyone is told."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.CONSULTATION_CLOSING_SOON_HOURS)
    consultations = Consultation.objects.select_related("version").filter(
        closed_at__isnull=True, version__status=CharterVersion.Status.DRAFT, ends_at__gt=now
    )
    if consultation_id is not None:
        consultations = consultations.filter(pk=consultation_id)
    counts = {"opened": 0, "closing_soon": 0}
    due = [
        ("opened", "opened_notified_at", Q(starts_at__lte=now)),
        ("closing_soon", "closing_notified_at", Q(starts_at__lte=now, ends_at__lte=soon)),
    ]
    for event, field, condition in due:
        for consultation in consultations.filter(condition, **{f"{field}__isnull": True}):
            if dry_run:
                counts[event] += population(consultation).count()
                continue
            with transaction.atomic():
                claimed = Consultation.objects.filter(
                    pk=consultation.pk, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if not claimed:
                    continue
                # Who may see the draft is decided now, at send time, by the access rule
                # (the state of the draft, of the groups and of each person may have
                # changed since the consultation was opened or this list was read).
                consultation = Consultation.objects.select_related("version").get(
                    pk=consultation.pk
                )
                if consultation.closed_at is not None or consultation.version.is_published:
                    continue
                for person in population(consultation).iterator():
                    if not rules.may_read_draft(
                        as_viewer(person), consultation.version, consultation, now
                    ):
                        continue
                    _tell(person, consultation, f"consultation_{event}")
                    counts[event] += 1
    return counts
