from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "cop.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from cop.privacy import parts
        from cop.privacy.services import retention

        parts.register()
        retention.register()
