from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("levels/", views.levels, name="levels"),
    path("hours/", views.hours, name="hours"),
    path("posts/<int:pk>/announce/", views.announce, name="announce"),
    path("pins/<int:pk>/", views.reach, name="reach"),
    path("pins/<int:pk>/lift/", views.lift, name="lift"),
    path("pins/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("offline/", views.offline, name="offline"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/kinds/", views.push_kinds, name="push_kinds"),
    path("push/<int:pk>/revoke/", views.push_revoke, name="push_revoke"),
]
