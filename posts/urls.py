from django.urls import path

from . import views

urlpatterns = [
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag_detail"),
]
