"""The dashboard's "Work waiting" panel (sources registered by each app)."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.ui.components import Component

from cop.core.work import WorkItem, work_waiting


class WorkWaitingPanel(Component):
    """Dashboard panel: each kind of waiting work with its count and a link."""

    name = "work_waiting"
    order = 40
    template_name = "core/admin/work_waiting_panel.html"

    def __init__(self, items: list[WorkItem]) -> None:
        self.items = items

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {"items": self.items}


@hooks.register("construct_homepage_panels")
def add_work_waiting_panel(request: Any, panels: list[Any]) -> None:
    items = work_waiting(viewer=request.user)
    if items:
        panels.append(WorkWaitingPanel(items))
