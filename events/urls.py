from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/attendees/", views.attendees, name="attendees"),
    path("<int:pk>/event.ics", views.download, name="ics"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
