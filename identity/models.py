from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyIdentity(models.Model):
    """What the company's identity provider says about a person beyond the user's own
    fields: kept up to date at each company sign-in, read-only in RSE."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="company_identity",
    )
    employee_number = models.CharField(
        _("employee number"), max_length=64, blank=True, db_index=True
    )
    provider = models.CharField(_("last identity provider"), max_length=200, blank=True)
    last_sso_login_at = models.DateTimeField(_("last company sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("company identity")
        verbose_name_plural = _("company identities")

    def __str__(self) -> str:
        return str(self.user)
