"""Users and roles: list, add, change roles, enable/disable, reset password (admin only; audited)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.enums import Role
from station.domain.users import UserInfo
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import role_name
from station.ui.widgets.tables import DataTable


class UsersView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.users: list[UserInfo] = []
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.table = DataTable([self.tr("User"), self.tr("Name"), self.tr("E-mail"), self.tr("Roles"),
                                self.tr("Active"), self.tr("Last sign-in")])
        self.table.setObjectName("UsersTable")
        left.addWidget(self.table, 1)
        self.message = MessageBar()
        left.addWidget(self.message)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        box = QGroupBox(self.tr("User"))
        form = QFormLayout(box)
        self.username = QLineEdit()
        self.username.setObjectName("NewUsername")
        self.full_name = QLineEdit()
        self.email = QLineEdit()
        self.email.setObjectName("NewEmail")
        self.password = QLineEdit()
        self.password.setObjectName("NewPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("at least 8 characters"))
        self.role_boxes = {role: QCheckBox(role_name(role.value)) for role in Role}
        roles_row = QHBoxLayout()
        for box_ in self.role_boxes.values():
            roles_row.addWidget(box_)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.full_name)
        form.addRow(self.tr("E-mail"), self.email)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Roles"), roles_row)
        right.addWidget(box)
        self.add_button = QPushButton(self.tr("Add user"))
        self.add_button.setObjectName("PrimaryButton")
        self.roles_button = QPushButton(self.tr("Save roles"))
        self.toggle_button = QPushButton(self.tr("Enable / disable"))
        self.password_button = QPushButton(self.tr("Reset password"))
        for button in (self.add_button, self.roles_button, self.toggle_button, self.password_button):
            right.addWidget(button)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self.table.itemSelectionChanged.connect(self._selected)
        self.add_button.clicked.connect(self.add_user)
        self.roles_button.clicked.connect(self.save_roles)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.password_button.clicked.connect(self.reset_password)

    def refresh(self) -> None:
        self.env.runner.submit(lambda _ctx: self.env.services.admin.list_users(), name="users", owner=self,
                               latest=True, on_done=self._show, on_error=self.message.show_error)

    def _show(self, users: list[UserInfo]) -> None:
        self.users = users
        self.table.set_rows([[u.username, u.full_name or "", u.email, ", ".join(role_name(r.value) for r in u.roles),
                              self.tr("yes") if u.is_active else self.tr("no"),
                              u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "—"]
                             for u in users], [u.username for u in users])

    def _selected(self) -> None:
        user = next((u for u in self.users if u.username == self.table.selected_id()), None)
        if user is None:
            return
        self.username.setText(user.username)
        self.full_name.setText(user.full_name or "")
        self.email.setText(user.email)
        self.password.clear()
        for role, box in self.role_boxes.items():
            box.setChecked(role in user.roles)

    def _roles(self) -> list[str]:
        return [role.value for role, box in self.role_boxes.items() if box.isChecked()]

    def _run(self, fn, done_text: str, after=None) -> None:  # type: ignore[no-untyped-def]
        def done(_r: object) -> None:
            if after is not None:
                after()
            self.message.show_message(done_text, "info", 5000)
            self.refresh()
        self.env.runner.submit(lambda _ctx: fn(), name="admin-users", on_done=done, on_error=self.message.show_error)

    def clear_form(self) -> None:
        """Empties the user form (after a user was added, ready for the next one)."""
        self.table.clearSelection()
        for field in (self.username, self.full_name, self.email, self.password):
            field.clear()
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.username.setFocus()

    def add_user(self) -> None:
        admin, by = self.env.services.admin, self.env.user_id
        username, email, password = self.username.text().strip(), self.email.text().strip(), self.password.text()
        roles, name = self._roles(), self.full_name.text().strip() or None
        self._run(lambda: admin.add_user(username, email, password, roles, name, by),
                  self.tr("User {0} added.").format(username), after=self.clear_form)

    def save_roles(self) -> None:
        admin, by, username, roles = self.env.services.admin, self.env.user_id, self.username.text().strip(), self._roles()
        self._run(lambda: admin.set_roles(username, roles, by), self.tr("Roles of {0} saved.").format(username))

    def toggle_active(self) -> None:
        user = next((u for u in self.users if u.username == self.username.text().strip()), None)
        if user is None:
            self.message.show_message(self.tr("Select a user first."), "warning", 4000)
            return
        admin, by = self.env.services.admin, self.env.user_id
        self._run(lambda: admin.set_active(user.username, not user.is_active, by),
                  self.tr("{0} is now {1}.").format(user.username,
                                                    self.tr("disabled") if user.is_active else self.tr("enabled")))

    def reset_password(self) -> None:
        admin, by = self.env.services.admin, self.env.user_id
        username, password = self.username.text().strip(), self.password.text()
        self._run(lambda: admin.reset_password(username, password, by),
                  self.tr("Password of {0} changed.").format(username))
