"""Every model that points at the user is covered by the export or the erasure."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from cop.privacy.hooks import covered_models, member_data


def _models_pointing_at_user() -> set[str]:
    user_model = get_user_model()
    labels = set()
    for model in apps.get_models():
        for field in model._meta.local_fields:
            if (
                field.is_relation
                and (field.many_to_one or field.one_to_one)
                and field.related_model is user_model
            ):
                labels.add(model._meta.label)
    return labels


def test_member_data_every_user_foreign_key_is_covered():
    # given
    exported, erased = covered_models()
    # when
    missing = _models_pointing_at_user() - exported - erased
    # then
    assert not missing, (
        "models with a foreign key to the user that no export or erasure part "
        f"covers (register them in cop.privacy.hooks.member_data): {sorted(missing)}"
    )


def test_member_data_parts_name_only_existing_models():
    exported, erased = covered_models()
    unknown = {label for label in exported | erased if not _exists(label)}
    assert not unknown


def test_member_data_each_app_registers_its_part():
    assert {key for key, _part in member_data} >= {
        "account",
        "discussions",
        "vendors",
        "platform",
    }


def _exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True
