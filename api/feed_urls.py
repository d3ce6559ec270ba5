"""/feeds/<token>/…: Atom feeds, authenticated by the person's feed token."""

from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("<str:token>/home/", feeds.HomeFeed(), name="home"),
    path("<str:token>/communities/<slug:slug>/", feeds.CommunityFeed(), name="community"),
    path("<str:token>/tags/<str:slug>/", feeds.TagFeed(), name="tag"),
]
