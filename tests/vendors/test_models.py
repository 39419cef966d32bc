"""Tests for the vendor models."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tests.factories import OrganisationFactory
from vendors.models import (
    CORE_CRITERION_MODULE,
    PRODUCT_TYPE_CRITERION_MODULES,
    Product,
)

pytestmark = pytest.mark.django_db


def make_product(**fields: object) -> Product:
    fields.setdefault("organisation", OrganisationFactory(kind="vendor"))
    fields.setdefault("name", "Larchmont Stacks")
    fields.setdefault("slug", "larchmont-stacks")
    fields.setdefault("product_type", Product.ProductType.LMS)
    return Product.objects.create(**fields)


def test_product_slug_repeated_within_organisation_is_rejected():
    product = make_product()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(organisation=product.organisation, name="Other")


def test_product_slug_repeated_across_organisations_is_allowed():
    make_product()
    assert make_product().slug == "larchmont-stacks"
    assert Product.objects.count() == 2


def test_product_unknown_type_is_rejected_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_product(product_type="spaceship")


def test_product_organisation_delete_with_products_is_protected():
    product = make_product()
    with pytest.raises(ProtectedError):
        product.organisation.delete()


def test_product_str_is_its_name():
    assert str(make_product(name="Brightwell Search")) == "Brightwell Search"


@pytest.mark.parametrize(
    ("product_type", "modules"),
    [
        ("lms", ("core", "ILS")),
        ("discovery", ("core", "DSC")),
        ("content", ("core", "CNT")),
        ("k12", ("core", "K12")),
        ("other", ("core",)),
    ],
)
def test_product_criterion_modules_by_type_include_core(product_type, modules):
    product = Product(product_type=product_type)
    assert product.criterion_modules() == modules
    assert modules[0] == CORE_CRITERION_MODULE


def test_product_type_criterion_modules_cover_every_type_but_other():
    assert set(PRODUCT_TYPE_CRITERION_MODULES) == set(Product.ProductType.values) - {
        "other"
    }
