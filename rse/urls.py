from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from alerts import views as alert_views
from api import problems as api_problems
from api import token_views as api_token_views
from audit import views as audit_views
from communities import urls as community_urls
from identity import views as identity_views
from posts import pages as post_pages
from profiles import urls as profile_urls
from profiles import views as profile_views
from search import views as search_views

from . import views

admin.site.site_header = admin.site.site_title = f"{settings.RSE_SITE_NAME} administration"
# Administrators sign in through the site's own sign-in (allauth): two-factor
# authentication, the sign-in rate limits and the audit trail apply to them as to anyone.
# Django admin's login view never checks a password itself: it sends there.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Errors under /api/ answer problem bodies (api.problems); elsewhere the site's pages, and
# a database that is restarting answers the site's 503 page, not a 500 (rse.views).
handler400 = "api.problems.bad_request"
handler500 = "rse.views.server_error"

urlpatterns = [
    path("healthz", views.healthz_ready, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("healthz/ready", views.healthz_ready, name="healthz_ready"),
    # The sign-in page with home realm discovery (company sign-in first), then allauth.
    path("accounts/login/", identity_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("charter/", include("charter.urls")),
    path("charter/", include("consultation.urls")),
    path("me/security/", audit_views.my_security_log, name="my_security_log"),
    path("i18n/", include("django.conf.urls.i18n")),
    # A person's and a community's pages show their streams: the posts app serves
    # them, under the names of their own apps.
    path(
        "people/",
        include(
            (
                [
                    # The directory's name box reads search's folded names: search serves it.
                    path("", search_views.directory, name="directory"),
                    *profile_urls.urlpatterns,
                    path("<str:username>/", post_pages.profile_page, name="detail"),
                ],
                profile_urls.app_name,
            )
        ),
    ),
    path("", include("lifecycle.urls")),
    path("", include("privacy.urls")),
    path(
        "communities/",
        include(
            (
                [
                    *community_urls.urlpatterns,
                    path("<slug:slug>/", post_pages.community_page, name="detail"),
                ],
                community_urls.app_name,
            )
        ),
    ),
    path("", include("questions.urls")),
    path("", include("webhooks.urls")),
    path("events/", include("events.urls")),
    path("", include("ideas.urls")),
    path("", include("posts.urls")),
    path("notifications/", include("notifications.urls")),
    path("alerts/", include("alerts.urls")),
    # The installable app: its service worker must be served from the root (scope "/").
    path("sw.js", alert_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", alert_views.manifest, name="web_manifest"),
    path("moderation/", include("moderation.urls")),
    path("search/", include("search.urls")),
    path("observatory/", include("observatory.urls")),
    path("me/", profile_views.me, name="me"),
    path("me/skills/", profile_views.me_skill_add, name="me_skill_add"),
    path("me/skills/<int:pk>/", profile_views.me_skill_update, name="me_skill_update"),
    path("me/skills/<int:pk>/remove/", profile_views.me_skill_remove, name="me_skill_remove"),
    path("skills/suggest/", profile_views.skills_suggest, name="skills_suggest"),
    path("me/api-tokens/", api_token_views.tokens, name="api_tokens"),
    path("me/api-tokens/<int:pk>/revoke/", api_token_views.revoke, name="api_token_revoke"),
    path("me/api-tokens/feed/", api_token_views.feed_token, name="feed_token"),
    path("api/v1/", include("api.urls")),
    path("feeds/", include("api.feed_urls")),
    re_path(r"^api/", api_problems.not_found),
    path("admin/", admin.site.urls),
    path("scim/v2/", include("directory.urls")),
]

if settings.RSE_BENCH:
    urlpatterns += [path("", include("bench.floors"))]
