from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("invitation/<str:token>/", views.external_signup, name="external_signup"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/archive/", views.archive, name="archive"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_to_join, name="request"),
    path("<slug:slug>/cancel/", views.cancel_request, name="cancel"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/accept/", views.accept, name="accept"),
    path("<slug:slug>/decline/", views.decline, name="decline"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/invite-external/", views.invite_external, name="invite_external"),
    path("<slug:slug>/members/<int:pk>/approve/", views.approve, name="approve"),
    path("<slug:slug>/members/<int:pk>/reject/", views.reject, name="reject"),
    path("<slug:slug>/members/<int:pk>/remove/", views.remove, name="remove"),
    path("<slug:slug>/members/<int:pk>/ban/", views.ban, name="ban"),
    path("<slug:slug>/members/<int:pk>/unban/", views.unban, name="unban"),
    path("<slug:slug>/members/<int:pk>/role/", views.set_role, name="role"),
]
