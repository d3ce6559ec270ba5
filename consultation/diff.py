"""Section-by-section differences between the version in force and a draft, in the
reader's language: sections are matched by number; within a section, words removed are
marked <del> on the left and words added <ins> on the right (difflib). Every piece of
text is escaped before it is marked up."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words with the spaces after them, so that a run of changed words is marked as one.
_TOKENS = re.compile(r"\s+|\w+\s*|[^\w\s]\s*")
FIELDS = ("title_fr", "title_en", "body_fr", "body_en")


@dataclass
class SectionDiff:
    number: str
    status: str  # "unchanged", "changed", "added" or "removed"
    title_before: str
    title_after: str
    before: SafeString  # the text in force, deletions marked
    after: SafeString  # the draft's text, additions marked
    anchor: str


def _in(language: str, section, field: str) -> str:
    if section is None:
        return ""
    suffix = "fr" if language.startswith("fr") else "en"
    return getattr(section, f"{field}_{suffix}")


def mark_words(before: str, after: str) -> tuple[SafeString, SafeString]:
    """The two texts, escaped, with the words that differ marked."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old)
            right.append(new)
            continue
        if old:
            left.append(f"<del>{old}</del>")
        if new:
            right.append(f"<ins>{new}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 (escaped above)


def section_status(before, after) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    same = all(getattr(before, f) == getattr(after, f) for f in FIELDS)
    return "unchanged" if same else "changed"


def section_diffs(current_sections, draft_sections, language: str) -> list[SectionDiff]:
    """One entry per section of the draft in its order, then the sections it removes."""
    current = {s.number: s for s in current_sections}
    draft_numbers = set()
    diffs = []
    for section in draft_sections:
        draft_numbers.add(section.number)
        diffs.append(_diff(section.number, current.get(section.number), section, language))
    for number, section in current.items():
        if number not in draft_numbers:
            diffs.append(_diff(number, section, None, language))
    return diffs


def _diff(number: str, before, after, language: str) -> SectionDiff:
    status = section_status(before, after)
    body_before, body_after = _in(language, before, "body"), _in(language, after, "body")
    if status == "changed":
        left, right = mark_words(body_before, body_after)
    else:
        left, right = escape(body_before), escape(body_after)
    return SectionDiff(
        number=number,
        status=status,
        title_before=_in(language, before, "title"),
        title_after=_in(language, after, "title"),
        before=left,
        after=right,
        anchor="s" + number.replace(".", "-"),
    )


def changed_sections(current_sections, draft_sections) -> dict[str, str]:
    """{number: status} of every section that differs, in any language."""
    current = {s.number: s for s in current_sections}
    draft = {s.number: s for s in draft_sections}
    statuses = {
        number: section_status(current.get(number), draft.get(number))
        for number in [*draft, *(n for n in current if n not in draft)]
    }
    return {number: status for number, status in statuses.items() if status != "unchanged"}
