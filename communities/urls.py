from django.urls import path

from . import member_views, views

app_name = "communities"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("invitation/<str:token>/", member_views.external_signup, name="external_signup"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/archive/", views.archive, name="archive"),
    path("<slug:slug>/join/", member_views.join, name="join"),
    path("<slug:slug>/request/", member_views.request_to_join, name="request"),
    path("<slug:slug>/cancel/", member_views.cancel_request, name="cancel"),
    path("<slug:slug>/leave/", member_views.leave, name="leave"),
    path("<slug:slug>/accept/", member_views.accept, name="accept"),
    path("<slug:slug>/decline/", member_views.decline, name="decline"),
    path("<slug:slug>/invite/", member_views.invite, name="invite"),
    path("<slug:slug>/invite-external/", member_views.invite_external, name="invite_external"),
    path("<slug:slug>/members/<int:pk>/approve/", member_views.approve, name="approve"),
    path("<slug:slug>/members/<int:pk>/reject/", member_views.reject, name="reject"),
    path("<slug:slug>/members/<int:pk>/remove/", member_views.remove, name="remove"),
    path("<slug:slug>/members/<int:pk>/ban/", member_views.ban, name="ban"),
    path("<slug:slug>/members/<int:pk>/unban/", member_views.unban, name="unban"),
    path("<slug:slug>/members/<int:pk>/role/", member_views.set_role, name="role"),
]
