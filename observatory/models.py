"""The observatory's tables: short-lived reading tokens, and the aggregates.

Nothing here names a person. Readings and presences hold a keyed hash of a person's
id that changes with the day (readings) or the period (presences), so rows cannot be
joined across days, and they are deleted by the nightly rollup once counted
(README, "Usage observatory"). The aggregate tables hold counts only.

A new indicator (as questions and their answer rate were added) is one more
column on `CommunityDay` / `NetworkDay` and one more entry in `rollup.COMMUNITY_METRICS`
(a function that returns {community id: value} for a day): the rollup, the tables, the
CSV exports and the admin pick columns from there.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reading(models.Model):
    """Someone (a daily token) opened a page of a community on a day. Kept until the
    nightly rollup has counted the day, then deleted."""

    day = models.DateField(_("day"))
    # 0: a page outside any community (the home stream, a post on a profile).
    community_id = models.PositiveIntegerField(_("community id"))
    token = models.CharField(_("daily token"), max_length=32)
    department = models.CharField(_("department"), max_length=150, blank=True)
    site = models.CharField(_("site"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("reading (until counted)")
        verbose_name_plural = _("readings (until counted)")
        constraints = [
            models.UniqueConstraint(fields=["day", "community_id", "token"], name="reading_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} #{self.community_id}"


class Presence(models.Model):
    """Someone (a token for this week or month) was active during a period, at a level:
    read only, reacted (commented or liked), created (posted). Kept until the period
    is over and counted, then deleted."""

    class Level(models.IntegerChoices):
        READ = 0, _("Read only")
        REACTED = 1, _("Commented or liked")
        CREATED = 2, _("Posted")

    period = models.CharField(_("period"), max_length=10)  # "2026-W48" or "2026-11"
    token = models.CharField(_("period token"), max_length=32)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=0)

    class Meta:
        verbose_name = _("presence (until counted)")
        verbose_name_plural = _("presences (until counted)")
        constraints = [
            models.UniqueConstraint(fields=["period", "token"], name="presence_once"),
        ]

    def __str__(self) -> str:
        return self.period


class RollupDay(models.Model):
    """Where the rollup of a day stands: communities written up to `cursor` (by id),
    then the network and segment rows and the end (`finished_at`)."""

    day = models.DateField(_("day"), unique=True)
    cursor = models.PositiveIntegerField(_("last community written"), default=0)
    readings_counted = models.BooleanField(_("readings counted and deleted"), default=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The top tags of the preset periods ending this day are stored (`CommunityTopTag`),
    # computed with this threshold of people; None: not stored (an older day, or not
    # computed yet). At most one day has it.
    top_tags_threshold = models.PositiveSmallIntegerField(
        _("top tags stored (with this threshold)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("rollup of a day")
        verbose_name_plural = _("rollups of days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class CommunityDay(models.Model):
    """One community on one day."""

    day = models.DateField(_("day"))
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique constraint below starts with it
    )
    members = models.PositiveIntegerField(_("members"), default=0)
    new_members = models.PositiveIntegerField(_("new members"), default=0)
    readers = models.PositiveIntegerField(_("readers"), default=0)
    contributors = models.PositiveIntegerField(_("contributors"), default=0)
    active = models.PositiveIntegerField(_("active people"), default=0)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    first_comment_minutes = models.PositiveIntegerField(
        _("median time to first comment (minutes)"), null=True, blank=True
    )
    first_comments = models.PositiveIntegerField(_("first comments"), default=0)
    requests_decided = models.PositiveIntegerField(_("requests decided"), default=0)
    request_delay_hours = models.PositiveIntegerField(
        _("median delay of requests (hours)"), null=True, blank=True
    )
    reports = models.PositiveIntegerField(_("reports"), default=0)
    reporters = models.PositiveIntegerField(_("reporters"), default=0)
    cases_decided = models.PositiveIntegerField(_("cases decided"), default=0)
    decision_hours = models.PositiveIntegerField(
        _("median time to decision (hours)"), null=True, blank=True
    )
    # Questions asked that day; of them, those answered (a published comment) and
    # resolved (an answer accepted) by the time the day was rolled up; and their askers.
    questions = models.PositiveIntegerField(_("questions asked"), default=0)
    questions_answered = models.PositiveIntegerField(_("questions answered"), default=0)
    questions_resolved = models.PositiveIntegerField(_("questions resolved"), default=0)
    askers = models.PositiveIntegerField(_("people who asked"), default=0)
    # Posts and comments by hour of the day (local time), 24 numbers.
    hours = models.JSONField(_("contributions by hour"), default=list, blank=True)

    class Meta:
        verbose_name = _("community day")
        verbose_name_plural = _("community days")
        ordering = ["-day", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="community_day_once"),
        ]
        indexes = [models.Index(fields=["day"], name="community_day_day")]

    def __str__(self) -> str:
        return f"{self.day} #{self.community_id}"


class SegmentDay(models.Model):
    """One department or one site on one day (people counted by where they work)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        SITE = "site", _("Site")

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    readers = models.PositiveIntegerField(_("readers"), default=0)
    contributors = models.PositiveIntegerField(_("contributors"), default=0)
    active = models.PositiveIntegerField(_("active people"), default=0)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    likes = models.PositiveIntegerField(_("likes"), default=0)

    class Meta:
        verbose_name = _("department or site day")
        verbose_name_plural = _("department and site days")
        ordering = ["-day", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "name"], name="segment_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.name}"


