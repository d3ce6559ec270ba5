"""The project's default charter, kept as Markdown in charter/content/{fr,en}.md.

Format: `# Title`, then `## N. Title` sections and `### N.M Title` subsections; a
heading ending in ` {reason}` is a report reason. Numbers that the product enforces are
written as placeholders (`{audit_retention_days}`…) and filled from settings, so the
text always says what the code does.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CONTENT_DIR = Path(__file__).resolve().parent / "content"
_HEADING = re.compile(r"^(##|###) (\d+(?:\.\d+)?)\.? (.+?)( \{reason\})?\s*$")


@dataclass
class ParsedSection:
    number: str
    title: str
    body: str
    is_report_reason: bool


def placeholders() -> dict[str, object]:
    return {
        "site_name": settings.RSE_SITE_NAME,
        "audit_retention_days": settings.AUDIT_RETENTION_DAYS,
        "erased_data_retention_days": settings.ERASED_DATA_RETENTION_DAYS,
        "community_inactive_days": settings.COMMUNITY_INACTIVE_DAYS,
        "community_dormant_grace_days": settings.COMMUNITY_DORMANT_GRACE_DAYS,
        "external_reconfirm_days": settings.EXTERNAL_RECONFIRM_DAYS,
        "report_auto_hide_threshold": settings.REPORT_AUTO_HIDE_THRESHOLD,
        "content_deleted_retention_days": settings.CONTENT_DELETED_RETENTION_DAYS,
        "dpo_contact": settings.PRIVACY_DPO_CONTACT,
    }


def parse(text: str) -> tuple[str, list[ParsedSection]]:
    """Split a charter file into its title and sections (placeholders left as they are)."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ValueError("A charter file starts with '# Title'.")
    title = lines[0][2:].strip()
    sections: list[ParsedSection] = []
    body: list[str] = []
    for line in lines[1:]:
        match = _HEADING.match(line)
        if match:
            if sections:
                sections[-1].body = "\n".join(body).strip()
            body = []
            sections.append(
                ParsedSection(match.group(2), match.group(3).strip(), "", bool(match.group(4)))
            )
        elif sections:
            body.append(line)
    if sections:
        sections[-1].body = "\n".join(body).strip()
    return title, sections


def default_charter() -> tuple[str, str, list[tuple[ParsedSection, ParsedSection]]]:
    """(title_fr, title_en, [(section_fr, section_en)…]) with settings filled in."""
    values = placeholders()
    title_fr, french = parse((CONTENT_DIR / "fr.md").read_text(encoding="utf-8"))
    title_en, english = parse((CONTENT_DIR / "en.md").read_text(encoding="utf-8"))
    if [s.number for s in french] != [s.number for s in english]:
        raise ValueError("The French and English charters must have the same sections.")
    for section in (*french, *english):
        section.body = section.body.format(**values)
        section.title = section.title.format(**values)
    return (
        title_fr.format(**values),
        title_en.format(**values),
        list(zip(french, english, strict=True)),
    )


def build_default_version(version_model, section_model):
    """Create version 1 from the default text, published now. Takes the model classes so
    the data migration can pass its historical models."""
    from django.utils import timezone

    title_fr, title_en, pairs = default_charter()
    version = version_model.objects.create(
        number=1,
        status="published",
        published_at=timezone.now(),
        title_fr=title_fr,
        title_en=title_en,
        summary_fr="Première version de la charte.",
        summary_en="First version of the charter.",
        requires_reacceptance=True,
    )
    section_model.objects.bulk_create(
        section_model(
            version=version,
            number=fr.number,
            position=i,
            title_fr=fr.title,
            title_en=en.title,
            body_fr=fr.body,
            body_en=en.body,
            is_report_reason=fr.is_report_reason,
        )
        for i, (fr, en) in enumerate(pairs)
    )
    return version
