"""Search text: the query a person typed, parsed; folding; highlighted excerpts.

Nothing here touches the database. The same folding (case and accents ignored) is used
by the SQLite fallback (as the SQL function `rse_fold`) and by the highlighter, so what
matches is what gets marked.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
EXCERPT_LENGTH = 240

_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')


def fold(text: str) -> str:
    """Lower case, without accents: "Équipe" and "equipe" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(text)


def stem(word: str) -> str:
    """A light French/English stem for substring matching: plural and final e dropped.

    "communautés", "communauté" and "communautes" all give "communaut".
    """
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word[-1] == "e":
        word = word[:-1]
    return word


def words_of(text: str) -> list[str]:
    """Letters and digits only: punctuation, symbols, emoji and operators are dropped."""
    return _WORD.findall(text)


@dataclass(frozen=True)
class ParsedQuery:
    """What a person asked for, cleaned: never trusted further than this."""

    text: str = ""
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    truncated: bool = False
    dropped: bool = field(default=False)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.tags or self.people)

    @property
    def general(self) -> bool:
        """Plain words or phrases: they search every section."""
        return bool(self.words or self.phrases)

    def terms(self) -> list[str]:
        """Every word, phrases included, for highlighting."""
        found = list(self.words) + list(self.people)
        for phrase in self.phrases:
            found.extend(phrase.split())
        return found

    def people_terms(self) -> list[str]:
        return self.terms()

    def tag_slugs(self) -> list[str]:
        return [slugify(tag) for tag in self.tags]


def clean_text(raw: str | None) -> tuple[str, bool]:
    """Control characters, NUL bytes and invisible marks become spaces; at most
    MAX_QUERY_LENGTH characters, cut at a space when one is near the end."""
    raw = raw or ""
    # Far more than can be kept is never even looked at.
    cut = len(raw) > MAX_QUERY_LENGTH * 4
    text = unicodedata.normalize("NFC", raw[: MAX_QUERY_LENGTH * 4])
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, cut
    kept = text[:MAX_QUERY_LENGTH]
    space = kept.rfind(" ")
    if space > MAX_QUERY_LENGTH - 40:
        kept = kept[:space]
    return kept.strip(), True


def parse_query(raw: str | None) -> ParsedQuery:
    """Words (all required), "quoted phrases", #tags and @people, in any order."""
    text, truncated = clean_text(raw)
    words: list[str] = []
    phrases: list[str] = []
    tags: list[str] = []
    people: list[str] = []

    def phrase(match: re.Match) -> str:
        found = words_of(match.group(1))
        if len(found) > 1:
            phrases.append(" ".join(found))
        else:
            words.extend(found)
        return " "

    rest = _PHRASE.sub(phrase, text).replace('"', " ")
    for token in rest.split():
        if token[0] in "#@" and len(token) > 1:
            found = words_of(token[1:].replace("-", "_"))
            if not found:
                continue
            if token[0] == "#":
                tags.append("-".join(found))
            else:
                people.extend(found)
        else:
            # A one-letter word ("a", "l'") matches nearly everything: it is left out.
            words.extend(word for word in words_of(token) if len(word) > 1)
    budget = MAX_TERMS
    kept: list[list[str]] = []
    dropped = False
    for bucket in (people, tags, words, phrases):
        kept.append(_dedupe(bucket)[:budget])
        dropped = dropped or len(_dedupe(bucket)) > budget
        budget = max(budget - len(kept[-1]), 0)
    people, tags, words, phrases = kept
    return ParsedQuery(
        text=text,
        words=tuple(words),
        phrases=tuple(phrases),
        tags=tuple(tags),
        people=tuple(people),
        truncated=truncated,
        dropped=dropped,
    )


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for item in items:
        key = fold(item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


# Highlighting: escape first, then mark.


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text):
        for folded in fold(ch):
            chars.append(folded)
            positions.append(index)
    return "".join(chars), positions


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where words starting like a term are, in `text` (start, end), merged."""
    folded, positions = _folded_with_positions(text)
    needles = {stem(fold(term)) for term in terms if term.strip()}
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = folded.find(needle)
        while start != -1:
            if start == 0 or not folded[start - 1].isalnum():
                end = start + len(needle)
                while end < len(folded) and folded[end].isalnum():
                    end += 1
                spans.append((positions[start], positions[end - 1] + 1))
            start = folded.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with the words matching `terms` in <mark>."""
    text = text or ""
    parts: list[str] = []
    position = 0
    for start, end in _spans(text, terms):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of user text is escaped above


def html_text(rendered: str) -> str:
    """What a reader sees of rendered HTML (a post's stored rendering), without markup."""
    return " ".join(html.unescape(strip_tags(rendered)).split())


def excerpt(text: str, terms: list[str], length: int = EXCERPT_LENGTH) -> SafeString:
    """A window of `text` around the first match, highlighted."""
    spans = _spans(text, terms)
    if len(text) > length:
        first = spans[0][0] if spans else 0
        start = max(0, first - length // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return highlight(text, terms)
