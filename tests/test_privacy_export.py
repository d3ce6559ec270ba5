"""Download my data: the archive of a heavy user holds every category as the database
does, nothing of anyone else beyond what they published where the requester may read
it, opens (JSON parses, links resolve); the link is the owner's only and expires; one
request at a time, rate-limited, audited."""

import json
import posixpath
import re
import zipfile
from datetime import time, timedelta

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag

from alerts.models import (
    CommunityAlert,
    Pin,
    PushSubscription,
    Receipt,
    TagAlert,
    WorkingHours,
)
from api import services as api_services
from api.models import PersonalAccessToken
from audit import services as audit
from audit.models import AuditEntry
from audit.selectors import security_entries_of
from charter.models import CharterAcceptance, CharterSignOff
from communities.models import Community, Membership
from consultation.models import SectionComment, SectionStance
from core import exports
from events.models import CalendarFeed, Rsvp
from ideas.models import Reviewer, Vote
from lifecycle import jobs
from moderation import appeals as moderation_appeals
from moderation import services as moderation
from moderation.models import Appeal, Case, Decision, Report, Sanction
from notifications.models import Notification
from posts import services as posts
from posts.models import Attachment, Comment, Like, Post
from privacy import services
from privacy.models import DataExport
from profiles import services as people
from profiles.models import Endorsement, Follow, Profile, Skill, UserSkill
from questions.models import AnswerStanding, AnswerWillingness, Question, QuestionOffer
from webhooks.models import Hook

from .communities_factories import CommunityFactory, MembershipFactory
from .consultation_factories import consultation_on, draft_of
from .events_factories import EventFactory
from .factories import UserFactory, UserSkillFactory
from .ideas_factories import IdeaBoxFactory, IdeaFactory
from .moderation_factories import make_cast, reason
from .posts_factories import CommentFactory, PostFactory
from .posts_stream_factories import pdf_upload
from .questions_factories import QuestionFactory, WillingnessFactory

pytestmark = pytest.mark.django_db

