"""Plans on a server in the window: open from a store, save to it, follow others' edits.

What File > Open from server… and File > Save to server… do, around the Qt-free
:mod:`cluster_planner.session.shared` (``session.open_shared``, ``SharedLink.flush``,
``SharedLink.refresh``) and :func:`cluster_planner.store.sync.push`:

* each edit of a shared plan is written right after it is made (a zero-delay timer, so
  the undo step is on the stack first); what the store refuses is said in the status bar,
  one line per assignment, and the plan shows the store's assignment there again;
* a :class:`ChangeWatcher` thread listens (LISTEN/NOTIFY) and the window refreshes when
  another member changes the plan, announcing who changed what in the status bar;
* a server that goes away leaves the plan and its unwritten edits in the window, with a
  message saying how to keep them (save to a file, push it later);
* the assignments table's tooltips say who changed an assignment last and when.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from cluster_planner.qt import dialogs
from cluster_planner.qt.server_dialog import ServerDialog, ask_password
from cluster_planner.session.shared import (
    RemoteChanges,
    SharedConnectionLost,
    SharedEditsRefused,
    SharedWritten,
    connect_shared,
    open_shared,
)
from cluster_planner.store.connection import StoreError, needs_password, redact_url

if TYPE_CHECKING:
    from cluster_planner.qt.main_window import MainWindow

# How long a status-bar message about the store stays (ms).
MESSAGE_MS = 15000
# How often the listening thread looks whether it should stop (s).
LISTEN_SLICE_S = 0.25


class ChangeWatcher(QThread):
    """Waits for the store's notifications on its own connection, in a thread.

    Signals
    -------
    heard(list)
        The plan changed (the store's notices: who, how many, change number).
    lost(str)
        The listening connection died (one line, no password).
    """

    heard = Signal(list)
    lost = Signal(str)

    def __init__(self, listener: Any, parent: QObject | None = None):
        super().__init__(parent)
        self._listener = listener
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True
        self.wait()

    def run(self) -> None:
        listener = self._listener
        try:
            while not self._stopping:
                notices = listener.wait(timeout=LISTEN_SLICE_S, stop_after=1)
                if notices and not self._stopping:
                    self.heard.emit(notices)
        except StoreError as error:
            if not self._stopping:
                self.lost.emit(error.one_line())
        finally:
            try:
                listener.close()
            except Exception:  # noqa: BLE001 (a dead connection may fail to close)
                pass


class ServerController(QObject):
    """What the File menu's server items do, and the window's link to a store.

    Parameters
    ----------
    window
        The main window: its session, status bar, settings, files and level loader.
    """

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.watcher: ChangeWatcher | None = None
        # What the window last said about the store (one line each), newest last.
        self.messages: list[str] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)
        self.status_label = QLabel()
        self.status_label.setObjectName("serverLabel")
        self.status_label.hide()
        window.statusBar().addPermanentWidget(self.status_label)
        window.assignments_model.tooltip_extra = self.last_change_text
        window.document.planEdited.connect(self._on_plan_edited)
        window.document.planReplaced.connect(self._on_plan_replaced)
        this = weakref.ref(self)

        def relay(method: str):
            def handler(event: Any) -> None:
                controller = this()
                if controller is not None:
                    getattr(controller, method)(event)
            return handler

        events = window.session.events
        unsubscribers = [
            events.subscribe(relay("_on_refused"), SharedEditsRefused),
            events.subscribe(relay("_on_remote_changes"), RemoteChanges),
            events.subscribe(relay("_on_lost"), SharedConnectionLost),
            events.subscribe(relay("_on_written"), SharedWritten),
        ]
        self.destroyed.connect(lambda *_: [unsubscribe() for unsubscribe in unsubscribers])

    @property
    def link(self) -> Any:
        """The open plan's :class:`~cluster_planner.session.shared.SharedLink`, or ``None``."""
        return self.w.session.shared

    # ------------------------------------------------------------------ opening
    def open_from_server(self) -> None:
        """File > Open from server…: ask for the store and the plan, then open it."""
        if not self.w.ready or not self.w.files.maybe_save():
            return
        dialog = ServerDialog(self.tr("Open from server"), self._last_url(),
                              self._last_name(), self.w)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.open_shared(dialog.url(), dialog.name(), ask_to_save=False)

    def open_shared(self, url: str, name: str, ask_to_save: bool = True,
                    password: str | None = None) -> bool:
        """Open the plan ``name`` of the store at ``url``; ``False`` (said) when it cannot.

        Credentials come from libpq (``PGPASSWORD``, ``~/.pgpass``) or a password prompt;
        ``password`` (tests) is used like a prompt's answer and kept nowhere.
        """
        if ask_to_save and not self.w.files.maybe_save():
            return False
        failure = self.tr("Cannot open the plan from the server")
        connected = self._connect(url, name, password, failure)
        if connected is None:
            return False
        shared, password = connected  # the password (if any) lives only in this call
        listener = self._listen(url, name, password, failure)
        if listener is None:
            shared.close()
            return False
        outcome: dict[str, bool] = {}

        def install(data: Any) -> None:
            try:
                open_shared(self.w.session, shared, data)
            except StoreError as error:
                shared.close()
                listener.close()
                dialogs.show_error(self.w, failure, error.one_line())
                outcome["ok"] = False
                return
            self.w.files._discard_recovery()
            self._remember(url, name)
            self._start_watching(listener)
            self._say(self.tr("Opened “{name}” from {url} as {role}").format(
                name=name, url=redact_url(url), role=shared.member.role))
            outcome["ok"] = True

        self.w.with_level_data(shared.level, install)
        return outcome.get("ok", True)

    def _with_password(self, url: str, password: str | None, attempt: Any) -> Any:
        """``(attempt(password), password)``; when libpq finds no password for ``url``,
        the user is asked and the attempt made again with the answer (``None``: cancelled)."""
        try:
            return attempt(password), password
        except StoreError as error:
            if password is not None or not needs_password(error):
                raise
        asked = ask_password(self.w, url)
        return None if asked is None else (attempt(asked), asked)

    def _connect(self, url: str, name: str, password: str | None, failure: str) -> Any:
        """``(SharedPlan, password used)`` or ``None`` (said, or cancelled)."""
        try:
            return self._with_password(url, password,
                                       lambda given: connect_shared(url, name, given))
        except StoreError as error:
            dialogs.show_error(self.w, failure, error.one_line())
            return None

    def _listen(self, url: str, name: str, password: str | None, failure: str) -> Any:
        from cluster_planner.store.shared import ChangeListener

        try:
            return ChangeListener(url, plan_name=name, password=password)
        except StoreError as error:
            dialogs.show_error(self.w, failure, error.one_line())
            return None

    def _start_watching(self, listener: Any) -> None:
        self.stop()
        self.watcher = ChangeWatcher(listener, self)
        self.watcher.heard.connect(self._on_heard)
        self.watcher.lost.connect(self._on_listener_lost)
        self.watcher.start()
        self._show_status()

    # ------------------------------------------------------------------ saving
    def save_to_server(self) -> None:
        """File > Save to server…: push the open plan into a store (a three-way merge)."""
        if not self.w.ready:
            return
        link = self.link
        url = link.url if link is not None else self._last_url()
        name = link.name if link is not None else self.w.document.plan.name
        dialog = ServerDialog(self.tr("Save to server"), url, name, self.w)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.push(dialog.url(), dialog.name())

    def push(self, url: str, name: str, password: str | None = None) -> bool:
        """Push the open plan into the store as ``name``; on success the window then
        edits the store's plan. Conflicts are listed and nothing is written."""
        failure = self.tr("Cannot save the plan to the server")
        try:
            pushed = self._with_password(
                url, password, lambda given: self.w.session.push_to_store(url, name, given))
            if pushed is None:
                return False
            result, password = pushed
        except StoreError as error:
            dialogs.show_error(self.w, failure, error.one_line())
            return False
        if not result.written:
            lines = [conflict.message() for conflict in result.conflicts]
            self.messages.extend(lines)
            dialogs.show_error(self.w, failure, self.tr(
                "Nothing was written; {count} assignment(s) could not be saved:\n{lines}"
            ).format(count=len(lines), lines="\n".join(lines)))
            return False
        self._say(self.tr("Saved to {url} as “{name}”: {added} added, {changed} changed, "
                          "{removed} removed").format(
            url=redact_url(url), name=name, added=result.inserted, changed=result.updated,
            removed=result.deleted))
        self.w.document.undo_stack.setClean()  # what was unsaved is in the store now
        return self.open_shared(url, name, ask_to_save=False, password=password)

    # ------------------------------------------------------------------ following the store
    def flush(self) -> int:
        """Write the open plan's pending edits to the store (see ``SharedLink.flush``)."""
        link = self.link
        return 0 if link is None else link.flush()

    def refresh(self, *_args: Any) -> int:
        """Bring others' edits into the open plan; returns how many assignments changed."""
        link = self.link
        return 0 if link is None else len(link.refresh())

    def stop(self) -> None:
        """Stop listening (another plan is open, or the window closes)."""
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def close(self) -> None:
        """Stop listening and close the store connection (the window closes)."""
        self.stop()
        link = self.link
        if link is not None:
            link.close()

    def last_change_text(self, key: tuple[str, str]) -> str:
        """"Changed by hunan at 2026-11-30 19:50 (version 2)" for a shared plan, else ""."""
        link = self.link
        row = None if link is None else link.last_change(*key)
        if row is None:
            return ""
        text = self.tr("Changed by {who} at {when} (version {version})").format(
            who=row.changed_by, when=row.changed_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            version=row.version)
        if row.locked:
            text += self.tr(", locked by the coordinator")
        return text

    def _on_heard(self, notices: list) -> None:
        link = self.link
        if link is not None and not link.only_own(notices):
            self.refresh()

    def _on_plan_edited(self, _change: Any) -> None:
        # The link hears of the edit after this signal: it flushes what it then holds.
        link = self.link
        if link is not None and link.online:
            self._flush_timer.start()

    def _on_plan_replaced(self) -> None:
        if self.link is None:
            self.stop()
        self._show_status()

    def _on_refused(self, event: SharedEditsRefused) -> None:
        self.messages.extend(event.messages)
        if len(event.messages) == 1:
            self._say(event.messages[0])
        else:
            self._say(self.tr("{count} edits were not saved: {first} (and {more} more)").format(
                count=len(event.messages), first=event.messages[0],
                more=len(event.messages) - 1))

    def _on_remote_changes(self, event: RemoteChanges) -> None:
        document = self.w.document
        who = ", ".join(sorted({change.who for change in event.changes if change.who}))
        if len(event.changes) == 1:
            change = event.changes[0]
            text = (self.tr("{who} removed {industry} from {region}") if change.row is None
                    else self.tr("{who} changed {industry} in {region}"))
            self._say(text.format(who=who or self.tr("someone"),
                                  industry=document.industry_label(change.industry),
                                  region=document.region_label(change.region)))
        else:
            self._say(self.tr("{who} changed {count} assignments").format(
                who=who or self.tr("someone"), count=len(event.changes)))

    def _on_listener_lost(self, message: str) -> None:
        link = self.link
        if link is not None:
            link.lost(message)

    def _on_lost(self, event: SharedConnectionLost) -> None:
        self.stop()
        self._show_status()
        text = self.tr(
            "{message}. Your edits are kept in this window: save them to a file (File > Save "
            "As…) and save that to the server when it is back (File > Save to server…)."
        ).format(message=event.message)
        self.messages.append(text)
        self.w.statusBar().showMessage(text, MESSAGE_MS)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("The server went away"), text,
                          QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("serverLostBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not modal to the work: the plan stays editable
        self.lost_box = box

    def _on_written(self, _event: SharedWritten) -> None:
        self._show_status()

    def _say(self, text: str) -> None:
        self.messages.append(text)
        self.w.statusBar().showMessage(text, MESSAGE_MS)

    def _show_status(self) -> None:
        link = self.link
        if link is None:
            self.status_label.hide()
            return
        if link.online:
            text = self.tr("On server: “{name}” as {role}").format(name=link.name, role=link.role)
        else:
            text = self.tr("Offline: “{name}”, edits kept here").format(name=link.name)
        self.status_label.setText(text)
        self.status_label.setToolTip(link.where)
        self.status_label.show()

    # ------------------------------------------------------------------ settings (no passwords)
    def _remember(self, url: str, name: str) -> None:
        store = self.w.settings._store
        store.setValue("server/url", redact_url(url))
        store.setValue("server/plan", name)

    def _last_url(self) -> str:
        return str(self.w.settings._store.value("server/url", "") or "")

    def _last_name(self) -> str:
        return str(self.w.settings._store.value("server/plan", "") or "")
