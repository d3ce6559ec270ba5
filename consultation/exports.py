"""This app's section of "Download my data" (registry: core.exports)."""

from django.utils.translation import gettext_lazy as _

from core import exports

from .models import SectionComment, SectionStance


@exports.section("consultation", _("Comments and stances on charter drafts"), order=72)
def consultation(user) -> exports.Rows:
    """The person's comments and answers on charter drafts under consultation, and their
    stances (support, object) per section. Of others, only the id of the comment
    answered."""
    rows: exports.Rows = [
        {
            "kind": "comment",
            "id": pk,
            "version": version,
            "section": section,
            "in_answer_to": parent,
            "text": body,
            "published_at": at,
        }
        for pk, version, section, parent, body, at in SectionComment.objects.filter(author=user)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "consultation__version__number",
            "section_number",
            "parent_id",
            "body",
            "created_at",
        )
    ]
    rows += [
        {"kind": "stance", "version": version, "section": section, "stance": stance, "at": at}
        for version, section, stance, at in SectionStance.objects.filter(person=user)
        .order_by("pk")
        .values_list("consultation__version__number", "section_number", "stance", "updated_at")
    ]
    return rows
