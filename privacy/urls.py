from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/request/", views.my_data_request, name="my_data_request"),
    path("me/data/<int:pk>/download/", views.my_data_download, name="my_data_download"),
]
