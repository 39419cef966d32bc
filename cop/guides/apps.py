from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "cop.guides"
    label = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from cop.core.digest import digest_sections
        from cop.core.seeding import SEED_ORDER_GUIDES, seeders
        from cop.guides import hub, privacy, selectors, signal_handlers
        from cop.guides.digest import build_events_section, build_guides_section
        from cop.guides.seeding import seed_guides
        from cop.privacy.hooks import criterion_links

        seeders.register("guides", seed_guides, order=SEED_ORDER_GUIDES)
        signal_handlers.register()
        privacy.register()
        criterion_links.register("guides", selectors.guides_for_criterion)
        digest_sections.register("guides", build_guides_section, order=300)
        digest_sections.register("events", build_events_section, order=310)
        hub.register()
