from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.network, name="network"),
    path("export/<slug:table>.csv", views.network_export, name="network_export"),
    path("communities/<slug:slug>/", views.community, name="community"),
    path(
        "communities/<slug:slug>/export/<slug:table>.csv",
        views.community_export,
        name="community_export",
    ),
]
