import io

import pytest
from django.core.management import call_command

from moderation.demo import seed_moderation
from moderation.models import Case, Report, Sanction
from posts.models import Post

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_queue_once():
    call_command("seed_demo", stdout=io.StringIO())
    cases, reports = Case.objects.count(), Report.objects.count()
    assert cases == 3 and reports == 4
    assert Case.objects.filter(community__slug="python-guild", reporters_count=2).exists()
    assert Sanction.objects.filter(kind="warning").count() == 1
    posts = Post.objects.count()
    assert seed_moderation() == 0
    call_command("seed_demo", stdout=io.StringIO())
    assert (Case.objects.count(), Report.objects.count(), Post.objects.count()) == (
        cases,
        reports,
        posts,
    )
    assert Sanction.objects.count() == 1


def test_seed_moderation_reuses_posts_seeded_elsewhere():
    from moderation.demo import REPORTED

    call_command("seed_demo", stdout=io.StringIO())
    Report.objects.all().delete()
    Case.objects.all().delete()
    posts = Post.objects.count()
    text = REPORTED["python-guild"][0][0]
    assert Post.objects.filter(body=text).count() == 1
    assert seed_moderation() == 4
    assert Post.objects.count() == posts