SECRETS = (
    "SECRET-OTHER-POST",
    "Hidden-Secret-Room",
    "SECRET-OTHER-COMMENT",
    "Marius",  # the moderator who decided: never named
    "Rémi",  # who reported the heavy user: never named
    "SECRET-OTHER-QUESTION",  # offered, but no longer readable
    "SECRET-OTHER-EVENT",
    "SECRET-OTHER-IDEA",
    "SECRET-CALENDAR-TOKEN",
    "SECRET-PUSH",  # the push address and keys of a device
)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path, tasks_run_here):
    """Files in the test's own directory; the archive task runs here (with REDIS_URL set,
    Celery would send it to the broker)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def heavy():
    """A person who did a bit of everything, among people and communities they may or
    may not see."""
    cast = make_cast()
    user = cast.author
    colleague = cast.manager
    Profile.objects.filter(user=user).update(phone="+33 1 23 45 67 89", bio="Lean and Python.")
    skill = people.user_skill_add(actor=user, name="Python", level=UserSkill.Level.EXPERT)
    people.endorsement_create(actor=colleague, user_skill=skill)
    people.endorsement_create(actor=user, user_skill=UserSkillFactory(user=colleague))
    people.follow_create(actor=user, user=colleague)
    people.follow_create(actor=colleague, user=user)

    post = posts.post_create(
        actor=user,
        community=cast.community,
        body="First version #lean",
        tags="lean",
        uploads=[pdf_upload("minutes.pdf")],
    )
    posts.post_edit(actor=user, post=post, body="Second version #lean")
    gone = posts.post_create(actor=user, community=cast.community, body="Deleted later")
    posts.post_delete(actor=user, post=gone)
    comment = posts.comment_create(actor=user, post=post, body="A comment of mine")
    posts.comment_edit(actor=user, comment=comment, body="My comment, edited")
    others = posts.post_create(actor=colleague, community=cast.community, body="A colleague's")
    posts.like_toggle(actor=user, post=others)
    posts.comment_create(actor=colleague, post=post, body="SECRET-OTHER-COMMENT on my post")
    posts.like_toggle(actor=colleague, post=post)
    posts.community_follow(actor=user, community=CommunityFactory(access=Community.Access.FREE))

    # Reports: one filed by the heavy user, one about their content, decided.
    moderation.report_create(actor=user, post=others, reason=reason("4.3"), note="Off topic")
    reported = posts.post_create(actor=user, community=cast.community, body="Reported post")
    moderation.report_create(actor=cast.member, post=reported, reason=reason("4.3"))
    case = Case.objects.get(post=reported)
    moderation.case_decide(
        actor=cast.moderator,
        case=case,
        outcome=Decision.Outcome.HIDE,
        reason=reason("4.3").pk,
        message="Please keep it civil.",
        sanction={"kind": Sanction.Kind.WARNING},
    )
    moderation_appeals.appeal_file(actor=user, case=case, message="I disagree.")
    audit.record("auth.login", actor=user)

    # What they must not see: a closed community they are not in, a hidden one that
    # banned them, a colleague's post there.
    closed = CommunityFactory(access=Community.Access.CLOSED)
    MembershipFactory(community=closed, user=colleague)
    Post.objects.create(community=closed, author=colleague, body="SECRET-OTHER-POST")
    hidden = CommunityFactory(
        name="Hidden-Secret-Room",
        access=Community.Access.CLOSED,
        visibility=Community.Visibility.HIDDEN,
    )
    MembershipFactory(community=hidden, user=user, status=Membership.Status.BANNED)
    _questions_events_ideas_alerts(user, cast, closed, hidden, post, others)
    api_services.token_create(actor=user, name="Intranet widget", scopes=["read"], days=30)
    api_services.feed_token_reset(actor=user)
    # A webhook the person registered (as a manager elsewhere): the row only, its
    # secret never in the archive.
    Hook.objects.create(
        community=cast.other,
        owner=user,
        url="https://93.184.215.14/hooks",
        events=["post.published"],
        secret="whsec_never-in-the-archive",
    )
    return user


def _questions_events_ideas_alerts(user, cast, closed, hidden, post, others):
    """What the apps landed after the archive hold about the heavy user."""
    readable = PostFactory(community=cast.community, author=cast.manager)
    secret = PostFactory(community=closed, author=cast.manager)
    # Questions: one of theirs with an accepted answer; two offered (one unreadable).
    answer = CommentFactory(post=post, author=cast.manager)
    QuestionFactory(post=post, accepted_answer=answer, accepted_by=user)
    python = Skill.objects.get(name="Python")
    QuestionOffer.objects.create(question=QuestionFactory(post=readable), user=user, skill=python)
    QuestionOffer.objects.create(
        question=QuestionFactory(post=secret, title="SECRET-OTHER-QUESTION"),
        user=user,
        skill=python,
    )
    WillingnessFactory(user=user)
    AnswerStanding.objects.create(user=user, skill=python, accepted_count=3)
    # Events: going (on the waiting list) to a readable one, maybe to an unreadable one.
    Rsvp.objects.create(event=EventFactory(post=others), user=user, answer="going", waiting=True)
    hidden_event = EventFactory(post=secret, title="SECRET-OTHER-EVENT")
    Rsvp.objects.create(event=hidden_event, user=user, answer="maybe")
    CalendarFeed.objects.create(user=user, token="SECRET-CALENDAR-TOKEN")
    # Ideas: votes (one idea no longer readable), review teams (one community hidden).
    Vote.objects.create(idea=IdeaFactory(post=PostFactory(community=cast.community)), user=user)
    Vote.objects.create(
        idea=IdeaFactory(post=PostFactory(community=closed), title="SECRET-OTHER-IDEA"), user=user
    )
    Reviewer.objects.create(box=IdeaBoxFactory(community=cast.community), user=user)
    Reviewer.objects.create(box=IdeaBoxFactory(community=hidden), user=user)
    # Alerts.
    CommunityAlert.objects.create(user=user, community=cast.community, level="all")
    CommunityAlert.objects.create(user=user, community=hidden, level="none")
    TagAlert.objects.create(user=user, tag=Tag.objects.get(slug="lean"), level="highlights")
    WorkingHours.objects.create(
        user=user, time_zone="Europe/Paris", start=time(9), end=time(17, 30), days="12345"
    )
    PushSubscription.objects.create(
        user=user,
        endpoint="https://push.example.com/SECRET-PUSH-ENDPOINT",
        p256dh="SECRET-PUSH-P256DH",
        auth="SECRET-PUSH-AUTH",
        user_agent="Firefox on Linux",
    )
    pin = Pin.objects.create(post=readable, kind=Pin.Kind.ANNOUNCEMENT, pinned_by=cast.manager)
    Receipt.objects.create(pin=pin, user=user, dismissed_at=timezone.now())
    # Consultation on a charter draft: a comment, an answer to someone's, a stance;
    # and a sign-off of that draft.
    draft = draft_of()
    consultation = consultation_on(draft, now=timezone.now(), all_employees=True)
    theirs = SectionComment.objects.create(
        consultation=consultation, section_number="1", author=cast.manager, body="Clearer?"
    )
    SectionComment.objects.create(
        consultation=consultation, section_number="1", author=user, body="Section 1 is long."
    )
    SectionComment.objects.create(
        consultation=consultation, section_number="1", author=user, body="Agreed.", parent=theirs
    )
    SectionStance.objects.create(
        consultation=consultation, section_number="2", person=user, stance="object"
    )
    CharterSignOff.objects.create(version=draft, approver=user, fingerprint="f" * 64)


def build(user, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(actor=user)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY, export.error
    return export


def archive_of(export: DataExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(services.export_root() / export.file_name)


def section(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return json.loads(archive.read(f"data/{name}.json"))


# One check per category, against the database ----------------------------------------


def check_profile(user, rows, archive):
    (row,) = rows
    assert (row["username"], row["email"], row["last_name"]) == (
        user.username,
        user.email,
        user.last_name,
    )
    profile = Profile.objects.get(user=user)
    assert (row["phone"], row["bio"]) == (profile.phone, profile.bio) != ("", "")


def check_erased_data(user, rows, archive):
    assert rows == []  # nothing erased (the erasure tests cover the rows)


def check_skills(user, rows, archive):
    held = UserSkill.objects.filter(user=user)
    assert [r["skill"] for r in rows] == [us.skill.name for us in held.order_by("pk")]
    endorsers = Endorsement.objects.filter(user_skill__user=user).count()
    assert sum(len(r["endorsed_by"]) for r in rows) == endorsers == 1


def check_endorsements_given(user, rows, archive):
    assert len(rows) == Endorsement.objects.filter(endorser=user).count() == 1


def check_posts(user, rows, archive):
    mine = Post.objects.filter(author=user).order_by("created_at", "pk")
    assert [r["id"] for r in rows] == [p.pk for p in mine]
    assert {r["status"] for r in rows} == {"published", "deleted", "hidden"}
    edited = next(r for r in rows if r["text"] == "Second version #lean")
    assert [v["text"] for v in edited["earlier_versions"]] == ["First version #lean"]
    assert edited["tags"] == ["lean"]
    (attachment,) = edited["attachments"]
    stored = Attachment.objects.get(post__author=user)
    assert archive.read(attachment["file"]) == stored.file.open("rb").read()


def check_comments(user, rows, archive):
    mine = Comment.objects.filter(author=user).order_by("created_at", "pk")
    assert [r["id"] for r in rows] == [c.pk for c in mine]
    assert rows[0]["earlier_versions"][0]["text"] == "A comment of mine"


def check_likes(user, rows, archive):
    assert [r["post"] for r in rows] == list(
        Like.objects.filter(user=user).order_by("pk").values_list("post_id", flat=True)
    )


def check_follows(user, rows, archive):
    kinds = sorted(r["kind"] for r in rows)
    assert (
        kinds == ["community_followed", "follower", "person_followed", "tag_followed"][: len(kinds)]
    )
    assert kinds.count("person_followed") == Follow.objects.filter(follower=user).count()
    assert kinds.count("follower") == Follow.objects.filter(followed=user).count()


def check_memberships(user, rows, archive):
    assert len(rows) == Membership.objects.filter(user=user).count() == 2
    banned = next(r for r in rows if r["status"] == "banned")
    assert banned["community"] is None  # a hidden community they may no longer discover


def check_notifications(user, rows, archive):
    # All but the one telling that this very archive is ready (sent after it).
    held = Notification.objects.filter(recipient=user).order_by("pk")
    expected = [n.kind for n in held if n.data.get("event") != "data_export_ready"]
    assert [r["kind"] for r in rows] == expected
    assert rows, "the heavy user has notifications"


def check_charter_acceptances(user, rows, archive):
    assert [r["version"] for r in rows] == list(
        CharterAcceptance.objects.filter(user=user).values_list("version__number", flat=True)
    )


def check_reports(user, rows, archive):
    (row,) = rows
    report = Report.objects.get(reporter=user)
    assert (row["post"], row["note"], row["reason"]) == (report.post_id, "Off topic", "4.3")


def check_moderation_decisions(user, rows, archive):
    (row,) = rows
    decision = Decision.objects.get(case__author=user)
    assert (row["decision"], row["message"]) == (decision.outcome, "Please keep it civil.")
    assert "decided_by" not in row


def check_sanctions(user, rows, archive):
    assert [r["kind"] for r in rows] == ["sanction"] * Sanction.objects.filter(
        user=user
    ).count() + ["appeal"] * Appeal.objects.filter(appellant=user).count()


def check_security_events(user, rows, archive):
    assert [r["action"] for r in rows] == list(
        security_entries_of(user).order_by("sequence").values_list("action", flat=True)
    )
    assert "auth.login" in [r["action"] for r in rows]


def check_data_exports(user, rows, archive):
    assert len(rows) == DataExport.objects.filter(user=user).count() == 1


def check_questions(user, rows, archive):
    offered = [r for r in rows if r["kind"] == "offered"]
    readable = QuestionOffer.objects.filter(user=user).exclude(
        question__post__community__access="closed"
    )
    assert [r["post"] for r in offered] == [o.question_id for o in readable.order_by("pk")]
    assert len(offered) == QuestionOffer.objects.filter(user=user).count() - 1 == 1
    assert [r["willing"] for r in rows if r["kind"] == "willingness"] == [
        AnswerWillingness.objects.get(user=user).willing
    ]
    standing = AnswerStanding.objects.get(user=user)
    assert [(r["skill"], r["count"]) for r in rows if r["kind"] == "answers_accepted"] == [
        (standing.skill.name, standing.accepted_count)
    ]
    # Their own questions are in their posts.
    asked = {r["id"]: r for r in section(archive, "posts") if r["question"]}
    question = Question.objects.get(post__author=user)
    assert asked[question.pk]["accepted_answer"] == question.accepted_answer_id


def check_api_tokens(user, rows, archive):
    tokens = [r for r in rows if r["kind"] == "token"]
    held = PersonalAccessToken.objects.filter(user=user).order_by("pk")
    assert [(r["name"], r["scopes"]) for r in tokens] == [(t.name, t.scopes) for t in held]
    assert [r["name"] for r in tokens] == ["Intranet widget"]
    (feed,) = [r for r in rows if r["kind"] == "feed_key"]
    assert set(feed) == {"kind", "created_at"}  # never the key
    dumped = json.dumps(rows, default=str)
    for t in held:
        assert t.token_hash not in dumped and t.token_hint not in dumped


def check_webhooks(user, rows, archive):
    held = Hook.objects.filter(owner=user).select_related("community")
    assert [(r["community"], r["url"], r["events"]) for r in rows] == [
        (h.community.slug, h.url, h.events) for h in held
    ]
    assert len(rows) == 1 and "whsec_" not in json.dumps(rows, default=str)


def check_events(user, rows, archive):
    answers = [r for r in rows if r["kind"] == "answer"]
    held = Rsvp.objects.filter(user=user).order_by("pk")
    assert [(r["post"], r["answer"], r["waiting_list"]) for r in answers] == [
        (r.event_id, r.answer, r.waiting) for r in held
    ]
    assert [r["title"] for r in answers] == [held[0].event.title, None]  # one unreadable
    (feed,) = [r for r in rows if r["kind"] == "calendar_feed"]
    assert CalendarFeed.objects.filter(user=user).exists()
    assert set(feed) == {"kind", "created_at"}  # never the token


def check_ideas(user, rows, archive):
    votes = [r for r in rows if r["kind"] == "vote"]
    held = Vote.objects.filter(user=user).order_by("pk")
    assert [r["post"] for r in votes] == [v.idea_id for v in held]
    assert [r["title"] for r in votes] == [held[0].idea.title, None]
    reviews = Reviewer.objects.filter(user=user).order_by("pk")
    assert [r["community"] for r in rows if r["kind"] == "reviewer"] == [
        reviews[0].box.community.name,
        None,  # a hidden community they may not discover
    ]


def check_alerts(user, rows, archive):
    kinds = [r["kind"] for r in rows]
    assert kinds.count("community_alert") == CommunityAlert.objects.filter(user=user).count()
    assert kinds.count("tag_alert") == TagAlert.objects.filter(user=user).count() == 1
    levels = [(r["community"], r["level"]) for r in rows if r["kind"] == "community_alert"]
    assert levels == [
        (a.community.name if a.level == "all" else None, a.level)
        for a in CommunityAlert.objects.filter(user=user).order_by("pk")
    ]
    (hours,) = [r for r in rows if r["kind"] == "working_hours"]
    stored = WorkingHours.objects.get(user=user)
    assert (hours["start"], hours["end"], hours["days"]) == ("09:00:00", "17:30:00", stored.days)
    (device,) = [r for r in rows if r["kind"] == "push_device"]
    assert device["device"] == PushSubscription.objects.get(user=user).user_agent
    assert set(device) == {"kind", "device", "since", "last_push_at"}
    (seen,) = [r for r in rows if r["kind"] == "announcement"]
    receipt = Receipt.objects.get(user=user)
    assert seen["post"] == receipt.pin.post_id and seen["dismissed_at"]


def check_consultation(user, rows, archive):
    comments = [r for r in rows if r["kind"] == "comment"]
    mine = SectionComment.objects.filter(author=user).order_by("created_at", "pk")
    assert [(r["id"], r["text"], r["in_answer_to"]) for r in comments] == [
        (c.pk, c.body, c.parent_id) for c in mine
    ]
    assert [(r["section"], r["stance"]) for r in rows if r["kind"] == "stance"] == list(
        SectionStance.objects.filter(person=user).values_list("section_number", "stance")
    )


def check_charter_signoffs(user, rows, archive):
    assert [(r["version"], r["text_fingerprint"]) for r in rows] == list(
        CharterSignOff.objects.filter(approver=user).values_list("version__number", "fingerprint")
    )
    assert len(rows) == 1


CHECKS = {
    name.removeprefix("check_"): fn for name, fn in globals().items() if name.startswith("check_")
}


def test_every_registered_section_has_its_check():
    assert {s.name for s in exports.sections()} == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_archive_category_matches_the_database(name, heavy, django_capture_on_commit_callbacks):
    export = build(heavy, django_capture_on_commit_callbacks)
    with archive_of(export) as archive:
        rows = section(archive, name)
        assert export.counts[name] == len(rows)
        CHECKS[name](heavy, rows, archive)


def test_nothing_of_anyone_else_beyond_what_the_requester_may_read(
    heavy, django_capture_on_commit_callbacks
):
    export = build(heavy, django_capture_on_commit_callbacks)
    with archive_of(export) as archive:
        text = "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )
    for secret in SECRETS:
        assert secret not in text


def test_the_archive_opens_json_parses_and_every_link_resolves(
    heavy, django_capture_on_commit_callbacks
):
    export = build(heavy, django_capture_on_commit_callbacks)
    with archive_of(export) as archive:
        names = set(archive.namelist())
        assert "index.html" in names
        for name in names:
            if name.endswith(".json"):
                assert isinstance(json.loads(archive.read(name)), list)
            if name.endswith(".html"):
                html = archive.read(name).decode()
                links = re.findall(r'(?:href|src)="([^"]+)"', html)
                assert links, name
                for link in links:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), link))
                    assert target in names, f"{name} links to missing {link}"
        index = archive.read("index.html").decode()
        for registered in exports.sections():
            assert f'href="data/{registered.name}.json"' in index


def test_a_section_registered_by_another_app_lands_in_the_archive(
    employee, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(exports, "_sections", dict(exports._sections))
    exports.section("api_tokens", "API tokens", order=150)(
        lambda user: [{"name": "laptop", "owner": user.username}]
    )
    export = build(employee, django_capture_on_commit_callbacks)
    with archive_of(export) as archive:
        assert section(archive, "api_tokens") == [{"name": "laptop", "owner": employee.username}]
        assert "sections/api_tokens.html" in archive.namelist()


def test_attachments_beyond_the_cap_are_listed_not_included(
    heavy, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_EXPORT_MAX_ATTACHMENT_BYTES = 10
    export = build(heavy, django_capture_on_commit_callbacks)
    with archive_of(export) as archive:
        assert not [n for n in archive.namelist() if n.startswith("files/attachments/")]
        assert "minutes.pdf" in archive.read("index.html").decode()


# The page, the link, the limits ------------------------------------------------------


def test_request_page_builds_notifies_and_downloads_for_the_owner(
    client, employee, django_capture_on_commit_callbacks
):
    client.force_login(employee)
    assert "Prepare my archive" in client.get("/me/data/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/data/request/", follow=True)
    assert "being prepared" in response.content.decode()
    export = DataExport.objects.get(user=employee)
    assert export.status == "ready" and export.expires_at == export.ready_at + timedelta(days=7)
    assert Notification.objects.filter(recipient=employee, data__event="data_export_ready")
    page = client.get("/me/data/").content.decode()
    assert f"/me/data/{export.pk}/download/" in page
    response = client.get(f"/me/data/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert zipfile.ZipFile(__import__("io").BytesIO(b"".join(response.streaming_content)))
    actions = list(
        AuditEntry.objects.filter(target_type="privacy.dataexport")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "privacy.export_requested",
        "privacy.export_ready",
        "privacy.export_downloaded",
    ]


def test_the_link_answers_404_to_anyone_else(client, employee, django_capture_on_commit_callbacks):
    export = build(employee, django_capture_on_commit_callbacks)
    url = f"/me/data/{export.pk}/download/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert not AuditEntry.objects.filter(action="privacy.export_downloaded").exists()


def test_the_link_expires_and_the_job_deletes_the_file(
    client, employee, django_capture_on_commit_callbacks
):
    export = build(employee, django_capture_on_commit_callbacks)
    path = services.export_root() / export.file_name
    url = f"/me/data/{export.pk}/download/"
    client.force_login(employee)
    with time_machine.travel(export.expires_at - timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(export.expires_at, tick=False):
        assert client.get(url).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            jobs.run("data_exports_purge")
    assert not path.exists()
    export.refresh_from_db()
    assert (export.status, export.file_name) == ("expired", "")
    assert AuditEntry.objects.filter(action="privacy.export_deleted").count() == 1
    assert jobs.run("data_exports_purge").counts == {}  # once


def test_a_second_request_while_one_is_prepared_is_refused(client, employee):
    client.force_login(employee)
    client.post("/me/data/request/")  # on_commit not run: still waiting
    response = client.post("/me/data/request/", follow=True)
    assert "already being prepared" in response.content.decode()
    assert DataExport.objects.filter(user=employee).count() == 1
    assert AuditEntry.objects.filter(action="privacy.export_requested").count() == 1
    assert "Prepare my archive" not in client.get("/me/data/").content.decode()


def test_requests_are_rate_limited_per_day(settings, employee, django_capture_on_commit_callbacks):
    settings.PRIVACY_EXPORTS_PER_DAY = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        build(employee, django_capture_on_commit_callbacks)
        build(employee, django_capture_on_commit_callbacks)
        with pytest.raises(Exception, match="2 archives in the last 24 hours"):
            services.export_request(actor=employee)
    assert DataExport.objects.filter(user=employee).count() == 2
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        build(employee, django_capture_on_commit_callbacks)


def test_building_twice_builds_once(employee, django_capture_on_commit_callbacks):
    export = build(employee, django_capture_on_commit_callbacks)
    assert services.export_build(export_id=export.pk) is None
    assert AuditEntry.objects.filter(action="privacy.export_ready").count() == 1


def test_a_build_lost_with_its_worker_is_given_up_so_one_may_ask_again(settings, employee):
    settings.CELERY_TASK_TIME_LIMIT = 3600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        export = services.export_request(actor=employee)  # never built: worker lost
    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        jobs.run("data_exports_purge")
        export.refresh_from_db()
        assert export.status == "failed"
        services.export_request(actor=employee)


def test_the_page_and_the_archive_speak_french(
    client, employee, django_capture_on_commit_callbacks
):
    from notifications.models import EmailSettings

    EmailSettings.objects.create(user=employee, language="fr")
    client.force_login(employee)
    page = client.get("/me/data/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Préparer mon archive" in page and "Vos autres droits" in page
    export = build(employee, django_capture_on_commit_callbacks)
    with archive_of(export) as archive:
        assert "Données de" in archive.read("index.html").decode()


def test_the_page_queries_do_not_grow_with_the_archives(
    client, employee, django_assert_max_num_queries
):
    for _ in range(5):
        DataExport.objects.create(user=employee, status=DataExport.Status.EXPIRED)
    client.force_login(employee)
    client.get("/me/data/")  # warm the session and the charter status
    with django_assert_max_num_queries(12):
        response = client.get("/me/data/")
    assert response.content.decode().count("deleted after its period") == 5
