"""Sign-in page: user name and password, checked by the user service in a background job."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.users import UserInfo
from station.ui.jobs import JobRunner
from station.ui.services import GuiServices
from station.ui.widgets.feedback import MessageBar


class LoginPage(QWidget):
    signed_in = Signal(object)  # UserInfo

    def __init__(self, services: GuiServices, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.setObjectName("LoginPage")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("LoginCard")
        card.setFixedWidth(420)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(12)
        title = QLabel(self.tr("Inspection Station"))
        title.setObjectName("LoginTitle")
        subtitle = QLabel(self.tr("Sign in to start inspecting"))
        subtitle.setObjectName("Subtle")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.username = QLineEdit()
        self.username.setObjectName("UsernameInput")
        self.username.setPlaceholderText(self.tr("user name"))
        self.password = QLineEdit()
        self.password.setObjectName("PasswordInput")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("password"))
        form.addRow(self.tr("User"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setObjectName("PrimaryButton")
        self.sign_in_button.setDefault(True)
        self.message = MessageBar()
        self.hint = QLabel()
        self.hint.setObjectName("Subtle")
        self.hint.setWordWrap(True)
        station = QLabel(self.tr("Station {0}").format(services.settings.station_id))
        station.setObjectName("Subtle")
        for widget in (title, subtitle):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.sign_in_button)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addWidget(station)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.sign_in_button.clicked.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self._check_accounts()

    def _check_accounts(self) -> None:
        def done(has_admin: bool) -> None:
            if not has_admin:
                self.hint.setText(self.tr("No administrator account yet: create one with "
                                          "`station users add NAME --email E --role admin`, or run `station demo`."))
        self._runner.submit(lambda _ctx: self._services.users.has_admin(), name="check-accounts", on_done=done)

    def reset(self) -> None:
        self.password.clear()
        self.message.clear_message()
        self.sign_in_button.setEnabled(True)
        self.username.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.show_message(self.tr("Enter your user name and password."), "warning")
            return
        self.sign_in_button.setEnabled(False)
        self.message.show_message(self.tr("Signing in…"), "info")

        def done(user: UserInfo) -> None:
            self.password.clear()
            self.message.clear_message()
            self.sign_in_button.setEnabled(True)
            self.signed_in.emit(user)

        def failed(error: BaseException) -> None:
            self.sign_in_button.setEnabled(True)
            self.password.clear()
            self.password.setFocus()
            self.message.show_error(error)

        self._runner.submit(lambda _ctx: self._services.users.authenticate(username, password), name="sign-in",
                            on_done=done, on_error=failed)
