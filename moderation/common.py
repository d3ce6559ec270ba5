"""Helpers shared by the moderation services (reports, decisions, sanctions, appeals):
refusals, case history, charter references, the status of moderated content."""

from typing import NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from access import moderation as moderation_rules
from charter.models import CharterSection
from charter.selectors import report_reasons, section_as_accepted_by
from posts.models import Comment, Post

from .models import Case, CaseEvent

# How serious each report reason of the default charter is (section number → 1 to 3),
# for the queue's priority. Sections not listed count as 2.
REASON_SEVERITY = {
    "4.3": 3,  # privacy of others
    "4.4": 2,  # denigration and defamation
    "4.5": 3,  # harassment and intimidation
    "4.6": 3,  # hate and discrimination
    "4.7": 3,  # illegal content and malware
    "4.8": 2,  # falsification and identity theft
    "4.9": 1,  # intellectual property and image rights
    "4.10": 1,  # spam, advertising and solicitation
    "4.11": 3,  # confidentiality and loyalty
    "4.12": 2,  # representing the company
    "4.13": 3,  # partners' and clients' information
    "4.16": 1,  # posting in the right place
}
DEFAULT_SEVERITY = 2


def refuse(message: str) -> NoReturn:
    raise ValidationError(message)


def severity_of(section: CharterSection) -> int:
    return REASON_SEVERITY.get(section.number, DEFAULT_SEVERITY)


def record_event(case: Case, code: str, actor=None, **data) -> None:
    CaseEvent.objects.create(case=case, code=code, actor=actor, data=data)


def cited_section(section: CharterSection, author) -> CharterSection:
    """What a decision or sanction cites: the author's variant of the section (the text
    of their country or legal entity, the one they accepted), else the common one."""
    return section_as_accepted_by(section, author)


def section_data(section: CharterSection | None) -> dict:
    if section is None:
        return {}
    data = {
        "section": section.number,
        "section_title_en": section.title_en,
        "section_title_fr": section.title_fr,
    }
    if section.variant is not None:  # the author's variant (country, legal entity)
        data["section_variant_en"] = section.variant.name_en
        data["section_variant_fr"] = section.variant.name_fr
    return data


def excerpt(item: Post | Comment) -> str:
    text = " ".join(item.body.split())
    return text[:80] + ("…" if len(text) > 80 else "")


def report_reason(reason) -> CharterSection:
    section = report_reasons().filter(pk=getattr(reason, "pk", reason)).first()
    if section is None:
        refuse(_("Choose a reason from the list."))
    return section


def ensure_can_handle(actor, case: Case) -> None:
    if not moderation_rules.can_handle(actor, case):
        raise PermissionDenied
