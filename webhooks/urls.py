from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("communities/<slug:slug>/webhooks/", views.hooks, name="list"),
    path("communities/<slug:slug>/webhooks/<int:pk>/", views.hook_detail, name="detail"),
    path("communities/<slug:slug>/webhooks/<int:pk>/rotate/", views.hook_rotate, name="rotate"),
    path("communities/<slug:slug>/webhooks/<int:pk>/delete/", views.hook_delete, name="delete"),
]
