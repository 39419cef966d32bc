from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendors"

    def ready(self) -> None:
        from cop.core.seeding import SEED_ORDER_VENDORS, seeders
        from vendors.seeding import seed_vendors

        seeders.register("vendors", seed_vendors, order=SEED_ORDER_VENDORS)

        from cop.core.digest import digest_sections
        from vendors.digest import build_vendor_section

        digest_sections.register("vendors", build_vendor_section, order=200)

        # Policies are registered here, not in wagtail_hooks (imported lazily), so that
        # services that publish outside the admin already see them.
        from wagtail.permissions import register_permission_policy

        from vendors import permissions
        from vendors.models import Disclosure, DisclosureSettings, Product, RoadmapItem

        register_permission_policy(Disclosure, permissions.DisclosurePolicy(Disclosure))
        register_permission_policy(Product, permissions.ProductPolicy(Product))
        register_permission_policy(
            RoadmapItem, permissions.RoadmapItemPolicy(RoadmapItem)
        )
        register_permission_policy(
            DisclosureSettings, permissions.DisclosureSettingsPolicy(DisclosureSettings)
        )

        from vendors import work

        work.register()

        from cop.core.header import header_facts
        from vendors.templatetags.vendor_tools import can_use_vendor_tools

        header_facts.register(
            "vendors", lambda request: can_use_vendor_tools(request.user)
        )

        from vendors import home, privacy, signal_handlers

        home.register()
        privacy.register()

        signal_handlers.connect()
