"""Moderation workflow through the services: reporting, auto-hide, priority, claims,
decisions with sanctions, mutes and their expiry, escalation, appeals."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from access import moderation as moderation_rules
from access.communities import can_post
from audit.models import AuditEntry
from communities.models import Membership
from moderation import appeals, selectors, services
from moderation.models import Appeal, Case, Decision, Report, Sanction
from notifications.models import Notification
from posts.models import Comment, Post, Revision

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .moderation_factories import SanctionFactory, make_cast, reason, reported_post
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def _snapshot():
    return (
        Case.objects.count(),
        Report.objects.count(),
        Decision.objects.count(),
        Sanction.objects.count(),
        Appeal.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
        list(Post.objects.order_by("pk").values_list("status", "community_id", "body")),
        list(Membership.objects.order_by("pk").values_list("status", flat=True)),
    )


# Reporting ----------------------------------------------------------------------------


def test_a_report_opens_a_case_with_history_and_audit(cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    assert case.status == "open" and case.community == cast.community and case.author == cast.author
    assert case.reporters_count == 1 and case.severity == 3  # privacy of others
    assert list(case.events.values_list("code", flat=True)) == ["reported"]
    entry = AuditEntry.objects.get(action="moderation.reported")
    assert entry.actor == cast.member and entry.data["reason"] == "4.3"


def test_reports_on_one_item_gather_into_one_case(cast):
    post = reported_post(cast, reporters=[cast.member, cast.moderator], number="4.10")
    case = Case.objects.get(post=post)
    assert case.reports.count() == 2 and case.reporters_count == 2 and case.severity == 1


def test_reporting_twice_is_refused_and_changes_nothing(cast):
    post = reported_post(cast)
    before = _snapshot()
    with pytest.raises(ValidationError, match="already reported"):
        services.report_create(actor=cast.member, post=post, reason=reason("4.4"))
    assert _snapshot() == before


def test_reporting_what_you_cannot_read_is_refused(cast):
    post = PostFactory(community=cast.community, author=cast.author)  # open: members only
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.report_create(actor=cast.outsider, post=post, reason=reason())
    assert _snapshot() == before


def test_reporting_needs_a_reason_of_the_charter(cast):
    post = PostFactory(community=cast.community, author=cast.author)
    with pytest.raises(ValidationError, match="reason"):
        services.report_create(actor=cast.member, post=post, reason=999999)
    assert not Case.objects.exists()


def test_nobody_reports_their_own_content(cast):
    post = PostFactory(community=cast.community, author=cast.author)
    with pytest.raises(ValidationError, match="own content"):
        services.report_create(actor=cast.author, post=post, reason=reason())


def test_a_muted_member_cannot_report(cast):
    post = PostFactory(community=cast.community, author=cast.author)
    SanctionFactory(
        user=cast.member,
        kind="mute",
        community=cast.community,
        ends_at=timezone.now() + timedelta(days=2),
    )
    with pytest.raises(PermissionDenied):
        services.report_create(actor=cast.member, post=post, reason=reason())


@override_settings(REPORT_AUTO_HIDE_THRESHOLD=3)
def test_auto_hide_at_the_threshold_of_distinct_reporters(cast):
    post = reported_post(cast, reporters=[cast.member, cast.moderator])
    post.refresh_from_db()
    assert post.status == "published"
    services.report_create(actor=cast.manager, post=post, reason=reason("4.5"))
    post.refresh_from_db()
    case = Case.objects.get(post=post)
    assert post.status == "hidden" and case.auto_hidden
    assert AuditEntry.objects.filter(action="moderation.auto_hidden").count() == 1


@override_settings(REPORT_AUTO_HIDE_THRESHOLD=1)
def test_auto_hidden_comment_keeps_the_comment_counter_right(cast):
    post = PostFactory(community=cast.community, author=cast.member)
    comment = CommentFactory(post=post, author=cast.author)
    assert Post.objects.get(pk=post.pk).comments_count == 1
    services.report_create(actor=cast.member, post=post, comment=comment, reason=reason())
    assert Comment.objects.get(pk=comment.pk).status == "hidden"
    assert Post.objects.get(pk=post.pk).comments_count == 0
    case = Case.objects.get(comment=comment)
    services.case_decide(actor=cast.manager, case=case, outcome="keep")
    assert Comment.objects.get(pk=comment.pk).status == "published"
    assert Post.objects.get(pk=post.pk).comments_count == 1


# Priority -----------------------------------------------------------------------------


def test_queue_orders_by_reporters_then_severity_then_age(cast):
    extra = UserFactory()
    MembershipFactory(community=cast.community, user=extra)
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        oldest_spam = reported_post(cast, number="4.10")
    spam = reported_post(cast, number="4.10")
    privacy = reported_post(cast, number="4.3")
    crowded = reported_post(cast, reporters=[cast.member, extra], number="4.10")
    order = [c.post_id for c in selectors.queue(cast.manager)]
    assert order == [crowded.pk, privacy.pk, oldest_spam.pk, spam.pk]


# Decisions ----------------------------------------------------------------------------


def test_hide_with_a_warning_informs_author_and_reporter(cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    decision = services.case_decide(
        actor=cast.manager,
        case=case,
        outcome="hide",
        reason=reason("4.3"),
        message="Please do not share colleagues' health news.",
        sanction={"kind": "warning"},
    )
    post.refresh_from_db()
    case.refresh_from_db()
    assert post.status == "hidden" and case.status == "closed" and decision.outcome == "hide"
    warning = Sanction.objects.get(user=cast.author)
    assert warning.kind == "warning" and warning.case == case and warning.reason.number == "4.3"
    to_author = Notification.objects.filter(recipient=cast.author, kind="moderation")
    events = sorted(n.data["event"] for n in to_author)
    assert events == ["case_decided", "sanctioned"]
    decided = to_author.get(data__event="case_decided")
    assert decided.data["section"] == "4.3" and decided.post is None and decided.actor is None
    to_reporter = Notification.objects.get(recipient=cast.member)
    assert to_reporter.data == {
        "event": "report_outcome",
        "case": case.pk,
        "item": "post",
        "outcome": "actioned",
    }
    assert {"moderation.decided", "moderation.sanctioned"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    assert list(case.events.values_list("code", flat=True)) == ["reported", "decided", "sanctioned"]


def test_keep_tells_the_reporter_nothing_was_wrong_and_the_author_nothing(cast):
    post = reported_post(cast)
    services.case_decide(actor=cast.moderator, case=Case.objects.get(post=post), outcome="keep")
    assert Post.objects.get(pk=post.pk).status == "published"
    assert Notification.objects.get(recipient=cast.member).data["outcome"] == "kept"
    assert not Notification.objects.filter(recipient=cast.author).exists()


def test_edit_keeps_the_earlier_version_and_marks_the_post(cast):
    post = reported_post(cast, body="Call Jean at 06 12 34 56 78")
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="edit",
        reason=reason("4.3"),
        body="Call Jean (number removed by a moderator)",
    )
    post.refresh_from_db()
    assert post.edited_by_moderator and post.body.startswith("Call Jean (number removed")
    revision = Revision.objects.get(post=post)
    assert revision.by_moderator and revision.body == "Call Jean at 06 12 34 56 78"


def test_move_to_a_community_the_moderator_handles(cast):
    destination = CommunityFactory()
    MembershipFactory(community=destination, user=cast.manager, role="manager")
    post = reported_post(cast, number="4.16")
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="move",
        reason=reason("4.16"),
        destination=destination,
    )
    assert Post.objects.get(pk=post.pk).community == destination
    assert Case.objects.get(post=post).community == destination


def test_move_to_a_community_one_does_not_moderate_is_refused(cast):
    post = reported_post(cast, number="4.16")
    before = _snapshot()
    with pytest.raises(ValidationError, match="Choose a community"):
        services.case_decide(
            actor=cast.manager,
            case=Case.objects.get(post=post),
            outcome="move",
            reason=reason("4.16"),
            destination=cast.other,
        )
    assert _snapshot() == before


def test_delete_sets_the_deletion_date(cast):
    post = reported_post(cast)
    services.case_decide(
        actor=cast.manager, case=Case.objects.get(post=post), outcome="delete", reason=reason()
    )
    post.refresh_from_db()
    assert post.status == "deleted" and post.deleted_at is not None


def test_deciding_a_closed_case_is_refused_and_changes_nothing(cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(actor=cast.manager, case=case, outcome="keep")
    before = _snapshot()
    with pytest.raises(ValidationError, match="already decided"):
        services.case_decide(actor=cast.moderator, case=case, outcome="hide", reason=reason())
    assert _snapshot() == before


def test_a_decision_other_than_keep_cites_the_charter(cast):
    post = reported_post(cast)
    before = _snapshot()
    with pytest.raises(ValidationError, match="section of the charter"):
        services.case_decide(actor=cast.manager, case=Case.objects.get(post=post), outcome="hide")
    assert _snapshot() == before


@pytest.mark.parametrize("days", [0, -3, 100000, "many"])
def test_absurd_mute_durations_are_refused_and_nothing_changes(cast, days):
    post = reported_post(cast)
    before = _snapshot()
    with pytest.raises(ValidationError, match="mute"):
        services.case_decide(
            actor=cast.manager,
            case=Case.objects.get(post=post),
            outcome="hide",
            reason=reason(),
            sanction={"kind": "mute", "days": days},
        )
    assert _snapshot() == before  # the post is not hidden either: one transaction


def test_a_failing_notification_rolls_the_whole_decision_back(cast, monkeypatch):
    post = reported_post(cast)
    before = _snapshot()

    def broken(**kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(services, "notify", broken)
    with pytest.raises(RuntimeError):
        services.case_decide(
            actor=cast.manager,
            case=Case.objects.get(post=post),
            outcome="hide",
            reason=reason(),
            sanction={"kind": "warning"},
        )
    assert _snapshot() == before


# Claims -------------------------------------------------------------------------------


def test_a_claim_blocks_others_until_it_lapses(cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_claim(actor=cast.moderator, case=case)
    with pytest.raises(ValidationError, match="is handling this case"):
        services.case_claim(actor=cast.manager, case=case)
    with pytest.raises(ValidationError, match="is handling this case"):
        services.case_decide(actor=cast.manager, case=case, outcome="keep")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        services.case_decide(actor=cast.manager, case=case, outcome="keep")
    assert Case.objects.get(pk=case.pk).status == "closed"


# Sanctions ----------------------------------------------------------------------------


def test_a_mute_stops_contribution_in_that_community_and_ends_by_itself(cast):
    post = reported_post(cast)
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="hide",
        reason=reason(),
        sanction={"kind": "mute", "days": 3},
    )
    assert not can_post(cast.author, cast.community)
    assert moderation_rules.is_muted(cast.author, cast.community)
    assert not moderation_rules.is_muted(cast.author)  # not site-wide
    free = CommunityFactory(access="free")
    assert can_post(cast.author, free)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert not moderation_rules.is_muted(cast.author, cast.community)
        assert can_post(cast.author, cast.community)
        assert services.end_expired_mutes() == 1
        assert services.end_expired_mutes() == 0  # idempotent
    mute = Sanction.objects.get(kind="mute")
    assert mute.ended_at == mute.ends_at
    assert AuditEntry.objects.filter(action="moderation.mute_ended").count() == 1


def test_the_command_and_the_task_end_lapsed_mutes(cast, capsys):
    from moderation.tasks import end_expired_mutes

    past = timezone.now() - timedelta(hours=1)
    SanctionFactory(user=cast.author, kind="mute", ends_at=past)
    SanctionFactory(user=cast.member, kind="mute", ends_at=past)
    call_command("moderation_end_mutes", "--dry-run")
    assert "Would end 2" in capsys.readouterr().out
    assert Sanction.objects.filter(ended_at__isnull=True).count() == 2
    call_command("moderation_end_mutes")
    assert "Ended 2" in capsys.readouterr().out
    assert end_expired_mutes.apply().get() == 0  # runs here, whatever the broker


def test_site_wide_mute_is_for_site_moderators(cast, site_moderator):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    with pytest.raises(PermissionDenied):
        services.sanction_create(
            actor=cast.manager,
            user=cast.author,
            community=cast.community,
            kind="mute",
            days=2,
            site_wide=True,
            case=case,
        )
    services.sanction_create(
        actor=site_moderator,
        user=cast.author,
        community=cast.community,
        kind="mute",
        days=2,
        site_wide=True,
        case=case,
    )
    assert moderation_rules.is_muted(cast.author)
    assert not can_post(cast.author, CommunityFactory(access="free"))


def test_ban_by_the_manager_uses_the_membership_statuses(cast):
    post = reported_post(cast)
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="delete",
        reason=reason(),
        sanction={"kind": "ban"},
    )
    membership = Membership.objects.get(community=cast.community, user=cast.author)
    assert membership.status == "banned"
    assert not can_post(cast.author, cast.community)
    assert AuditEntry.objects.filter(action="membership.banned").exists()


def test_a_moderator_who_is_not_manager_cannot_ban(cast):
    post = reported_post(cast)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.case_decide(
            actor=cast.moderator,
            case=Case.objects.get(post=post),
            outcome="hide",
            reason=reason(),
            sanction={"kind": "ban"},
        )
    assert _snapshot() == before


def test_ban_from_a_free_community_without_membership(cast, admin_user):
    free = CommunityFactory(access="free")
    MembershipFactory(community=free, user=cast.manager, role="manager")
    post = PostFactory(community=free, author=cast.author)
    services.report_create(actor=cast.member, post=post, reason=reason())
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="hide",
        reason=reason(),
        sanction={"kind": "ban"},
    )
    assert Membership.objects.get(community=free, user=cast.author).status == "banned"
    assert not can_post(cast.author, free)


def test_suspension_proposal_goes_to_the_administrators(cast, admin_user):
    post = reported_post(cast)
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="hide",
        reason=reason(),
        sanction={"kind": "suspension"},
    )
    note = Notification.objects.get(recipient=admin_user)
    assert note.data["event"] == "suspension_proposed"
    assert not Notification.objects.filter(recipient=cast.author, data__event="sanctioned")


def test_escalation_suggests_a_mute_at_the_third_warning_within_90_days(cast):
    with time_machine.travel(timezone.now() - timedelta(days=120)):
        SanctionFactory(user=cast.author)  # too old to count
    SanctionFactory(user=cast.author)
    assert selectors.suggested_escalation(cast.author) is None
    SanctionFactory(user=cast.author)
    assert selectors.suggested_escalation(cast.author) == "mute"


def test_escalation_after_repeated_mutes_suggests_a_suspension(cast):
    for _ in range(2):
        SanctionFactory(user=cast.author, kind="mute", ends_at=timezone.now())
    assert selectors.suggested_escalation(cast.author) == "suspension"


# Appeals ------------------------------------------------------------------------------


def _hidden_with_mute(cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(
        actor=cast.manager,
        case=case,
        outcome="hide",
        reason=reason(),
        sanction={"kind": "mute", "days": 7},
    )
    return post, case


def test_appeal_reversed_restores_the_content_and_lifts_the_sanction(cast, site_moderator):
    post, case = _hidden_with_mute(cast)
    appeal = appeals.appeal_file(actor=cast.author, case=case, message="It was public news.")
    assert Notification.objects.filter(recipient=site_moderator, data__event="appeal_filed")
    appeals.appeal_decide(actor=site_moderator, appeal=appeal, reverse=True, response="Agreed.")
    assert Post.objects.get(pk=post.pk).status == "published"
    assert not moderation_rules.is_muted(cast.author, cast.community)
    assert Appeal.objects.get().status == "reversed"
    note = Notification.objects.get(recipient=cast.author, data__event="appeal_decided")
    assert note.data["status"] == "reversed"
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"moderation.appeal_filed", "moderation.appeal_reversed"} <= codes
    assert "moderation.sanction_lifted" in codes


def test_appeal_confirmed_changes_nothing_but_the_appeal(cast, site_moderator):
    post, case = _hidden_with_mute(cast)
    appeal = appeals.appeal_file(actor=cast.author, case=case, message="Unfair.")
    appeals.appeal_decide(actor=site_moderator, appeal=appeal, reverse=False)
    assert Post.objects.get(pk=post.pk).status == "hidden"
    assert moderation_rules.is_muted(cast.author, cast.community)
    with pytest.raises(ValidationError, match="already decided"):
        appeals.appeal_decide(actor=site_moderator, appeal=appeal, reverse=True)


def test_an_appeal_is_filed_once_by_the_author_only(cast):
    _post, case = _hidden_with_mute(cast)
    with pytest.raises(PermissionDenied):
        appeals.appeal_file(actor=cast.member, case=case, message="Not mine.")
    appeals.appeal_file(actor=cast.author, case=case, message="Please look again.")
    before = _snapshot()
    with pytest.raises(ValidationError, match="contested once"):
        appeals.appeal_file(actor=cast.author, case=case, message="Again.")
    assert _snapshot() == before


def test_community_moderators_do_not_decide_appeals(cast):
    _post, case = _hidden_with_mute(cast)
    appeal = appeals.appeal_file(actor=cast.author, case=case, message="Please.")
    with pytest.raises(PermissionDenied):
        appeals.appeal_decide(actor=cast.manager, appeal=appeal, reverse=True)


def test_a_sanction_decided_alone_is_appealed_on_its_own(cast, site_moderator):
    post = reported_post(cast)
    sanction = services.sanction_create(
        actor=cast.manager,
        user=cast.author,
        community=cast.community,
        kind="warning",
        case=None,
    )
    assert Case.objects.get(post=post).status == "open"
    appeal = appeals.appeal_file(actor=cast.author, sanction=sanction, message="Why?")
    appeals.appeal_decide(actor=site_moderator, appeal=appeal, reverse=True)
    assert Sanction.objects.get(pk=sanction.pk).ended_at is not None


# Measures -----------------------------------------------------------------------------


def test_measures_give_median_and_p90_per_community_and_overall(cast):
    start = timezone.now() - timedelta(days=2)
    for hours in (1, 2, 3, 4, 10):
        with time_machine.travel(start, tick=False):
            post = reported_post(cast)
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            services.case_decide(
                actor=cast.manager, case=Case.objects.get(post=post), outcome="keep"
            )
    reported_post(cast)  # still open
    measures = selectors.measures()
    assert measures["overall"] == {"count": 5, "median": 3.0, "p90": 10.0}
    assert measures["communities"][0]["community"] == cast.community.name
    assert sum(row["count"] for row in measures["open_by_age"]) == 1


def test_a_site_moderator_is_never_offered_a_hidden_community_to_move_to(
    client, cast, site_moderator
):
    """Issue 27 (hardening): the "move to" list shows no hidden community the site
    moderator may not discover, and moving into one is refused alike."""
    hidden = CommunityFactory(name="Secret board", access="closed", visibility="hidden")
    visible = CommunityFactory(name="Open square")
    post = reported_post(cast, number="4.16")
    case = Case.objects.get(post=post)
    client.force_login(site_moderator)
    page = client.get(f"/moderation/cases/{case.pk}/").content.decode()
    assert "Open square" in page and "Secret board" not in page
    before = _snapshot()
    with pytest.raises(ValidationError, match="Choose a community"):
        services.case_decide(
            actor=site_moderator,
            case=case,
            outcome="move",
            reason=reason("4.16"),
            destination=hidden,
        )
    assert _snapshot() == before
    assert visible in services.move_destinations(site_moderator, case)


@pytest.mark.parametrize(("role", "allowed"), [("manager", True), ("moderator", False)])
def test_only_its_managers_move_a_post_into_a_hidden_community(cast, role, allowed):
    hidden = CommunityFactory(access="closed", visibility="hidden")
    MembershipFactory(community=hidden, user=cast.manager, role=role)
    case = Case.objects.get(post=reported_post(cast, number="4.16"))
    assert (hidden in services.move_destinations(cast.manager, case)) is allowed
