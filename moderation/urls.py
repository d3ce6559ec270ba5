from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("report/<str:kind>/<int:pk>/", views.report, name="report"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/claim/", views.case_claim, name="claim"),
    path("cases/<int:pk>/decide/", views.case_decide, name="decide"),
    path("cases/<int:pk>/sanction/", views.case_sanction, name="sanction"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:kind>/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("measures/", views.measures, name="measures"),
]
