from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from discussions import facts, hub, privacy, related, seeding, signal_handlers

        facts.register()
        hub.register()
        privacy.register()
        seeding.register()
        related.register()
        signal_handlers.register()
