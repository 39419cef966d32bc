from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self) -> None:
        from discussions import (
            community_signals,
            facts,
            hub,
            privacy,
            related,
            seeding,
            signal_handlers,
            work,
        )
        from discussions.selectors import pages as page_search

        community_signals.register()
        facts.register()
        hub.register()
        privacy.register()
        seeding.register()
        related.register()
        signal_handlers.register()
        work.register()
        page_search.register()
