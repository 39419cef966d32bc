from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "cop.guides"
    label = "guides"
    verbose_name = "Guides"
