from django.urls import path

from . import attachment_views, composer, pages, views

app_name = "posts"

urlpatterns = [
    path("", pages.home, name="home"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/share/", composer.share, name="post_share"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:pk>/like/", views.post_like, name="post_like"),
    path("posts/<int:pk>/likes/", views.post_likers, name="post_likers"),
    path("posts/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/like/", views.comment_like, name="comment_like"),
    path("comments/<int:pk>/likes/", views.comment_likers, name="comment_likers"),
    path(
        "attachments/<int:pk>/preview/",
        attachment_views.attachment_preview,
        name="attachment_preview",
    ),
    path(
        "attachments/<int:pk>/<str:name>", attachment_views.attachment_download, name="attachment"
    ),
    path("posts/preview/", composer.preview, name="preview"),
    path("posts/fresh/", pages.stream_fresh, name="stream_fresh"),
    path("posts/suggest/people/", views.suggest_people, name="suggest_people"),
    path("posts/suggest/tags/", views.suggest_tags, name="suggest_tags"),
    path("tags/<str:slug>/", pages.tag_detail, name="tag_detail"),
    path("tags/<str:slug>/follow/", views.tag_follow, name="tag_follow"),
    path("follow/communities/<slug:slug>/", views.community_follow, name="community_follow"),
]
