from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("communities/<slug:slug>/ideas/", views.community_ideas, name="community"),
    path("communities/<slug:slug>/ideas/new/", views.propose, name="propose"),
    path("communities/<slug:slug>/ideas/team/", views.team, name="team"),
    path("ideas/<int:pk>/vote/", views.vote, name="vote"),
    path("ideas/<int:pk>/status/", views.change_status, name="status"),
    path("ideas/<int:pk>/merge/", views.merge, name="merge"),
]
