"""/api/v1/: the endpoints, the OpenAPI schema and its docs, and OAuth 2.0."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth_views

from . import docs, problems
from .views import communities, me, moderation, people, posts, search

app_name = "api"

oauth_patterns = (
    [
        path("authorize/", oauth_views.AuthorizationView.as_view(), name="authorize"),
        path("token/", oauth_views.TokenView.as_view(), name="token"),
        path("revoke/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    ],
    "oauth2_provider",
)

urlpatterns = [
    # One version: a `?version=` from the address would otherwise go into the
    # Content-Disposition file name (a newline there was a 500).
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    path("docs/", docs.swagger, name="docs"),
    path("oauth/", include(oauth_patterns)),
    path("me/", me.MeView.as_view(), name="me"),
    path("charter/", me.CharterView.as_view(), name="charter"),
    path("charter/accept/", me.CharterAcceptView.as_view(), name="charter_accept"),
    path("notifications/", me.NotificationsView.as_view(), name="notifications"),
    path("notifications/unread/", me.UnreadView.as_view(), name="notifications_unread"),
    path("notifications/read/", me.NotificationsReadAllView.as_view(), name="notifications_read"),
    path(
        "notifications/<int:pk>/read/",
        me.NotificationReadView.as_view(),
        name="notification_read",
    ),
    path("people/", people.PeopleView.as_view(), name="people"),
    path("people/<str:username>/", people.PersonView.as_view(), name="person"),
    path("people/<str:username>/follow/", people.FollowPersonView.as_view(), name="person_follow"),
    path(
        "people/<str:username>/skills/<int:pk>/endorsement/",
        people.EndorseView.as_view(),
        name="endorsement",
    ),
    path("communities/", communities.CommunityListView.as_view(), name="communities"),
    path("communities/<slug:slug>/", communities.CommunityDetailView.as_view(), name="community"),
    path(
        "communities/<slug:slug>/posts/", posts.CommunityPostsView.as_view(), name="community_posts"
    ),
    path("communities/<slug:slug>/members/", communities.MembersView.as_view(), name="members"),
    path("communities/<slug:slug>/join/", communities.JoinView.as_view(), name="join"),
    path("communities/<slug:slug>/leave/", communities.LeaveView.as_view(), name="leave"),
    path("communities/<slug:slug>/pending/", communities.PendingView.as_view(), name="pending"),
    path(
        "communities/<slug:slug>/pending/<int:pk>/",
        communities.DecideView.as_view(),
        name="decide",
    ),
    path("communities/<slug:slug>/invitations/", communities.InviteView.as_view(), name="invite"),
    path("stream/", posts.StreamView.as_view(), name="stream"),
    path("posts/", posts.PostListView.as_view(), name="posts"),
    path("posts/<int:pk>/", posts.PostDetailView.as_view(), name="post"),
    path("posts/<int:pk>/like/", posts.PostLikeView.as_view(), name="post_like"),
    path("posts/<int:pk>/comments/", posts.PostCommentsView.as_view(), name="post_comments"),
    path("comments/<int:pk>/", posts.CommentDetailView.as_view(), name="comment"),
    path("comments/<int:pk>/like/", posts.CommentLikeView.as_view(), name="comment_like"),
    path("tags/<str:slug>/posts/", posts.TagPostsView.as_view(), name="tag_posts"),
    path("tags/<str:slug>/follow/", posts.TagFollowView.as_view(), name="tag_follow"),
    path("posts/<int:pk>/report/", moderation.ReportView.as_view(), name="post_report"),
    path(
        "comments/<int:pk>/report/", moderation.CommentReportView.as_view(), name="comment_report"
    ),
    path("moderation/reasons/", moderation.ReasonsView.as_view(), name="report_reasons"),
    path("moderation/cases/", moderation.QueueView.as_view(), name="cases"),
    path("moderation/cases/<int:pk>/", moderation.CaseView.as_view(), name="case"),
    path("moderation/cases/<int:pk>/decision/", moderation.DecisionView.as_view(), name="decision"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("search/<str:name>/", search.SearchSectionView.as_view(), name="search_section"),
    # Anything else under /api/: a problem body, not the site's HTML 404 page.
    re_path(r"^.*$", problems.not_found),
]
