"""Reads behind the public vendor pages, exports and API (published data only).

Split by concept: :mod:`.answers` and :mod:`.details` (pure rendering and ranking of
answer records), :mod:`.pages` (directory, vendor, changelog), :mod:`.product` (the
product page) and :mod:`.comparison`.
"""

from vendors.selectors import Coverage
from vendors.selectors_public.answers import AnswerView, answer_view, best_and_worst
from vendors.selectors_public.comparison import (
    MAX_PRODUCTS,
    Cell,
    Column,
    Comparison,
    Row,
    compare_choices,
    comparison_build,
)
from vendors.selectors_public.pages import (
    ChangelogEntry,
    ProductSummary,
    changelog,
    directory,
    product_get,
    product_key,
    vendor_get,
    vendor_products,
)
from vendors.selectors_public.product import (
    DomainGroup,
    GlanceRow,
    ProductPage,
    glance_rows,
    product_page,
)

__all__ = [
    "MAX_PRODUCTS",
    "AnswerView",
    "Cell",
    "ChangelogEntry",
    "Column",
    "Comparison",
    "Coverage",
    "DomainGroup",
    "GlanceRow",
    "ProductPage",
    "ProductSummary",
    "Row",
    "answer_view",
    "best_and_worst",
    "changelog",
    "compare_choices",
    "comparison_build",
    "directory",
    "glance_rows",
    "product_get",
    "product_key",
    "product_page",
    "vendor_get",
    "vendor_products",
]
