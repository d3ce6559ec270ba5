"""Reads for the consultation pages: one draft for a viewer (404 otherwise), its
comments and stances by section."""

from collections import defaultdict

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from access import consultation as rules
from charter.models import CharterVersion

from .models import Consultation, SectionComment, SectionStance


def get_draft_or_404(viewer, number: int) -> tuple[CharterVersion, Consultation | None]:
    """The draft numbered `number` with its consultation, if `viewer` may read it."""
    version = CharterVersion.objects.filter(
        number=number, status=CharterVersion.Status.DRAFT
    ).first()
    if version is None:
        raise Http404
    consultation = consultation_of(version)
    if not rules.may_read_draft(viewer, version, consultation, timezone.now()):
        raise Http404
    return version, consultation


def get_record_or_404(viewer, number: int) -> Consultation:
    consultation = (
        Consultation.objects.select_related("version", "opened_by", "closed_by")
        .filter(version__number=number)
        .first()
    )
    if consultation is None or not rules.may_read_record(viewer, consultation):
        raise Http404
    return consultation


def consultation_of(version: CharterVersion) -> Consultation | None:
    return Consultation.objects.prefetch_related("groups").filter(version=version).first()


def threads_by_section(consultation: Consultation | None) -> dict[str, list[SectionComment]]:
    """First comments of each section, their answers prefetched (in order)."""
    if consultation is None:
        return {}
    threads: dict[str, list[SectionComment]] = defaultdict(list)
    comments = (
        consultation.comments.filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch("answers", queryset=SectionComment.objects.select_related("author"))
        )
    )
    for comment in comments:
        threads[comment.section_number].append(comment)
    return dict(threads)


def stances_by_section(consultation: Consultation | None, person) -> dict[str, dict]:
    """{number: {"support": n, "object": n, "mine": stance or ""}}."""
    if consultation is None:
        return {}
    result: dict[str, dict] = defaultdict(lambda: {"support": 0, "object": 0, "mine": ""})
    for row in SectionStance.objects.filter(consultation=consultation).values(
        "section_number", "stance", "person_id"
    ):
        entry = result[row["section_number"]]
        entry[row["stance"]] += 1
        if row["person_id"] == person.pk:
            entry["mine"] = row["stance"]
    return dict(result)
