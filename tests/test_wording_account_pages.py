"""Wording of allauth's pages (issue 17): every account page — sign-up, password reset and
its e-mail, e-mail addresses, two-factor authentication, reauthentication, connected
accounts, sessions, sign-out — says its headings, buttons and labels in sentence case in
English, uses the site's layout, and has no double punctuation in either language. Also
French elision before a name in the strings that have an "elided" variant."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from core.wording import ELIDED, for_name

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-bad-token/",
    "/accounts/confirm-email/",
    "/accounts/inactive/",
    "/accounts/3rdparty/login/cancelled/",
    "/accounts/3rdparty/login/error/",
]
SIGNED_IN = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/3rdparty/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/",
    "/accounts/sessions/",
]

# Words that allauth (and English UI habits) capitalise in labels: after the first word
# of a heading, button, label or link, one of these means Title Case.
TITLE_WORDS = {
    "In", "Up", "Out", "Me", "My", "Password", "Passwords", "Email", "E-mail", "Address",
    "Addresses", "Reset", "Code", "Codes", "Key", "Keys", "App", "Authentication",
    "Authenticator", "Verification", "Primary", "Account", "Accounts", "Connections",
    "Access", "Sessions", "Session", "Change", "Changed", "Token", "Set", "Device", "Browser",
    "Trust", "Recovery", "Security", "Sign", "Confirm", "Confirmation", "Other", "Social",
    "Third-Party", "Factor", "Two-Factor", "Removed", "Added", "Activated", "Deactivated",
    "Remove", "Add", "Edit", "Verify", "Your", "Passkey", "Closed", "Inactive", "Already",
    "Exists", "Unknown", "Cancel", "Forgot", "Forgotten", "Phone", "Request", "Stay",
    "Signed", "Started", "At", "User",
}  # fmt: skip
LABELS = {"h1", "h2", "h3", "h4", "button", "label", "legend", "a", "title", "summary", "th"}
# Two full stops (not an ellipsis), a space before a full stop or a comma, a stop after
# other final punctuation.
DOUBLE = re.compile(r"(?<![.…])\.\.(?![.…])|\s[.,](?![\w.])|[?!:]\.(?!\w)")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.labels: list[str] = []
        self.text: list[str] = []
        self.current: dict[int, list[str]] = {}
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        if tag in LABELS:
            self.current[len(self.stack)] = []
        if tag == "input" and dict(attrs).get("type") == "submit":
            self.labels.append(dict(attrs).get("value") or "")
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip -= 1
        if tag in self.stack:
            while self.stack:
                top = self.stack.pop()
                bits = self.current.pop(len(self.stack), None)
                if bits is not None and top in LABELS:
                    self.labels.extend(" ".join(b.split()) for b in bits if b.strip())
                if top == tag:
                    break

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        for bits in self.current.values():
            bits.append(data)


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _title_case(label: str) -> list[str]:
    """The Title Case words of a label (each text of a heading, button, label... apart:
    a badge after an address is not part of a phrase)."""
    words = re.findall(r"[\w'-]+", label)
    return [w for w in words[1:] if w in TITLE_WORDS]


def _double_punctuation(text: str) -> list[str]:
    text = " ".join(unescape(text).split())
    return [text[max(0, m.start() - 30) : m.end() + 10] for m in DOUBLE.finditer(text)]


def _pages(language: str):
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
    person = UserFactory()
    signed_in = Client(HTTP_ACCEPT_LANGUAGE=language)
    signed_in.force_login(person)
    for client, urls in ((anonymous, ANONYMOUS), (signed_in, SIGNED_IN)):
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 401), url  # a failed sign-in says 401
            yield url, response.content.decode()


def test_the_account_pages_are_in_sentence_case_in_english():
    found = {}
    for url, html in _pages("en"):
        assert 'class="site-header' in html or "<header" in html, f"{url}: not the site's layout"
        for label in _read(html).labels:
            if words := _title_case(label):
                found.setdefault(url, []).append((label, words))
    assert not found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_account_pages_have_no_double_punctuation(language):
    found = {}
    for url, html in _pages(language):
        if bad := _double_punctuation("".join(_read(html).text)):
            found[url] = bad
    assert not found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_password_reset_e_mail_reads_well(language):
    person = UserFactory()
    Client(HTTP_ACCEPT_LANGUAGE=language).post("/accounts/password/reset/", {"email": person.email})
    (message,) = mail.outbox
    assert not _double_punctuation(message.subject + " " + message.body)
    if language == "en":
        assert not _title_case(message.subject.split("]")[-1])
        assert "Password reset e-mail" in message.subject
    else:
        assert "réinitialisation" in message.subject


def test_allauth_strings_say_e_mail_in_sentence_case():
    with translation.override("en"):
        assert translation.gettext("Sign In") == "Sign in"
        assert translation.gettext("Remember Me") == "Remember me"
        assert translation.gettext("Two-Factor Authentication") == "Two-factor authentication"
        assert translation.gettext("Email Addresses") == "E-mail addresses"
    with translation.override("fr"):
        assert translation.gettext("Use a security key") == "Utiliser une clé de sécurité"
        assert translation.gettext("Forgot Password?") == "Mot de passe oublié\u00a0?"
        assert translation.gettext("Email") == "E-mail"  # not django.contrib.auth's "Courriel"


@pytest.mark.parametrize(
    "name,french",
    [
        ("Isabelle Laurent", "Abonnés d'Isabelle Laurent"),
        ("Élodie Martin", "Abonnés d'Élodie Martin"),
        ("Thomas Laurent", "Abonnés de Thomas Laurent"),
    ],
)
def test_elision_before_a_name(name, french):
    with translation.override("fr"):
        assert for_name("Followers of %(name)s", name) == french
    with translation.override("en"):
        assert for_name("Followers of %(name)s", name) == f"Followers of {name}"


def test_every_string_with_an_elided_variant_has_it_in_french():
    with translation.override("fr"):
        missing = [str(m) for m in ELIDED if "d'%(name)s" not in str(m)]
    assert not missing


def _french_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) of our French catalogue, plural forms included."""
    from pathlib import Path

    text = (Path(__file__).parents[1] / "locale/fr/LC_MESSAGES/django.po").read_text("utf-8")
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if m := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line):
                key = m.group(1)
                fields[key] = m.group(2)
            elif key and (m := re.match(r'^"(.*)"$', line)):
                fields[key] += m.group(1)
        for key, value in fields.items():
            if key.startswith("msgstr") and fields.get("msgid"):
                entries.append((fields["msgid"], value))
    return entries


def test_the_french_catalogue_keeps_its_conventions():
    """A no-break space before : ; ? ! and inside « », one apostrophe, generic masculine
    rather than "·e", one word per concept, every entry translated."""
    entries = _french_entries()
    assert len(entries) > 2000
    rules = {
        "plain space before punctuation": re.compile(r"[ \u202f][:;?!](?!\w)"),
        "plain space inside guillemets": re.compile(r"«[ \u202f]|[ \u202f]»"),
        "two spaces": re.compile(r"\u00a0\u00a0|  (?!\\n)"),
        "curly apostrophe": re.compile("\u2019"),
        "inclusive ·e": re.compile(r"·e\b"),
        "recours for an appeal": re.compile(r"\brecours\b"),
        "tag for mot-clé": re.compile(r"(?<![#\w])tags?\b(?!\))"),
        "empty translation": re.compile(r"^$"),
    }
    found = {
        rule: [msgid for msgid, msgstr in entries if pattern.search(msgstr)]
        for rule, pattern in rules.items()
    }
    # API values and the syntax "#tag" stay as typed
    tags = found["tag for mot-clé"]
    found["tag for mot-clé"] = [m for m in tags if "communities, people" not in m]
    assert {rule: bad for rule, bad in found.items() if bad} == {}
