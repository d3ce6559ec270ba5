from django.conf import settings


def site(request) -> dict:
    return {"site_name": settings.RSE_SITE_NAME}
