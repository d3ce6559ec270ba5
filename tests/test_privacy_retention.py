"""Retention of deleted and hidden content: purged CONTENT_DELETED_RETENTION_DAYS later
(at the threshold ±1 day, frozen clock), held by open cases and appeals, files removed
from storage, once, in batches, with a dry run; the audit chain still verifies."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from audit.integrity import verify_chain
from audit.models import AuditEntry
from lifecycle import jobs
from moderation import appeals
from moderation import services as moderation
from moderation.models import Appeal, Case, Decision
from posts import services as posts
from posts.models import Attachment, Comment, Like, Post, Revision, Status, TaggedPost
from privacy.models import CommunityRetention

from .moderation_factories import make_cast, reason
from .posts_stream_factories import pdf_upload

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RETENTION = timedelta(days=30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CONTENT_DELETED_RETENTION_DAYS = 30


def run(at, *, dry_run=False, capture=None):
    with time_machine.travel(at, tick=False):
        if capture is None:
            return jobs.run("content_retention", dry_run=dry_run)
        with capture(execute=True):
            return jobs.run("content_retention", dry_run=dry_run)


@pytest.fixture
def cast():
    return make_cast()


def rich_post(cast, body="To be deleted #lean"):
    """A post with an attachment, an earlier version, a tag, a like and a comment."""
    with time_machine.travel(T0 - 10 * DAY, tick=False):
        post = posts.post_create(
            actor=cast.author,
            community=cast.community,
            body=body,
            tags="lean",
            uploads=[pdf_upload("minutes.pdf")],
        )
        posts.post_edit(actor=cast.author, post=post, body=body + " (edited)")
        posts.like_toggle(actor=cast.member, post=post)
        comment = posts.comment_create(actor=cast.member, post=post, body="Nice one")
        posts.comment_edit(actor=cast.member, comment=comment, body="Nice one, edited")
    return post


def stored_files(post) -> list[Path]:
    from django.conf import settings

    return [Path(settings.MEDIA_ROOT) / a.file.name for a in Attachment.objects.filter(post=post)]


def assert_purged(post):
    post.refresh_from_db()
    assert post.body == "" and post.body_html == ""  # its stored rendering goes too
    assert not Attachment.objects.filter(post=post).exists()
    assert not Revision.objects.filter(post=post).exists()
    assert not Like.objects.filter(post=post).exists()
    assert not TaggedPost.objects.filter(content_object=post).exists()
    assert set(Comment.objects.filter(post=post).values_list("body", flat=True)) == {""}
    assert set(Comment.objects.filter(post=post).values_list("body_html", flat=True)) == {""}


def test_a_deleted_post_is_purged_after_the_retention_not_a_day_before(
    cast, django_capture_on_commit_callbacks
):
    post = rich_post(cast)
    files = stored_files(post)
    assert files and all(f.exists() for f in files)
    with time_machine.travel(T0, tick=False):
        posts.post_delete(actor=cast.author, post=post)

    report = run(T0 + RETENTION - DAY, capture=django_capture_on_commit_callbacks)
    assert report.counts == {}
    post.refresh_from_db()
    assert post.body.startswith("To be deleted") and all(f.exists() for f in files)

    report = run(T0 + RETENTION + DAY, capture=django_capture_on_commit_callbacks)
    assert report.counts == {"posts": 1}
    assert_purged(post)
    assert not any(f.exists() for f in files)
    assert post.status == Status.DELETED  # the tombstone stays
    entry = AuditEntry.objects.get(action="privacy.content_purged")
    assert entry.actor_label == "job:content_retention"
    assert "To be deleted" not in entry.target_label
    assert entry.data["attachments"] == 1 and entry.data["files"] == 1
    assert verify_chain().ok

    # Once: a second run finds nothing.
    assert run(T0 + RETENTION + 2 * DAY).counts == {}
    assert AuditEntry.objects.filter(action="privacy.content_purged").count() == 1


def test_the_dry_run_lists_and_changes_nothing(cast):
    post = rich_post(cast)
    with time_machine.travel(T0, tick=False):
        posts.post_delete(actor=cast.author, post=post)
    report = run(T0 + RETENTION + DAY, dry_run=True)
    assert report.counts == {"posts": 1}
    assert report.lines == [f"would purge post #{post.pk}"]
    post.refresh_from_db()
    assert post.body and Attachment.objects.filter(post=post).exists()
    assert not AuditEntry.objects.filter(action="privacy.content_purged").exists()


def test_the_command_runs_the_job_with_a_dry_run(cast, capsys):
    post = rich_post(cast)
    with time_machine.travel(T0, tick=False):
        posts.post_delete(actor=cast.author, post=post)
    with time_machine.travel(T0 + RETENTION + DAY, tick=False):
        call_command("run_job", "content_retention", "--dry-run")
    assert f"would purge post #{post.pk}" in capsys.readouterr().out
    post.refresh_from_db()
    assert post.body


def test_published_content_is_never_purged(cast):
    post = rich_post(cast)
    assert run(T0 + 10 * RETENTION).counts == {}
    post.refresh_from_db()
    assert post.body and Revision.objects.filter(post=post).exists()


def hide(cast, post, at):
    with time_machine.travel(at, tick=False):
        moderation.report_create(actor=cast.member, post=post, reason=reason("4.3"))
        case = Case.objects.get(post=post, status=Case.Status.OPEN)
        moderation.case_decide(
            actor=cast.moderator,
            case=case,
            outcome=Decision.Outcome.HIDE,
            reason=reason("4.3").pk,
        )
    return case


def test_a_hidden_post_counts_from_the_decision(cast):
    post = rich_post(cast)
    hide(cast, post, T0)
    assert run(T0 + RETENTION - DAY).counts == {}
    assert run(T0 + RETENTION + DAY).counts == {"posts": 1}
    assert_purged(post)
    assert post.status == Status.HIDDEN
    assert Decision.objects.filter(case__post=post).exists()  # the record stays
    assert verify_chain().ok


def test_an_open_case_holds_the_purge_until_it_is_decided(cast, site_moderator):
    post = rich_post(cast)
    with time_machine.travel(T0, tick=False):
        moderation.report_create(actor=cast.member, post=post, reason=reason("4.3"))
        posts.post_delete(actor=cast.author, post=post)
    assert run(T0 + 3 * RETENTION).counts == {}
    post.refresh_from_db()
    assert post.body

    case = Case.objects.get(post=post)
    with time_machine.travel(T0 + 3 * RETENTION, tick=False):
        moderation.case_decide(actor=cast.moderator, case=case, outcome=Decision.Outcome.KEEP)
    assert run(T0 + 3 * RETENTION + DAY).counts == {"posts": 1}
    assert_purged(post)


def test_an_open_case_about_one_of_its_comments_holds_the_post(cast):
    post = rich_post(cast)
    comment = Comment.objects.get(post=post)
    with time_machine.travel(T0, tick=False):
        moderation.report_create(
            actor=cast.author, post=post, comment=comment, reason=reason("4.3")
        )
        posts.post_delete(actor=cast.author, post=post)
    assert run(T0 + 2 * RETENTION).counts == {}


def test_a_pending_appeal_holds_the_purge(cast, site_moderator):
    post = rich_post(cast)
    case = hide(cast, post, T0)
    with time_machine.travel(T0 + DAY, tick=False):
        appeal = appeals.appeal_file(actor=cast.author, case=case, message="Please look again.")
    assert run(T0 + 2 * RETENTION).counts == {}

    with time_machine.travel(T0 + 2 * RETENTION, tick=False):
        appeals.appeal_decide(actor=site_moderator, appeal=appeal, reverse=False)
    assert Appeal.objects.get(pk=appeal.pk).status == "confirmed"
    assert run(T0 + 2 * RETENTION + DAY).counts == {"posts": 1}


def test_a_deleted_comment_is_purged_and_its_post_stays(cast):
    post = rich_post(cast)
    comment = Comment.objects.get(post=post)
    with time_machine.travel(T0, tick=False):
        posts.comment_delete(actor=cast.member, comment=comment)
    assert run(T0 + RETENTION - DAY).counts == {}
    assert run(T0 + RETENTION + DAY).counts == {"comments": 1}
    comment.refresh_from_db()
    assert comment.body == "" and comment.body_html == ""
    assert not Revision.objects.filter(comment=comment).exists()
    post.refresh_from_db()
    assert post.body and Attachment.objects.filter(post=post).exists()
    assert verify_chain().ok


def test_batches_purge_everything_due(cast, settings):
    settings.RSE_JOB_BATCH_SIZE = 2
    with time_machine.travel(T0, tick=False):
        many = [
            posts.post_create(actor=cast.author, community=cast.community, body=f"Old {i}")
            for i in range(5)
        ]
        for post in many:
            posts.post_delete(actor=cast.author, post=post)
    assert run(T0 + RETENTION + DAY).counts == {"posts": 5}
    assert set(Post.objects.filter(pk__in=[p.pk for p in many]).values_list("body", flat=True)) == {
        ""
    }


def test_community_retention_is_off_by_default_and_purges_old_posts_when_set(cast):
    post = rich_post(cast)
    with time_machine.travel(T0 + 2 * 365 * DAY, tick=False):
        recent = posts.post_create(actor=cast.author, community=cast.community, body="Recent")
    later = T0 + 3 * 365 * DAY
    assert run(later).counts == {}

    CommunityRetention.objects.create(community=cast.community, years=2)
    assert run(later).counts == {"posts": 1}
    assert_purged(post)
    assert post.status == Status.DELETED
    recent.refresh_from_db()
    assert recent.body == "Recent" and recent.status == Status.PUBLISHED
    entry = AuditEntry.objects.get(action="privacy.content_purged")
    assert entry.data["reason"] == "community_retention"
