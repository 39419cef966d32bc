from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from discussions import related, seeding, signal_handlers

        seeding.register()
        related.register()
        signal_handlers.register()
