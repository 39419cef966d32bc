from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "cop.members"
    label = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from cop.core.seeding import SEED_ORDER_MEMBERS, seeders
        from cop.members.seeding import seed_members

        seeders.register("members", seed_members, order=SEED_ORDER_MEMBERS)

        from cop.members import privacy, signal_handlers_accounts

        privacy.register()
        privacy.register_invitations()

        from cop.members import work

        work.register()

        signal_handlers_accounts.connect()
