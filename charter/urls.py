from django.urls import path

from . import views

app_name = "charter"
urlpatterns = [
    path("", views.current, name="current"),
    path("accept/", views.accept, name="accept"),
    path("v/<int:number>/", views.version_detail, name="version"),
]
