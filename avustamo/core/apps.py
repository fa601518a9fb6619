from django.apps import AppConfig, apps
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "avustamo.core"
    verbose_name = _("Core")

    def ready(self):
        from avustamo.core.text import refuse_unstorable_text

        for model in apps.get_models():
            if model._meta.app_config.name.startswith("avustamo."):
                pre_save.connect(
                    refuse_unstorable_text, sender=model, dispatch_uid=f"unstorable-{model._meta.label}"
                )
