from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cop.core"
    label = "core"
    verbose_name = "cop core"
