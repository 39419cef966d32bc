"""StreamField blocks of guides and standard pages (templates in ``templates/blocks/``).

References to criteria (``VPD-…``) and red-flag types (``RF-…``) store the code and
offer only the current rows of the reference data; a reference to a row retired since
is refused when the page is saved again, with the code in the message. The page loads
every referenced row in one query per kind (:mod:`cop.guides.selectors`), so a block
renders without a query of its own.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

RICH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


def criterion_choices() -> list[tuple[str, str]]:
    """Return ``(code, "code · title")`` for every current criterion."""
    from cop.privacy.models import Criterion

    rows = Criterion.objects.current().order_by("code").values_list("code", "title")
    return [(code, f"{code} · {title}") for code, title in rows]


def red_flag_choices() -> list[tuple[str, str]]:
    """Return ``(code, "code · title")`` for every current red-flag type."""
    from cop.privacy.models import RedFlag

    rows = RedFlag.objects.current().order_by("order", "code")
    return [
        (code, f"{code} · {title}") for code, title in rows.values_list("code", "title")
    ]


class _ReferenceBlock(blocks.ChoiceBlock):
    """A choice among the current rows; a stale code is a clear form error."""

    kind = ""

    def to_python(self, value: Any) -> Any:
        # The stored code as it is: ChoiceBlock would look up the choices (a query)
        # for every value it reads.
        return value

    def clean(self, value: Any) -> Any:
        codes = {code for code, _label in self._choices()}
        if value and value not in codes:
            raise ValidationError(
                _(
                    "%(code)s is no longer a current %(kind)s in the reference data; "
                    "choose another or remove this reference."
                ),
                params={"code": value, "kind": self.kind},
            )
        return super().clean(value)

    def _choices(self) -> list[tuple[str, str]]:
        raise NotImplementedError


class CriterionChoiceBlock(_ReferenceBlock):
    kind = "criterion"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=criterion_choices, **kwargs)

    def _choices(self) -> list[tuple[str, str]]:
        return criterion_choices()


class RedFlagChoiceBlock(_ReferenceBlock):
    kind = "red-flag type"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=red_flag_choices, **kwargs)

    def _choices(self) -> list[tuple[str, str]]:
        return red_flag_choices()


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (h2)")), ("h3", _("Subsection (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    text = blocks.RichTextBlock(features=RICH_FEATURES, required=False)


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False)
    steps = blocks.ListBlock(StepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "blocks/steps_block.html"


class ChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1)

    class Meta:
        icon = "tasks"
        template = "blocks/checklist_block.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("note", _("Note")),
            ("tip", _("Tip")),
            ("warning", _("Warning")),
        ],
        default="note",
    )
    title = blocks.CharBlock(max_length=200, required=False)
    text = blocks.RichTextBlock(features=RICH_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"


class ContractLanguageBlock(blocks.StructBlock):
    """Example clause language: what to watch for and what to ask for instead."""

    topic = blocks.CharBlock(max_length=200)
    avoid = blocks.TextBlock(
        required=False, help_text=_("Wording to watch for in a vendor's draft.")
    )
    ask_for = blocks.TextBlock(help_text=_("Example clause to propose instead."))
    red_flag = RedFlagChoiceBlock(required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/contract_language_block.html"


class ReferencesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False)
    criteria = blocks.ListBlock(CriterionChoiceBlock(), default=[])
    red_flags = blocks.ListBlock(RedFlagChoiceBlock(), default=[])

    class Meta:
        icon = "link"
        template = "blocks/references_block.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    description = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "download"
        template = "blocks/download_block.html"


class RetentionTableBlock(blocks.StaticBlock):
    """The platform's retention periods, rendered from the settings in force."""

    class Meta:
        icon = "table"
        admin_text = _("The retention table, rendered from the current settings.")
        template = "blocks/retention_table_block.html"


class GuideStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["h3", *RICH_FEATURES], icon="pilcrow")
    steps = StepsBlock()
    checklist = ChecklistBlock()
    callout = CalloutBlock()
    contract_language = ContractLanguageBlock()
    references = ReferencesBlock()
    download = DownloadBlock()


class StandardStreamBlock(GuideStreamBlock):
    retention_table = RetentionTableBlock()


def referenced_codes(stream: Any) -> tuple[set[str], set[str]]:
    """Return the criterion and red-flag codes referenced anywhere in ``stream``."""
    criteria: set[str] = set()
    flags: set[str] = set()
    for child in stream:
        if child.block_type == "references":
            criteria.update(child.value["criteria"])
            flags.update(child.value["red_flags"])
        elif child.block_type == "contract_language" and child.value["red_flag"]:
            flags.add(child.value["red_flag"])
    return criteria, flags
