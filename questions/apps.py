from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Questions")

    def ready(self) -> None:
        # This app's audited actions join the audit catalogue (a registry: the audit
        # layer below does not know this app).
        from audit.catalogue import ACTIONS

        ACTIONS.update(
            {
                "question.answer_accepted": _("Answer accepted on a question"),
            }
        )
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import exports  # noqa: F401
