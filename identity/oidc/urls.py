from allauth.socialaccount import app_settings
from django.urls import include, path, re_path

from identity import views as identity_views

from . import views

urlpatterns = [
    re_path(
        r"^(?P<provider_id>[^/]+)/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
                path(
                    "backchannel-logout/",
                    identity_views.oidc_backchannel_logout,
                    name="openid_connect_backchannel_logout",
                ),
            ]
        ),
    )
]

if app_settings.OPENID_CONNECT_URL_PREFIX:
    urlpatterns = [path(f"{app_settings.OPENID_CONNECT_URL_PREFIX}/", include(urlpatterns))]
