"""The processing register (GDPR art. 30) for the data protection officer, generated
from the code and the settings: each category of personal data, the models that hold
it, its purpose, who may see it, how long it is kept and which job enforces that. The
legal basis is the DPO's text (`ProcessingRecord`, edited in Django admin), with a
default proposed here.

`personal_data_models()` finds, by introspection, every model that holds personal
data (the user model, a link to a person, or a field such as an e-mail or an
address); a test fails when one of them is in no entry, so the register stays true
as the code changes: a new app adds its entry here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ProcessingRecord

# Fields that hold personal data on their own, whatever the model.
PERSONAL_FIELDS = {"email", "ip_address", "phone", "user_agent", "first_name", "last_name"}


@dataclass(frozen=True)
class Processing:
    key: str
    category: object
    models: tuple[str, ...]
    purpose: object
    who_sees: object
    retention: Callable[[], str]
    enforced_by: str  # the job (lifecycle.jobs) that applies the retention, or ""
    legal_basis: object  # the default, until the DPO writes theirs


def _days(setting: str, text) -> Callable[[], str]:
    return lambda: str(text) % {"days": getattr(settings, setting), "setting": setting}


ENTRIES: tuple[Processing, ...] = (
    Processing(
        "accounts",
        _("Accounts and profiles"),
        (
            "profiles.user",
            "profiles.profile",
            "profiles.user_groups",
            "profiles.user_user_permissions",
            "account.emailaddress",
            "mfa.authenticator",
            "usersessions.usersession",
            "sessions.session",
            "socialaccount.socialaccount",
            "socialaccount.socialtoken",
            "identity.companyidentity",
            "directory.directoryentry",
            "lifecycle.eraseddata",
        ),
        _(
            "Signing in, the people directory and expert search; provisioning from the "
            "company directory."
        ),
        _(
            "Employees (profile, directory); externals: themselves, their sponsor and the "
            "members of their communities; administrators."
        ),
        _days(
            "ERASED_DATA_RETENTION_DAYS",
            _(
                "While the account is open; profile data erased by its owner, and that of a "
                "closed account, purged %(days)s days later (%(setting)s)."
            ),
        ),
        "erased_data_purge",
        _("Performance of the employment contract; legitimate interest of the company."),
    ),
    Processing(
        "skills",
        _("Skills, endorsements and follows"),
        ("profiles.userskill", "profiles.endorsement", "profiles.follow"),
        _("Finding experts; following colleagues."),
        _("Those who may see the profile."),
        _days(
            "ERASED_DATA_RETENTION_DAYS",
            _("While the account is open; purged %(days)s days after erasure or closing."),
        ),
        "erased_data_purge",
        _("Legitimate interest (sharing knowledge within the company)."),
    ),
    Processing(
        "content",
        _("Posts, comments, attachments, likes, mentions and follows of communities and tags"),
        (
            "posts.post",
            "posts.comment",
            "posts.revision",
            "posts.attachment",
            "posts.like",
            "posts.mention",
            "posts.communityfollow",
            "posts.tagfollow",
        ),
        _("Sharing knowledge in communities and on profiles."),
        _("Those who may read the community (or, on a profile, every employee); moderators."),
        _days(
            "CONTENT_DELETED_RETENTION_DAYS",
            _(
                "While published; deleted or hidden content purged %(days)s days later "
                "(%(setting)s), unless a moderation case or appeal about it is open; "
                "optionally, per community, after a number of years."
            ),
        ),
        "content_retention",
        _("Legitimate interest (the company's internal communication)."),
    ),
    Processing(
        "communities",
        _("Communities, memberships, roles and invitations"),
        (
            "communities.community",
            "communities.membership",
            "communities.externalinvitation",
            "communities.communityuserobjectpermission",
            "guardian.userobjectpermission",
        ),
        _("Running communities: who belongs, who manages, who is invited."),
        _("Members and managers of the community; those who may discover it see the count."),
        _days(
            "COMMUNITY_REQUEST_DAYS",
            _(
                "While the membership lasts; requests and invitations unanswered close "
                "after %(days)s days (%(setting)s) or their expiry."
            ),
        ),
        "memberships_expire",
        _("Legitimate interest."),
    ),
    Processing(
        "notifications",
        _("Notifications and e-mail preferences"),
        (
            "notifications.notification",
            "notifications.notificationpreference",
            "notifications.emailsettings",
            "alerts.notificationday",
        ),
        _("Telling people what concerns them."),
        _("The recipient only."),
        _days(
            "NOTIFICATIONS_READ_RETENTION_DAYS",
            _("Read notifications deleted after %(days)s days (%(setting)s)."),
        ),
        "notifications_purge",
        _("Legitimate interest; the person chooses what is e-mailed (objection)."),
    ),
    Processing(
        "moderation",
        _("Reports, moderation cases, decisions, sanctions and appeals"),
        (
            "moderation.case",
            "moderation.report",
            "moderation.decision",
            "moderation.sanction",
            "moderation.appeal",
            "moderation.caseevent",
        ),
        _("Enforcing the usage charter."),
        _(
            "Moderators of the community and site moderators; the author sees the decisions "
            "and sanctions about them, the reporter the outcome."
        ),
        _days(
            "CONTENT_DELETED_RETENTION_DAYS",
            _(
                "Kept with the content's tombstone; the content itself purged %(days)s days "
                "after deletion or hiding once the case and any appeal are closed."
            ),
        ),
        "content_retention",
        _("Legitimate interest; the company's obligations as host of the content."),
    ),
    Processing(
        "charter",
        _("Charter acceptances"),
        ("charter.charteracceptance", "charter.charterversion"),
        _("Proof that each person accepted the usage charter in force."),
        _("The person (charter page); administrators."),
        lambda: str(_("While the account exists.")),
        "",
        _("Legitimate interest (proof of acceptance)."),
    ),
    Processing(
        "charter_consultation",
        _("Consultations on charter drafts, comments, stances and sign-offs"),
        (
            "consultation.consultation",
            "consultation.sectioncomment",
            "consultation.sectionstance",
            "charter.chartersignoff",
        ),
        _("Writing the usage charter with the people consulted; approvals before publishing."),
        _(
            "Comments and stances: the consultation group and the charter's authors. The "
            "record of a published version (summary, approvals): everyone signed in."
        ),
        lambda: str(_("Kept with the charter version they led to, as its record.")),
        "",
        _("Legitimate interest (dialogue on the rules of the service)."),
    ),
    Processing(
        "questions",
        _("Questions, their offers to experts and answers accepted"),
        (
            "questions.question",
            "questions.questionoffer",
            "questions.answerwillingness",
            "questions.answerstanding",
        ),
        _(
            "Questions answered by colleagues: offering a question to people willing to "
            "answer on its skills; the count of answers accepted on a skill."
        ),
        _(
            "A question: the readers of its community. To whom it was offered: that person "
            "only (the asker sees a number). Answers accepted: whoever may see the profile."
        ),
        lambda: str(
            _("While the question exists; the willingness to answer until its owner withdraws it.")
        ),
        "",
        _("Legitimate interest (sharing knowledge inside the company)."),
    ),
    Processing(
        "events",
        _("Events, answers to them and calendar feeds"),
        ("events.event", "events.rsvp", "events.calendarfeed"),
        _("Running events: answers (going, maybe, not going), the waiting list, reminders."),
        _("The attendees: whoever may read the event's post. A calendar feed: its owner only."),
        lambda: str(_("While the event's post exists; a calendar feed until it is revoked.")),
        "",
        _("Legitimate interest (organising the company's events)."),
    ),
    Processing(
        "ideas",
        _("Idea box: votes and review teams"),
        ("ideas.vote", "ideas.reviewer"),
        _("Weighing ideas: one vote per person and idea; the people who review them."),
        _("Counts of votes: the readers of the community; the review team: its community."),
        lambda: str(_("While the idea exists.")),
        "",
        _("Legitimate interest (involving employees in improvements)."),
    ),
    Processing(
        "alerts",
        _("Alerts, working hours, push subscriptions and announcements seen"),
        (
            "alerts.communityalert",
            "alerts.tagalert",
            "alerts.workinghours",
            "alerts.pushsubscription",
            "alerts.pushsettings",
            "alerts.pin",
            "alerts.receipt",
        ),
        _(
            "Telling people of new posts as they chose, holding alerts outside their working "
            "hours (right to disconnect), pushes to their devices, and the reach of an "
            "announcement."
        ),
        _(
            "Choices, hours and devices: the person only. Who has seen an announcement: the "
            "managers of a closed community; elsewhere a count only."
        ),
        lambda: str(
            _(
                "While the account exists; a device until it is revoked or refused by its push "
                "service; announcements seen, while the announcement exists."
            )
        ),
        "",
        _("Legitimate interest; the right to disconnect (French labour code, L2242-17)."),
    ),
    Processing(
        "observatory",
        _("Usage observatory: reading tokens and aggregates"),
        ("observatory.reading", "observatory.presence"),
        _(
            "Counting active readers and contributors for the usage observatory, in "
            "aggregates only (charter §5.8: never to evaluate anyone)."
        ),
        _(
            "Nobody: a token is a keyed hash of the person for one day, week or month, "
            "read only by the nightly count; the dashboards show aggregates of 5 people or "
            "more."
        ),
        lambda: str(_("Deleted by the nightly count once the day, week or month is counted.")),
        "observatory_rollup",
        _("Legitimate interest (steering the network with aggregate figures)."),
    ),
    Processing(
        "api",
        _("API tokens, feed keys and OAuth 2.0 authorisations"),
        (
            "api.personalaccesstoken",
            "api.feedtoken",
            "oauth2_provider.application",
            "oauth2_provider.grant",
            "oauth2_provider.accesstoken",
            "oauth2_provider.refreshtoken",
            "oauth2_provider.idtoken",
            "oauth2_provider.devicegrant",
        ),
        _(
            "Letting the person's own scripts, feed readers and the company's applications "
            "act for them through the API (only hashes of the secrets are kept)."
        ),
        _("The person (their tokens page); administrators (names and dates, never a secret)."),
        lambda: str(
            _(
                "Until the person revokes them or they expire; OAuth grants and tokens until "
                "they expire or are revoked."
            )
        ),
        "",
        _("Legitimate interest; the person's own choice (they create and revoke them)."),
    ),
    Processing(
        "webhooks",
        _("Webhooks of communities"),
        ("webhooks.hook",),
        _(
            "Telling the company's applications of a community's events, for the manager "
            "who registered the hook; the delivery log holds ids and links, and text only "
            "the owner may read."
        ),
        _("The community's managers; administrators (never the secret after creation)."),
        _days(
            "RSE_WEBHOOKS_LOG_DAYS",
            _(
                "The hook until it is deleted (or its owner's account is erased); its "
                "delivery log %(days)s days (%(setting)s)."
            ),
        ),
        "",
        _("Legitimate interest of the company (integration with its own tools)."),
    ),
    Processing(
        "audit",
        _("Audit trail and the administration log"),
        ("audit.auditentry", "admin.logentry"),
        _("Security and accountability: who did what, when, from where."),
        _("Authorised administrators; each person sees their own security events."),
        _days(
            "AUDIT_RETENTION_DAYS",
            _("Purged after %(days)s days (%(setting)s), the chain staying verifiable."),
        ),
        "audit_purge",
        _("Legal obligation (security of processing); legitimate interest."),
    ),
    Processing(
        "data_rights",
        _("Archives of personal data"),
        ("privacy.dataexport",),
        _("The right of access and portability (Download my data)."),
        _("The person only (the download link); administrators see that it exists."),
        _days(
            "PRIVACY_EXPORT_DAYS",
            _("The archive is deleted %(days)s days after it is ready; the request is kept."),
        ),
        "data_exports_purge",
        _("Legal obligation (GDPR articles 15 and 20)."),
    ),
    Processing(
        "erasures",
        _("Erasures of departed people"),
        ("privacy.personerasure",),
        _("The right to erasure of people who left, exercised by the DPO; undoing a mistake."),
        _("Administrators and the DPO."),
        _days(
            "ERASED_DATA_RETENTION_DAYS",
            _(
                "What an erasure removed is kept %(days)s days (%(setting)s) to undo a "
                "mistake, then purged; the record of the erasure stays."
            ),
        ),
        "person_erasures_purge",
        _("Legal obligation (GDPR article 17)."),
    ),
    Processing(
        "provisioning",
        _("Provisioning clients of the company directory"),
        ("directory.provisioningclient",),
        _("Connecting the company directory (SCIM, LDAP)."),
        _("Administrators."),
        lambda: str(_("While the client exists.")),
        "",
        _("Legitimate interest."),
    ),
)


def personal_data_models() -> set[str]:
    """Labels of the installed models that hold personal data (introspection)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False):
                continue
            if (field.is_relation and field.related_model is user_model) or (
                field.name in PERSONAL_FIELDS
            ):
                found.add(model._meta.label_lower)
                break
        if model is user_model:
            found.add(model._meta.label_lower)
    return found


def registered_models() -> set[str]:
    return {label for entry in ENTRIES for label in entry.models}


@dataclass
class Row:
    entry: Processing
    legal_basis: str
    note: str
    retention: str
    models: list[str]


def rows() -> list[Row]:
    """The register as shown and exported: generated parts and the DPO's text."""
    written = {r.key: r for r in ProcessingRecord.objects.all()}
    result = []
    for entry in ENTRIES:
        record = written.get(entry.key)
        result.append(
            Row(
                entry=entry,
                legal_basis=(record.legal_basis if record and record.legal_basis else "")
                or str(entry.legal_basis),
                note=record.note if record else "",
                retention=entry.retention(),
                models=[_model_name(label) for label in entry.models],
            )
        )
    return result


def _model_name(label: str) -> str:
    try:
        model = apps.get_model(label)
    except LookupError:
        return label
    return f"{model._meta.verbose_name} ({label})"