class NetworkDay(models.Model):
    """The whole network on one day."""

    day = models.DateField(_("day"), unique=True)
    workforce = models.PositiveIntegerField(_("employees"), default=0)
    externals = models.PositiveIntegerField(_("external members"), default=0)
    readers = models.PositiveIntegerField(_("readers"), default=0)
    contributors = models.PositiveIntegerField(_("contributors"), default=0)
    active = models.PositiveIntegerField(_("active people"), default=0)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    reports = models.PositiveIntegerField(_("reports"), default=0)
    reporters = models.PositiveIntegerField(_("reporters"), default=0)
    cases_decided = models.PositiveIntegerField(_("cases decided"), default=0)
    decision_hours = models.PositiveIntegerField(
        _("median time to decision (hours)"), null=True, blank=True
    )
    # Questions asked that day; of them, those answered (a published comment) and
    # resolved (an answer accepted) by the time the day was rolled up; and their askers.
    questions = models.PositiveIntegerField(_("questions asked"), default=0)
    questions_answered = models.PositiveIntegerField(_("questions answered"), default=0)
    questions_resolved = models.PositiveIntegerField(_("questions resolved"), default=0)
    askers = models.PositiveIntegerField(_("people who asked"), default=0)

    class Meta:
        verbose_name = _("network day")
        verbose_name_plural = _("network days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class NetworkPeriod(models.Model):
    """Distinct active people over a calendar week or month (from the presences)."""

    class Kind(models.TextChoices):
        WEEK = "week", _("Week")
        MONTH = "month", _("Month")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=10)
    start = models.DateField(_("first day"))
    complete = models.BooleanField(_("complete"), default=False)
    workforce = models.PositiveIntegerField(_("employees"), default=0)
    active = models.PositiveIntegerField(_("active people"), default=0)
    creators = models.PositiveIntegerField(_("people who posted"), default=0)
    reactors = models.PositiveIntegerField(_("people who commented or liked only"), default=0)
    readers_only = models.PositiveIntegerField(_("people who read only"), default=0)

    class Meta:
        verbose_name = _("network week or month")
        verbose_name_plural = _("network weeks and months")
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="network_period_once"),
        ]

    def __str__(self) -> str:
        return self.period


class CommunityTopTag(models.Model):
    """One of a community's top tags over a preset period of the dashboard (the last
    30 days, quarter or year) ending on `last_day`: the most recent day rolled up, whose
    `RollupDay.top_tags_threshold` says the rows are there (see observatory/toptags.py).
    Distinct authors over a period cannot be summed from daily rows: the nightly run
    counts them once, for the dashboard to read."""

    class Period(models.TextChoices):
        DAYS_30 = "30d", _("Last 30 days")
        QUARTER = "quarter", _("Last quarter (91 days)")
        YEAR = "year", _("Last year (365 days)")

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique constraint below starts with it
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    last_day = models.DateField(_("last day"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    tag = models.CharField(_("tag"), max_length=100)
    posts = models.PositiveIntegerField(_("posts"))
    authors = models.PositiveIntegerField(_("authors"))

    class Meta:
        verbose_name = _("top tag of a community")
        verbose_name_plural = _("top tags of communities")
        ordering = ["-last_day", "community_id", "period", "rank"]
        constraints = [
            # Also the index of the dashboard's read (a community, a period, its last
            # day, by rank).
            models.UniqueConstraint(
                fields=["community", "period", "last_day", "rank"], name="community_top_tag_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_day} {self.period} #{self.community_id} {self.rank}. {self.tag}"
