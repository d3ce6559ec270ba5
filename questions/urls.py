from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("questions/", views.index, name="index"),
    path("questions/ask/", views.ask, name="ask"),
    path("questions/for-me/", views.for_me, name="for_me"),
    path("questions/for-me/willing/", views.willingness, name="willingness"),
    path("questions/<int:pk>/accept/", views.accept, name="accept"),
    path("communities/<slug:slug>/questions/", views.community_questions, name="community"),
    path("tags/<str:slug>/questions/", views.tag_questions, name="tag"),
]
