"""Consultation on a charter draft: data only (workflows in services.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from charter.models import CharterVersion


class Consultation(models.Model):
    """A draft opened for comments for a period, to some groups or to all employees.
    Closing it freezes a summary, attached to the version when it is published."""

    version = models.OneToOneField(
        CharterVersion,
        verbose_name=_("charter version"),
        on_delete=models.PROTECT,
        related_name="consultation",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_employees = models.BooleanField(_("all employees"), default=False)
    groups = models.ManyToManyField(
        "auth.Group", verbose_name=_("consultation groups"), blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Frozen at closing: sections changed, comments, support and objections per section.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    summary_attached_at = models.DateTimeField(_("summary attached at"), null=True, blank=True)
    # Notices sent (claimed by a conditional update: each is sent once).
    opened_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="consultation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version.number} ({self.starts_at:%Y-%m-%d} → {self.ends_at:%Y-%m-%d})"

    def has_started(self, now) -> bool:
        return self.starts_at <= now

    def is_open(self, now) -> bool:
        """Comments and stances are taken: started, not past its end, not closed."""
        return self.closed_at is None and self.starts_at <= now < self.ends_at

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class SectionComment(models.Model):
    """A comment on one section of the draft (by its number), or an answer to one: one
    level of threading."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    section_number = models.CharField(_("section"), max_length=10)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in answer to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answers",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "section_number"], name="consult_comment_section"),
        ]

    def __str__(self) -> str:
        return f"§{self.section_number} — {self.author}"


class SectionStance(models.Model):
    """A consulted person supports or objects to a section (one stance each, changeable
    while the consultation is open)."""

    class Stance(models.TextChoices):
        SUPPORT = "support", _("Support")
        OBJECT = "object", _("Object")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="stances",
    )
    section_number = models.CharField(_("section"), max_length=10)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stance on a section")
        verbose_name_plural = _("stances on sections")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "section_number", "person"],
                name="consult_one_stance_per_section",
            ),
        ]

    def __str__(self) -> str:
        return f"§{self.section_number} — {self.person}: {self.get_stance_display()}"
