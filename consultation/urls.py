from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<int:number>/", views.draft, name="draft"),
    path("drafts/<int:number>/comment/", views.comment, name="comment"),
    path("drafts/<int:number>/stance/", views.stance, name="stance"),
    path("drafts/<int:number>/open/", views.open_consultation, name="open"),
    path("drafts/<int:number>/close/", views.close, name="close"),
    path("drafts/<int:number>/approve/", views.approve, name="approve"),
    path("drafts/<int:number>/publish/", views.publish, name="publish"),
    path("consultations/<int:number>/", views.record, name="record"),
]
