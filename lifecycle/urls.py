from django.urls import path

from . import views

app_name = "lifecycle"

urlpatterns = [
    path("me/reconfirm/", views.reconfirm, name="reconfirm"),
    path("me/reconfirm/<str:token>/", views.reconfirm, name="reconfirm_link"),
    path("me/erase/", views.erase, name="erase"),
    path("communities/<slug:slug>/keep-active/", views.keep_active, name="keep_active"),
    path("communities/<slug:slug>/members/<int:pk>/sponsor/", views.name_sponsor, name="sponsor"),
]
