from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("<str:username>/photo/", views.photo, name="photo"),
    path("<str:username>/followers/", views.followers, name="followers"),
    path("<str:username>/following/", views.following, name="following"),
    path("<str:username>/follow/", views.follow, name="follow"),
    path("<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("<str:username>/skills/<int:pk>/endorse/", views.endorse, name="endorse"),
    path("<str:username>/skills/<int:pk>/unendorse/", views.unendorse, name="unendorse"),
]
