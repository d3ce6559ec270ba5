"""The catalogue of audited actions. `audit.services.record` refuses any other code,
so a typo cannot create an action nobody will ever search for. Each app adds its own."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # Sign-in and account security (allauth signals, see audit/receivers.py).
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.login_failed_throttled": _("Further failed sign-ins from this address not recorded"),
    "auth.login_rate_limited": _("Sign-in refused after too many failed attempts"),
    "auth.logout": _("Signed out"),
    "auth.password_changed": _("Password changed"),
    "auth.password_reset": _("Password reset by e-mail"),
    "auth.mfa_added": _("Two-factor method added"),
    "auth.mfa_removed": _("Two-factor method removed"),
    "auth.mfa_reset": _("Recovery codes regenerated"),
    # Company sign-in (identity/).
    "identity.sso_login": _("Signed in with the company's identity provider"),
    "identity.account_created": _("Account created at the first company sign-in"),
    "identity.linked": _("Existing account linked to the company's identity provider"),
    "identity.refused": _("Company sign-in refused"),
    "identity.attributes_updated": _("Directory fields updated from the identity provider"),
    "identity.single_logout": _("Signed out everywhere by the identity provider"),
    "identity.mfa_enforced": _("Sent to set up two-factor authentication (policy)"),
    # Accounts (profiles).
    "account.signed_up": _("Account created by sign-up"),
    "account.email_added": _("E-mail address added"),
    "account.email_removed": _("E-mail address removed"),
    "account.email_confirmed": _("E-mail address confirmed"),
    "account.created_by_admin": _("Account created by an administrator"),
    "account.updated_by_admin": _("Account changed by an administrator"),
    "permission.changed": _("Access rights changed (admin flags, groups, permissions)"),
    "account.closed": _("Account closed (departure)"),
    "account.reactivated": _("Account reactivated"),
    # People directory.
    "skill.merged": _("Skills merged"),
    # Personal data (privacy/): archives, retention of content, the register.
    "privacy.export_requested": _("Archive of personal data requested"),
    "privacy.export_ready": _("Archive of personal data ready"),
    "privacy.export_failed": _("Archive of personal data failed"),
    "privacy.export_downloaded": _("Archive of personal data downloaded"),
    "privacy.export_deleted": _("Archive of personal data deleted after its period"),
    "privacy.content_purged": _("Deleted or hidden content purged after retention"),
    "privacy.register_exported": _("Processing register exported"),
    "privacy.person_erased": _("Departed person erased (DPO)"),
    "privacy.person_erasure_undone": _("Erasure of a departed person undone"),
    "privacy.erasure_purged": _("What an erasure kept purged after retention"),
    # Usage charter.
    "charter.drafted": _("Charter draft started"),
    "charter.published": _("Charter version published"),
    "charter.accepted": _("Charter accepted"),
    "charter.approved": _("Charter draft approved (sign-off)"),
    "charter.variant_added": _("Charter variant added to a draft"),
    "charter.variant_changed": _("Charter variant changed"),
    "charter.variant_removed": _("Charter variant removed from a draft"),
    "charter.variant_sections_changed": _("Sections of a charter variant changed"),
    # Consultation on charter drafts (consultation/).
    "consultation.opened": _("Consultation on a charter draft opened"),
    "consultation.closed": _("Consultation on a charter draft closed"),
    "consultation.summary_attached": _("Consultation summary attached to the published version"),
    # Communities and memberships.
    "community.created": _("Community created"),
    "community.updated": _("Community changed"),
    "community.archived": _("Community archived"),
    "community.restored": _("Community restored"),
    "membership.joined": _("Joined a free community"),
    "membership.requested": _("Asked to join a community"),
    "membership.request_cancelled": _("Request to join cancelled"),
    "membership.approved": _("Request to join approved"),
    "membership.rejected": _("Request to join rejected"),
    "membership.invited": _("Invited into a community"),
    "membership.external_invited": _("External partner invited by e-mail"),
    "account.created_by_invitation": _("Account created from an invitation"),
    "membership.invitation_accepted": _("Invitation accepted"),
    "membership.invitation_declined": _("Invitation declined"),
    "membership.left": _("Left a community"),
    "membership.removed": _("Removed from a community"),
    "membership.banned": _("Banned from a community"),
    "membership.unbanned": _("Ban lifted"),
    "membership.role_changed": _("Role in a community changed"),
    "permission.granted": _("Object permission granted"),
    "permission.revoked": _("Object permission revoked"),
    # Posts (deletions by their authors; moderators' actions are the moderation codes).
    "post.deleted": _("Post deleted by its author"),
    "comment.deleted": _("Comment deleted by its author"),
    # Moderation.
    "moderation.reported": _("Content reported"),
    "moderation.auto_hidden": _("Content hidden automatically after reports"),
    "moderation.decided": _("Moderation decision"),
    "moderation.sanctioned": _("Sanction decided"),
    "moderation.mute_ended": _("Mute ended at its end date"),
    "moderation.sanction_lifted": _("Sanction lifted on appeal"),
    "moderation.appeal_filed": _("Moderation decision contested"),
    "moderation.appeal_confirmed": _("Appeal: decision confirmed"),
    "moderation.appeal_reversed": _("Appeal: decision reversed"),
    # Lifecycle jobs (lifecycle/): inactive communities, externals, retention.
    "community.dormant": _("Community flagged dormant for inactivity"),
    "community.dormant_reminded": _("Managers reminded that a dormant community will be archived"),
    "community.reactivated": _("Dormant community active again"),
    "membership.invitation_expired": _("Invitation expired"),
    "membership.request_expired": _("Request to join expired"),
    "account.reconfirmation_due": _("External member asked to re-confirm"),
    "account.reconfirmation_reminded": _("External member reminded to re-confirm"),
    "account.reconfirmed": _("External member re-confirmed"),
    "account.suspended": _("External member suspended (re-confirmation lapsed or contract ended)"),
    "account.sponsor_needed": _("Managers asked to name a new sponsor"),
    "account.sponsor_changed": _("Sponsor of an external member changed"),
    "profile.erased": _("Profile data erased by its owner"),
    "profile.erased_data_purged": _("Erased profile data purged after retention"),
    "profile.erase_undone": _("Erased profile data put back by an administrator"),
    "notifications.purged": _("Old read notifications purged"),
    # Company directory (directory/): SCIM, LDAP sync, CSV import.
    "directory.client_created": _("Provisioning client created"),
    "directory.client_token_rotated": _("Provisioning client given a new token"),
    "directory.client_revoked": _("Provisioning client revoked"),
    "directory.person_created": _("Person provisioned by the directory"),
    "directory.person_updated": _("Person changed by the directory"),
    "directory.person_removed": _("Person removed by the directory"),
    "directory.group_created": _("Group provisioned by the directory"),
    "directory.group_updated": _("Group changed by the directory"),
    "directory.group_members_changed": _("Group members changed by the directory"),
    "directory.group_deleted": _("Group removed by the directory"),
    "directory.sync_run": _("Directory synchronisation run"),
    # Alerts (alerts/): announcements and pinned posts.
    "announcement.published": _("Post announced"),
    "announcement.urgent": _("Urgent announcement: delivered outside working hours"),
    "announcement.lifted": _("Announcement lifted"),
    "pin.created": _("Post pinned"),
    "pin.lifted": _("Post unpinned"),
    # Usage observatory (observatory/): who looked at the figures, who exported them.
    "observatory.viewed": _("Usage observatory opened"),
    "observatory.exported": _("Usage observatory table exported (CSV)"),
    # The API (api/): personal access tokens.
    "api.token_created": _("API token created"),
    "api.token_revoked": _("API token revoked"),
    "api.feed_token_created": _("Feed address created"),
    "api.feed_token_revoked": _("Feed address revoked"),
    # Webhooks (webhooks/): a community's hooks.
    "webhook.created": _("Webhook registered"),
    "webhook.updated": _("Webhook changed"),
    "webhook.deleted": _("Webhook deleted"),
    "webhook.secret_rotated": _("Webhook secret renewed"),
    "webhook.disabled": _("Webhook switched off after repeated failures"),
    # The audit trail itself.
    "audit.exported": _("Audit entries exported"),
    "audit.purged": _("Expired audit entries purged"),
    # Operations (rse/backups.py: manage.py backup and restore).
    "operations.backup_taken": _("Backup taken (database and uploaded files)"),
    "operations.restored": _("Site restored from a backup"),
}

# Actions a person sees on their own security page.
SECURITY_ACTIONS = {
    code for code in ACTIONS if code.startswith(("auth.", "account.", "identity.", "api."))
}


def label(code: str) -> str:
    return str(ACTIONS.get(code, code))
