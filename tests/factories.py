"""factory_boy factories shared by the whole suite. Append new factories; keep them small."""

from __future__ import annotations

import factory
from django.conf import settings
from django.utils import timezone

from cop.members.models import Membership, Organisation, User
from cop.members.validators import display_name_folded_key, display_name_key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    password = factory.django.Password(settings.COP_DEMO_PASSWORD)
    is_active = True
    display_name = factory.Sequence(lambda n: f"Member {n}")
    display_name_key = factory.LazyAttribute(lambda o: display_name_key(o.display_name))
    display_name_folded_key = factory.LazyAttribute(
        lambda o: display_name_folded_key(o.display_name)
    )


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


# ----------------------------------------------------------------- discussions
# Raw rows for tests that need content in place; tests of the posting rules go
# through ``discussions.services`` instead.


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "discussions.Space"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Space {n}")
    slug = factory.Sequence(lambda n: f"space-{n}")
    description = "A space for tests."
    visibility = "public"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "discussions.Tag"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag-{n}")
    slug = factory.LazyAttribute(lambda o: o.name)


class TopicFactory(factory.django.DjangoModelFactory):
    """A topic without posts; use :class:`PostFactory` (or ``with_posts``) to add them."""

    class Meta:
        model = "discussions.Topic"
        skip_postgeneration_save = True

    space = factory.SubFactory(SpaceFactory)
    author = factory.SubFactory(UserFactory)
    kind = "general"
    title = factory.Sequence(lambda n: f"Topic number {n} about privacy")
    slug = factory.Sequence(lambda n: f"topic-number-{n}")
    last_activity_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def with_posts(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        """``TopicFactory(with_posts=3)`` adds 3 approved posts and updates the counters."""
        if create and extracted:
            PostFactory.create_batch(extracted, topic=self)


class PostFactory(factory.django.DjangoModelFactory):
    """An approved post numbered after the topic's last; keeps the topic's counters right."""

    class Meta:
        model = "discussions.Post"

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post body number {n}.")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body}</p>")
    number = 0  # 0 means "next in the topic" (see _create)

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        topic = kwargs["topic"]
        if not kwargs.get("number"):
            topic.last_post_number += 1
            kwargs["number"] = topic.last_post_number
        post = super()._create(model_class, *args, **kwargs)
        topic.last_post_number = max(topic.last_post_number, post.number)
        topic.post_count += 1
        topic.last_activity_at = post.created_at
        topic.last_poster_id = post.author_id
        topic.save(
            update_fields=[
                "last_post_number",
                "post_count",
                "last_activity_at",
                "last_poster",
            ]
        )
        return post
