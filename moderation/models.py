"""Moderation: reports gathered into cases, decisions, sanctions, appeals and the
history of each case. Data and invariants only; the workflow is in `services`."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from charter.models import CharterSection
from communities.models import Community
from posts.models import Comment, Post


class Case(models.Model):
    """All reports about one item (a post, or a comment of a post), until a decision.

    `community` follows the post (a moved post moves its cases); empty for a post on
    a profile, which only site moderators handle. Priority counters are stored and
    kept by the report service, so the queue sorts in the database.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("a case", "Open")
        CLOSED = "closed", _("Decided")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="moderation_cases"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_cases",
        help_text=_("Empty: the case is about the post itself."),
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_cases",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author of the content"),
        on_delete=models.CASCADE,
        related_name="moderation_cases",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("first report at"), default=timezone.now)
    reporters_count = models.PositiveIntegerField(_("distinct reporters"), default=0)
    severity = models.PositiveSmallIntegerField(_("highest severity"), default=0)
    auto_hidden = models.BooleanField(_("hidden automatically"), default=False)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        ordering = ["-reporters_count", "-severity", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=models.Q(status="open", comment__isnull=True),
                name="case_open_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment"],
                condition=models.Q(status="open", comment__isnull=False),
                name="case_open_once_per_comment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-reporters_count", "-severity", "opened_at"],
                name="case_queue",
            ),
        ]

    def __str__(self) -> str:
        what = _("comment") if self.comment_id else _("post")
        return f"#{self.pk} {what} — {self.author}"

    @property
    def item(self) -> Post | Comment:
        return self.comment if self.comment_id else self.post  # type: ignore[return-value]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Report(models.Model):
    """One person reports one item once, citing a report reason of the charter."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="moderation_reports",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.ForeignKey(
        CharterSection, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.PositiveSmallIntegerField(_("severity"), default=1)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=models.Q(comment__isnull=True),
                name="report_post_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=models.Q(comment__isnull=False),
                name="report_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} → #{self.case_id} ({self.reason.number})"


class Decision(models.Model):
    """What a moderator decided on a case (one per case)."""

    class Outcome(models.TextChoices):
        KEEP = "keep", _("Keep (dismiss the reports)")
        HIDE = "hide", _("Hide")
        EDIT = "edit", _("Edit")
        MOVE = "move", _("Move to another community")
        DELETE = "delete", _("Delete")

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=8, choices=Outcome.choices)
    reason = models.ForeignKey(
        CharterSection,
        verbose_name=_("charter section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("message to the author"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    # What the item was before, so that an appeal can put it back.
    previous_status = models.CharField(_("status before"), max_length=10, blank=True)
    previous_community = models.ForeignKey(
        Community,
        verbose_name=_("community before"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.get_outcome_display()}"

    @property
    def outcome_done_display(self) -> str:
        """The outcome as a decision taken ("Hidden"), where the choice reads as an order."""
        return str(DONE_OUTCOMES.get(self.outcome, self.get_outcome_display()))


DONE_OUTCOMES: dict[str, Any] = {
    Decision.Outcome.KEEP: pgettext_lazy("decision taken", "Kept (reports dismissed)"),
    Decision.Outcome.HIDE: pgettext_lazy("decision taken", "Hidden"),
    Decision.Outcome.EDIT: pgettext_lazy("decision taken", "Edited"),
    Decision.Outcome.MOVE: pgettext_lazy("decision taken", "Moved to another community"),
    Decision.Outcome.DELETE: pgettext_lazy("decision taken", "Deleted"),
}


class Sanction(models.Model):
    """A measure against a person: with a decision on a case, or alone."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        MUTE = "mute", _("Mute")
        BAN = "ban", _("Exclusion from the community")
        SUSPENSION = "suspension", _("Proposal of site-wide suspension")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="moderation_sanctions",
    )
    kind = models.CharField(_("sanction"), max_length=10, choices=Kind.choices)
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_sanctions",
        help_text=_("Empty: site-wide."),
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sanctions",
    )
    reason = models.ForeignKey(
        CharterSection,
        verbose_name=_("charter section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("message to the person"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    ended_at = models.DateTimeField(
        _("ended at"),
        null=True,
        blank=True,
        help_text=_("When the mute lapsed, or the sanction was lifted on appeal."),
    )

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="mute") | models.Q(ends_at__isnull=False),
                name="sanction_mute_has_end",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "kind", "ends_at"], name="sanction_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.user}"


class Appeal(models.Model):
    """The author contests, once, a decision on a case (with its sanctions) or a
    sanction decided alone; site moderators confirm or reverse."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the site moderators")
        CONFIRMED = "confirmed", _("Confirmed")
        REVERSED = "reversed", _("Reversed")

    case = models.OneToOneField(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="appeal",
    )
    sanction = models.OneToOneField(
        Sanction,
        verbose_name=_("sanction"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="appeal",
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appellant"),
        on_delete=models.CASCADE,
        related_name="moderation_appeals",
    )
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    response = models.TextField(_("answer"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, sanction__isnull=True)
                    | models.Q(case__isnull=True, sanction__isnull=False)
                ),
                name="appeal_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appellant} — {self.get_status_display()}"


EVENT_LABELS = {
    "reported": _("Reported"),
    "auto_hidden": _("Hidden automatically"),
    "claimed": _("Claimed"),
    "released": _("Released"),
    "decided": _("Decided"),
    "sanctioned": _("Sanction decided"),
    "appealed": _("Contested by the author"),
    "appeal_confirmed": _("Appeal: decision confirmed"),
    "appeal_reversed": _("Appeal: decision reversed"),
}


class CaseEvent(models.Model):
    """The history of a case, in order (read-only once written)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    code = models.CharField(_("event"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.code}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.code, self.code))
