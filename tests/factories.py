"""factory_boy factories shared by the whole suite. Append new factories; keep them small."""

from __future__ import annotations

import factory
from django.conf import settings

from cop.members.models import Membership, Organisation, User
from cop.members.validators import display_name_key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    password = factory.django.Password(settings.COP_DEMO_PASSWORD)
    is_active = True
    display_name = factory.Sequence(lambda n: f"Member {n}")
    display_name_key = factory.LazyAttribute(lambda o: display_name_key(o.display_name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.LIBRARY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.VERIFIED


class TotpAuthenticatorFactory(factory.django.DjangoModelFactory):
    """A TOTP second factor, enough for the MFA-gated role predicates."""

    class Meta:
        model = "mfa.Authenticator"

    user = factory.SubFactory(UserFactory)
    type = "totp"
    data = factory.LazyFunction(lambda: {"secret": "JBSWY3DPEHPK3PXP"})


class VerifiedEmailAddressFactory(factory.django.DjangoModelFactory):
    """allauth's record of a user's verified, primary e-mail address."""

    class Meta:
        model = "account.EmailAddress"

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    verified = True
    primary = True
