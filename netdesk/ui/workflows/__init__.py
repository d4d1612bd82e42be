"""The playbook as workflows in the main window: the search header, a Playbook menu, and the
windows it opens (sorting, status updates, the offer wrap-up, references, companies, glance,
templates). `install_workflows(window)` wires them in, as app.run does."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QVBoxLayout

from netdesk.store import reader
from netdesk.ui.workflows.common import MailHandOff

if TYPE_CHECKING:
    from netdesk.ui.main_window import MainWindow
    from netdesk.ui.workflows.common import DraftDialog
    from netdesk.ui.workflows.companies import CompaniesDialog
    from netdesk.ui.workflows.glance import GlanceDialog
    from netdesk.ui.workflows.references import ReferencesDialog
    from netdesk.ui.workflows.search_bar import SearchDialog, SearchHeader
    from netdesk.ui.workflows.sort_network import SortDialog
    from netdesk.ui.workflows.status_update import StatusUpdateComposer
    from netdesk.ui.workflows.templates_editor import TemplatesDialog
    from netdesk.ui.workflows.thank_you import ThankYouComposer
    from netdesk.ui.workflows.wrapup import OfferDialog, WrapUpDialog

D = TypeVar("D", bound=QDialog)


class Workflows(QObject):
    """Owns the header and the workflow windows of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        from netdesk.ui.workflows.search_bar import SearchHeader

        self.window = window
        self.hub = window.hub
        self.actions = window.user_actions
        self.clock = window.clock
        self.mail = MailHandOff()  # replaceable: tests record instead of opening a mail program
        self.open_dialogs: dict[str, QDialog] = {}

        self.header: SearchHeader = SearchHeader()
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, self.header)
        self.header.changeClicked.connect(self.change_search)
        self.header.wrapUpClicked.connect(self.wrap_up)
        self.header.sortClicked.connect(self.sort_network)
        self.hub.contactsChanged.connect(lambda _ids: self.header.refresh())
        self.hub.searchChanged.connect(self.header.refresh)
        self.hub.importApplied.connect(lambda _b: self.header.refresh())
        self.hub.importUndone.connect(lambda _b: self.header.refresh())
        self._build_menu()
        self._build_thank_you()
        self.header.refresh()

    # --- the menu --------------------------------------------------------------------------

    def _add(self, key: str, text: str, slot: object, shortcut: str = "", tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        self.window.actions[key] = action
        self.menu.addAction(action)
        return action

    def _build_menu(self) -> None:
        bar = self.window.menuBar()
        self.menu = QMenu("&Playbook", self.window)
        self.menu.setObjectName("playbookMenu")
        help_menu = self.window.menus.get("help")
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)
        self.window.menus["playbook"] = self.menu
        self._add(
            "search_state",
            "Job &search…",
            self.change_search,
            "Ctrl+Shift+J",
            "Change the state of your job search",
        )
        self.menu.addSeparator()
        self._add(
            "sort_network",
            "S&ort your network…",
            self.sort_network,
            "Ctrl+Shift+O",
            "Sort unsorted contacts into advocates and work acquaintances",
        )
        self._add(
            "status_update",
            "Send a no-ask status &update…",
            self.status_update,
            "Ctrl+Shift+U",
            "Write a short update to many people, asking for nothing",
        )
        self._add(
            "offer", "I have an &offer…", self.offer, tip="Record an offer and thank everyone"
        )
        self._add(
            "wrap_up",
            "&Thank everyone who helped…",
            self.wrap_up,
            "Ctrl+Shift+T",
            "Continue the offer wrap-up",
        )
        self._add(
            "references",
            "&References…",
            self.references,
            "Ctrl+Shift+R",
            "Who agreed to be a reference, and where you named them",
        )
        self.menu.addSeparator()
        self._add(
            "companies",
            "&Companies…",
            self.companies,
            "Ctrl+Shift+C",
            "Your status with each company, and the people there",
        )
        self._add(
            "glance",
            "Network at a &glance…",
            self.glance,
            "Ctrl+Shift+G",
            "Pictures of your network and how often you keep in touch",
        )
        self._add("templates", "Message &templates…", self.templates, tip="Edit message templates")

    def _build_thank_you(self) -> None:
        """Rule 4 acts on one contact: in the Contact menu, the list's context menu, and
        the follow-ups pane (for a thank-you follow-up)."""
        action = QAction("Write t&hank-you…", self.window)
        action.setObjectName("action_thank_you")
        tip = "Thank the selected contact, naming what they did"
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False: self.thank_you())
        self.window.actions["thank_you"] = action
        tie_menu = self.window.tie_menu.menuAction()
        self.window.menus["contact"].insertAction(tie_menu, action)
        self.window.contacts.view.insertAction(tie_menu, action)
        self.window.contacts.selectionChanged.connect(lambda ids: action.setEnabled(len(ids) == 1))
        action.setEnabled(len(self.window.contacts.selected_ids()) == 1)
        self.window.follow_ups.thankYouRequested.connect(self.thank_you)

    # --- opening windows -------------------------------------------------------------------

    def _show(self, key: str, dialog: D) -> D:
        old = self.open_dialogs.pop(key, None)
        if old is not None:
            old.close()
            old.deleteLater()
        self.open_dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _changed(self, ids: list[int]) -> None:
        # The action layer has told the panes; the header counts what is left to sort.
        self.header.refresh()

    def _search_changed(self) -> None:
        self.header.refresh()

    def change_search(self) -> SearchDialog:
        from netdesk.ui.workflows.search_bar import SearchDialog

        dialog = SearchDialog(self.clock.now(), self.actions, self.window)
        dialog.accepted.connect(self._search_changed)
        return self._show("search", dialog)

    def sort_network(self) -> SortDialog:
        from netdesk.ui.workflows.sort_network import SortDialog

        dialog = SortDialog(self.clock.now, self.actions, self.window)
        dialog.changed.connect(self._changed)
        return self._show("sort", dialog)

    def status_update(self) -> StatusUpdateComposer:
        from netdesk.ui.workflows.status_update import StatusUpdateComposer

        dialog = StatusUpdateComposer(self.clock.now, self.mail, self.actions, self.window)
        dialog.sent.connect(self._changed)
        return self._show("status_update", dialog)

    def thank_you(self, contact_id: int = 0) -> ThankYouComposer | None:
        """A thank-you to `contact_id` (default: the contact selected in the list)."""
        from netdesk.ui.workflows.thank_you import ThankYouComposer

        contact_id = contact_id or self.window.contacts.current_id()
        contact = reader.thank_you_contact(contact_id, self.clock.now()) if contact_id else None
        if contact is None:
            return None
        dialog = ThankYouComposer(
            contact, self.clock.now, self.mail, self.actions, self.window
        )
        dialog.sent.connect(self._thanked)
        return self._show("thank_you", dialog)

    def write_note(self, contact_id: int) -> DraftDialog | None:
        """A short follow-up note to `contact_id` (Write… on a follow-up), from the user's
        template and signed; the follow-up's Done logs it."""
        from netdesk.core.drafts import draft, follow_up_values
        from netdesk.core.playbook import first_name
        from netdesk.core.templates import is_valid_email
        from netdesk.ui.workflows.common import DraftDialog

        name = reader.contact_name(contact_id)
        if name is None:
            return None
        emails = [e.strip() for e in reader.contact_emails(contact_id) if is_valid_email(e.strip())]

        def draft_for(my_name: str) -> str:
            values = follow_up_values(first_name(name), my_name=my_name)
            return draft(reader.template("follow_up"), values)

        dialog = DraftDialog(
            f"Write to {name}",
            name,
            emails[0] if emails else "",
            "Good to be in touch",
            draft_for,
            self.mail,
            self.actions,
            self.window,
        )
        return self._show("write_note", dialog)

    def _thanked(self, contact_id: int, outcome: str) -> None:
        self._changed([contact_id])
        self.window.statusBar().showMessage(outcome, 8000)

    def offer(self) -> OfferDialog:
        from netdesk.ui.workflows.wrapup import OfferDialog

        dialog = OfferDialog(self.clock.now(), self.actions, self.window)

        def started() -> None:
            self._search_changed()
            self.wrap_up()

        dialog.accepted.connect(started)
        return self._show("offer", dialog)

    def wrap_up(self) -> WrapUpDialog | OfferDialog:
        from netdesk.ui.workflows.wrapup import WrapUpDialog

        if reader.wrap_up_plan() is None:
            return self.offer()
        dialog = WrapUpDialog(self.clock.now, self.mail, self.actions, self.window)
        dialog.changed.connect(self._changed)
        return self._show("wrap_up", dialog)

    def references(self) -> ReferencesDialog:
        from netdesk.ui.workflows.references import ReferencesDialog

        dialog = ReferencesDialog(self.clock.now, self.actions, self.window, mail=self.mail)
        dialog.changed.connect(self._changed)
        return self._show("references", dialog)

    def companies(self) -> CompaniesDialog:
        from netdesk.ui.workflows.companies import CompaniesDialog

        dialog = CompaniesDialog(self.clock.now, self.actions, self.window)
        dialog.changed.connect(self._changed)
        dialog.contactRequested.connect(self.hub.contactRequested)
        return self._show("companies", dialog)

    def glance(self) -> GlanceDialog:
        from netdesk.ui.workflows.glance import GlanceDialog

        return self._show("glance", GlanceDialog(self.clock.now, self.window))

    def templates(self) -> TemplatesDialog:
        from netdesk.ui.workflows.templates_editor import TemplatesDialog

        return self._show("templates", TemplatesDialog(self.actions, self.window))


def install_workflows(window: MainWindow) -> Workflows:
    """Put the playbook into the window (app.run calls this; tests build the window the same
    way)."""
    workflows = Workflows(window)
    window.workflows = workflows  # type: ignore[attr-defined]
    return workflows
