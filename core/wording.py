"""French elision before a name: "Publication d'Isabelle", "Membres d'Ingénierie", but
"Publication de Thomas". A string with a name after "de" has a second French entry under
the context "elided"; templates pick it with `{% blocktranslate context name|elision %}`
(core's `wording` tags), Python with `for_name()`."""

from django.utils.translation import gettext, pgettext, pgettext_lazy

VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")
CONTEXT = "elided"

# The strings that have an elided variant, listed so that makemessages keeps their
# "elided" entries (templates name the context through a filter, which it cannot read).
ELIDED = [
    pgettext_lazy("elided", "Post by %(name)s"),
    pgettext_lazy("elided", "Comment by %(name)s"),
    pgettext_lazy("elided", "Appeal by %(name)s"),
    pgettext_lazy("elided", "Recent sanctions of %(name)s"),
    pgettext_lazy("elided", "Members of %(name)s"),
    pgettext_lazy("elided", "Role of %(name)s"),
    pgettext_lazy("elided", "Photo of %(name)s"),
    pgettext_lazy("elided", "Read the post by %(name)s"),
    pgettext_lazy("elided", "Usage of %(name)s"),
    pgettext_lazy("elided", "Ideas of %(name)s"),
    pgettext_lazy(
        "elided", "In the idea box of %(name)s: its members vote, its review team answers."
    ),
    pgettext_lazy("elided", "Questions of %(name)s"),
    pgettext_lazy("elided", "Data of %(name)s"),
    pgettext_lazy("elided", "Followers of %(name)s"),
    pgettext_lazy("elided", "The request of %(name)s is rejected."),
    pgettext_lazy("elided", "The role of %(name)s is changed."),
    pgettext_lazy("elided", "The account of %(name)s is already closed."),
    pgettext_lazy("elided", "The account of %(name)s is already active."),
    pgettext_lazy(
        "elided", "The contract of %(name)s has ended: change their access expiry date first."
    ),
]


def elides(name: object) -> bool:
    """The name starts with a vowel, so a French "de" before it becomes "d'"."""
    text = str(name or "").lstrip()
    return text[:1].lower() in VOWELS


def elision(name: object) -> str:
    """The translation context for a string with this name after "de": "elided" or none."""
    return CONTEXT if elides(name) else ""


def for_name(msgid: str, name: object) -> str:
    """`msgid` (marked with gettext_noop) translated and filled with the name, in its
    elided variant when the name starts with a vowel."""
    text = pgettext(CONTEXT, msgid) if elides(name) else gettext(msgid)
    return text % {"name": name}
