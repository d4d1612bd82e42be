"""Icons for actions and buttons: the desktop's icon theme where it has one, else NetDesk's own
small set (resources/icons/actions, drawn for NetDesk), so every platform gets an icon."""

from __future__ import annotations

import os
from functools import cache

from PySide6.QtGui import QIcon

from netdesk.ui.widgets import resource_path

# What each icon shows -> its freedesktop icon-naming name (looked up in the theme first).
THEME_NAMES = {
    "contact-new": "contact-new",
    "document-import": "document-import",
    "document-export": "document-export",
    "log-interaction": "mail-reply-sender",
    "edit-find": "edit-find",
    "playbook": "help-contents",
    "document-edit": "document-edit",
    "edit-delete": "edit-delete",
    "mail-message-new": "mail-message-new",
    "call-start": "call-start",
    "link": "insert-link",
    "task-complete": "task-complete",
    "snooze": "chronometer",
    "dismiss": "dialog-cancel",
    "edit-undo": "edit-undo",
    "edit-redo": "edit-redo",
    "preferences": "preferences-system",
    "application-exit": "application-exit",
    "dialog-information": "dialog-information",
    "dialog-warning": "dialog-warning",
    "tag": "tag",
    "archive": "archive-insert",
    "view-history": "view-history",
}


@cache
def _folder() -> str:
    # Found once: resolving a path for each of twenty icons is time the first paint waits.
    return str(resource_path("icons", "actions"))


def bundled_path(name: str) -> str:
    """The file of NetDesk's own icon `name` (every name in THEME_NAMES has one)."""
    return os.path.join(_folder(), f"{name}.svg")


@cache
def icon(name: str) -> QIcon:
    """The icon for `name`: the theme's when the desktop has one, else the bundled SVG.

    The SVG is read when the icon is first painted, not here, so asking costs nothing at
    start-up."""
    fallback = QIcon(bundled_path(name))
    theme_name = THEME_NAMES[name]
    if QIcon.themeName() and QIcon.hasThemeIcon(theme_name):
        return QIcon.fromTheme(theme_name, fallback)
    return fallback
