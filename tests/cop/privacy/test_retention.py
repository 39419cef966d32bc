"""The retention table states the periods the settings configure."""

from __future__ import annotations

from django.template import Context, Template

from cop.privacy.retention import retention_rules


def test_retention_rules_follow_settings(settings):
    settings.COP_RETENTION_DAYS = {**settings.COP_RETENTION_DAYS, "notifications": 30}
    rules = {rule.key: rule for rule in retention_rules()}
    assert rules["notifications"].days == 30
    assert set(rules) == set(settings.COP_RETENTION_DAYS)


def test_retention_table_renders_configured_periods(settings):
    settings.COP_RETENTION_DAYS = {
        **settings.COP_RETENTION_DAYS,
        "notifications": 30,
        "expired_sessions": 0,
    }
    html = Template("{% load privacy_tags %}{% retention_table %}").render(Context())
    assert "30 days" in html
    assert "removed at once" in html
    assert "On-site notifications" in html
