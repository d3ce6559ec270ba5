from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _in_language(fr: str, en: str) -> str:
    return fr if (translation.get_language() or "en").startswith("fr") else en


class CharterVersion(models.Model):
    """One version of the usage charter. Edited while a draft, frozen once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.PositiveIntegerField(_("version number"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_fr = models.TextField(_("summary of changes (French)"), blank=True)
    summary_en = models.TextField(_("summary of changes (English)"), blank=True)
    requires_reacceptance = models.BooleanField(
        _("requires re-acceptance"),
        default=True,
        help_text=_(
            "A major change: everyone must accept it again before contributing. "
            "Otherwise it is only announced."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="charter_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def title(self) -> str:
        return _in_language(self.title_fr, self.title_en)

    @property
    def summary(self) -> str:
        return _in_language(self.summary_fr, self.summary_en)


class CharterVariant(models.Model):
    """A local variant of a version (a country, a legal entity, or both): it shares the
    version's common sections and overrides or adds its own. A person is held to the
    most specific variant whose population they belong to (charter.variants)."""

    version = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="variants"
    )
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 code of two letters (FR, DE…); empty: any country."),
    )
    legal_entity = models.CharField(
        _("legal entity"),
        max_length=150,
        blank=True,
        help_text=_("As written in the directory; empty: any legal entity."),
    )

    class Meta:
        verbose_name = _("charter variant")
        verbose_name_plural = _("charter variants")
        ordering = ["version", "name_en", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(country="") & models.Q(legal_entity="")),
                name="charter_variant_has_population",
            ),
            models.UniqueConstraint(
                fields=["version", "country", "legal_entity"],
                name="charter_variant_population_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version.number} — {self.name}"

    @property
    def name(self) -> str:
        return _in_language(self.name_fr, self.name_en)

    @property
    def population(self) -> str:
        return " · ".join(part for part in (self.country, self.legal_entity) if part)


class CharterSection(models.Model):
    """A numbered section ("4" or "4.3"), in both languages. Sections marked as report
    reasons are what moderation cites when a content item breaks a rule.

    A section with a variant belongs to that variant only: it replaces the common
    section of the same number (`replaces`), or adds a local one."""

    version = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sections"
    )
    variant = models.ForeignKey(
        CharterVariant,
        verbose_name=_("variant"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sections",
        help_text=_("Empty: a common section, shown to everyone."),
    )
    replaces = models.BooleanField(
        _("replaces the common section"),
        default=False,
        help_text=_(
            "For a variant's section: it takes the place of the common section of the same "
            "number. Otherwise it is added."
        ),
    )
    number = models.CharField(
        _("number"), max_length=10, help_text=_('"4" for a section, "4.3" for a subsection.')
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("text (French)"), help_text=_("Markdown."))
    body_en = models.TextField(_("text (English)"), help_text=_("Markdown."))
    is_report_reason = models.BooleanField(
        _("report reason"),
        default=False,
        help_text=_(
            "Offered as a reason when someone reports content, and cited by moderation decisions."
        ),
    )

    class Meta:
        verbose_name = _("charter section")
        verbose_name_plural = _("charter sections")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"],
                condition=models.Q(variant__isnull=True),
                name="charter_section_number_unique",
            ),
            models.UniqueConstraint(
                fields=["variant", "number"],
                condition=models.Q(variant__isnull=False),
                name="charter_variant_section_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(variant__isnull=False) | models.Q(replaces=False),
                name="charter_section_only_variants_replace",
            ),
        ]

    def __str__(self) -> str:
        return f"§{self.number} {self.title}"

    @property
    def title(self) -> str:
        return _in_language(self.title_fr, self.title_en)

    @property
    def body(self) -> str:
        return _in_language(self.body_fr, self.body_en)

    @property
    def is_subsection(self) -> bool:
        return "." in self.number

    @property
    def anchor(self) -> str:
        return "s" + self.number.replace(".", "-")


class CharterAcceptance(models.Model):
    """A person accepted a version: when, from which address and client."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="charter_acceptances",
    )
    version = models.ForeignKey(
        CharterVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    variant = models.ForeignKey(
        CharterVariant,
        verbose_name=_("variant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acceptances",
        help_text=_("The variant that applied to the person; empty: the common text."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("client"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"],
                condition=models.Q(variant__isnull=True),
                name="charter_accepted_once_per_version",
            ),
            models.UniqueConstraint(
                fields=["user", "version", "variant"],
                condition=models.Q(variant__isnull=False),
                name="charter_accepted_once_per_variant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — v{self.version.number}"


class CharterSignOff(models.Model):
    """An approver approved the text of a draft as it stood (its fingerprint). A revision
    after the approval changes the fingerprint: the approval no longer counts."""

    version = models.ForeignKey(
        CharterVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="signoffs",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="charter_signoffs",
    )
    fingerprint = models.CharField(_("text fingerprint"), max_length=64)
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("charter sign-off")
        verbose_name_plural = _("charter sign-offs")
        ordering = ["-approved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "approver", "fingerprint"],
                name="charter_signoff_once_per_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approver} — v{self.version.number}"
