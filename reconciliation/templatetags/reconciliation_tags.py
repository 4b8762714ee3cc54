"""The back office's home: one "Rapprochement" section, with the reconciliation pages and the
read-only lists of its rows (Django's application list without its own "Rapprochement" block)."""

from django import template

register = template.Library()


@register.filter
def app_named(app_list, label: str):
    """The application ``label`` of the admin's ``app_list`` (None when the user sees none of it)."""
    return next((app for app in app_list or () if app.get("app_label") == label), None)


@register.filter
def without_app(app_list, label: str) -> list:
    return [app for app in app_list or () if app.get("app_label") != label]
