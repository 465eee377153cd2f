"""Line I/O settings of this station (technician, admin): MQTT broker and topics, Modbus TCP PLC and its
coils/registers (the recipe register and the changeover coil and status register among them), serial line, the OPC UA server (endpoint, security and its certificate files). Saved to the station's ``line.toml`` (``station serve`` reads the same file),
validated and audited by the service; the bench's links restart with the new wiring."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QSpinBox,
    QVBoxLayout, QWidget,
)

from station.domain.errors import ValidationError
from station.domain.line import (
    OPCUA_SECURITY, LineWiring, ModbusWiring, MqttWiring, OpcUaWiring, SerialWiring, parse_host_port,
)
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import MessageBar


def _spin(value: int, top: int = 65535, bottom: int = 0) -> QSpinBox:
    box = QSpinBox()
    box.setRange(bottom, top)
    box.setValue(value)
    return box


def _optional_spin(none_text: str) -> QSpinBox:
    """An address that may be left unwired: the lowest value (-1) shows ``none_text`` and means None."""
    box = _spin(-1, bottom=-1)
    box.setSpecialValueText(none_text)
    return box


def _optional_value(box: QSpinBox) -> int | None:
    return None if box.value() < 0 else box.value()


class LineSettingsDialog(QDialog):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("LineSettingsDialog")
        self.setWindowTitle(self.tr("Line I/O of this station"))
        self.saved: LineWiring | None = None
        station = env.services.line.station_id
        layout = QVBoxLayout(self)
        self.mqtt = QGroupBox(self.tr("MQTT broker"))
        self.mqtt.setCheckable(True)
        form = QFormLayout(self.mqtt)
        self.mqtt_url = QLineEdit()
        self.mqtt_url.setPlaceholderText("mqtt://10.0.0.5:1883")
        self.topics = [QLineEdit() for _ in range(3)]
        for edit, default in zip(self.topics, MqttWiring("x").topics(station), strict=True):
            edit.setPlaceholderText(default)
        form.addRow(self.tr("Broker URL"), self.mqtt_url)
        for label, edit in zip((self.tr("Trigger topic"), self.tr("Result topic"), self.tr("Status topic")),
                               self.topics, strict=True):
            form.addRow(label, edit)
        self.modbus = QGroupBox(self.tr("Modbus TCP (PLC)"))
        self.modbus.setCheckable(True)
        form = QFormLayout(self.modbus)
        self.modbus_host = QLineEdit()
        self.modbus_host.setPlaceholderText("10.0.0.20")
        d = ModbusWiring("x")
        self.modbus_port = _spin(d.port, bottom=1)
        self.coils = {name: _spin(getattr(d, name)) for name in
                      ("trigger_coil", "verdict_register", "counter_register", "reject_coil", "ready_coil")}
        form.addRow(self.tr("Host"), self.modbus_host)
        form.addRow(self.tr("Port"), self.modbus_port)
        labels = {"trigger_coil": self.tr("Trigger coil"), "verdict_register": self.tr("Verdict register"),
                  "counter_register": self.tr("Counter register"), "reject_coil": self.tr("Reject coil"),
                  "ready_coil": self.tr("Ready coil")}
        for name, box in self.coils.items():
            form.addRow(labels[name], box)
        self.optional = {name: _optional_spin(self.tr("not wired")) for name in
                         ("recipe_register", "changeover_coil", "changeover_status_register")}
        self.optional["recipe_register"].setToolTip(self.tr(
            "The PLC writes the part's recipe number here (line.toml [recipes]); 0 = the active product"))
        self.optional["changeover_coil"].setToolTip(self.tr(
            "The PLC sets this coil to change the active product to the recipe in the recipe register; the "
            "station clears it once the changeover is answered"))
        self.optional["changeover_status_register"].setToolTip(self.tr(
            "The station's answer to a changeover: 1 changed, 4 refused, 5 error"))
        optional_labels = {"recipe_register": self.tr("Recipe register"),
                           "changeover_coil": self.tr("Changeover coil"),
                           "changeover_status_register": self.tr("Changeover status register")}
        for name, box in self.optional.items():
            form.addRow(optional_labels[name], box)
        self.serial = QGroupBox(self.tr("Serial line / scanner"))
        self.serial.setCheckable(True)
        form = QFormLayout(self.serial)
        self.serial_device = QLineEdit()
        self.serial_device.setPlaceholderText("/dev/ttyUSB0")
        self.baudrate = _spin(9600, 115200, 1200)
        self.serial_trigger = QLineEdit("T")
        self.serial_reply = QCheckBox(self.tr("Reply with the verdict"))
        self.serial_reply.setChecked(True)
        form.addRow(self.tr("Device"), self.serial_device)
        form.addRow(self.tr("Baud rate"), self.baudrate)
        form.addRow(self.tr("Trigger line"), self.serial_trigger)
        form.addRow("", self.serial_reply)
        self.opcua = QGroupBox(self.tr("OPC UA server"))
        self.opcua.setCheckable(True)
        form = QFormLayout(self.opcua)
        self.opcua_host = QLineEdit(OpcUaWiring().host)
        self.opcua_host.setToolTip(self.tr("Address listened on; 0.0.0.0 = every interface"))
        self.opcua_port = QLineEdit(str(OpcUaWiring().port))  # text: a bad port gets its one line on Save
        self.opcua_security = QComboBox()
        names = {"none": self.tr("none (no signing, no encryption)"), "basic256sha256": "Basic256Sha256"}
        for code in OPCUA_SECURITY:
            self.opcua_security.addItem(names.get(code, code), code)
        self.opcua_certificate, self.opcua_key, self.opcua_trusted = QLineEdit(), QLineEdit(), QLineEdit()
        self.opcua_certificate.setPlaceholderText("/etc/station/opcua-cert.der")
        self.opcua_key.setPlaceholderText("/etc/station/opcua-key.pem")
        self.opcua_trusted.setPlaceholderText("/etc/station/opcua-clients")
        form.addRow(self.tr("Host"), self.opcua_host)
        form.addRow(self.tr("Port"), self.opcua_port)
        form.addRow(self.tr("Security"), self.opcua_security)
        form.addRow(self.tr("Certificate file"), self.opcua_certificate)
        form.addRow(self.tr("Private key file"), self.opcua_key)
        form.addRow(self.tr("Trusted client certificates (folder)"), self.opcua_trusted)
        self.opcua_security.currentIndexChanged.connect(lambda _i: self._security_shown())
        self._security_shown()
        self.queue_size = _spin(4, 100)
        queue = QFormLayout()
        queue.addRow(self.tr("Triggers that may wait"), self.queue_size)
        columns = QHBoxLayout()  # two columns: the dialog fits a 1366×768 panel
        for column in ((self.mqtt, self.modbus), (self.serial, self.opcua)):
            stack = QVBoxLayout()
            for widget in column:
                widget.setChecked(False)
                stack.addWidget(widget)
            stack.addStretch(1)
            columns.addLayout(stack)
        layout.addLayout(columns)
        layout.addLayout(queue)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setEnabled(False)
        service = env.services.line
        env.runner.submit(lambda _ctx: service.wiring(), name="line-settings", owner=self,
                          on_done=self.load, on_error=self._load_failed)

    def _security_shown(self) -> None:
        """The certificate files matter only with security; without it they are greyed out."""
        on = self.opcua_security.currentData() != "none"
        for edit in (self.opcua_certificate, self.opcua_key, self.opcua_trusted):
            edit.setEnabled(on)

    def _load_failed(self, error: BaseException) -> None:
        self.setEnabled(True)
        self.message.show_error(error)

    def load(self, wiring: LineWiring) -> None:
        self.setEnabled(True)
        self._base = wiring
        if wiring.mqtt is not None:
            self.mqtt.setChecked(True)
            self.mqtt_url.setText(wiring.mqtt.url)
            for edit, topic in zip(self.topics, (wiring.mqtt.trigger_topic, wiring.mqtt.result_topic,
                                                 wiring.mqtt.status_topic), strict=True):
                edit.setText(topic or "")
        if wiring.modbus is not None:
            self.modbus.setChecked(True)
            self.modbus_host.setText(wiring.modbus.host)
            self.modbus_port.setValue(wiring.modbus.port)
            for name, box in self.coils.items():
                box.setValue(getattr(wiring.modbus, name))
            for name, box in self.optional.items():
                value = getattr(wiring.modbus, name)
                box.setValue(-1 if value is None else value)
        if wiring.serial is not None:
            self.serial.setChecked(True)
            self.serial_device.setText(wiring.serial.device)
            self.baudrate.setValue(wiring.serial.baudrate)
            self.serial_trigger.setText(wiring.serial.trigger)
            self.serial_reply.setChecked(wiring.serial.reply)
        if wiring.opcua is not None:
            o = wiring.opcua
            self.opcua.setChecked(True)
            self.opcua_host.setText(o.host)
            self.opcua_port.setText(str(o.port))
            self.opcua_security.setCurrentIndex(max(0, self.opcua_security.findData(o.security)))
            self.opcua_certificate.setText(o.certificate or "")
            self.opcua_key.setText(o.private_key or "")
            self.opcua_trusted.setText(o.trusted_clients or "")
        self.queue_size.setValue(wiring.queue_size)

    def _opcua(self) -> OpcUaWiring | None:
        """The OPC UA server the form describes (None: unticked); a port that is not a number is one line."""
        if not self.opcua.isChecked():
            return None
        port = self.opcua_port.text().strip()
        if not port.isdigit():
            raise ValidationError(f"OPC UA port must be 0 to 65535, got {port!r}")
        security = self.opcua_security.currentData()
        files = [e.text().strip() or None for e in (self.opcua_certificate, self.opcua_key, self.opcua_trusted)]
        if security == "none":
            files = [None, None, None]  # greyed out: security none uses no certificates
        return OpcUaWiring(self.opcua_host.text().strip(), int(port), security, *files)

    def wiring(self) -> LineWiring:
        """What the form says (values the form does not show are kept from the saved wiring)."""
        base = getattr(self, "_base", LineWiring())
        mqtt = modbus = serial = None
        if self.mqtt.isChecked():
            trigger, result, status = (e.text().strip() or None for e in self.topics)
            old = base.mqtt or MqttWiring("")
            mqtt = MqttWiring(self.mqtt_url.text().strip(), trigger, result, status, old.qos, old.client_id)
        if self.modbus.isChecked():
            old_b = base.modbus or ModbusWiring("")
            values = {name: box.value() for name, box in self.coils.items()}
            values.update({name: _optional_value(box) for name, box in self.optional.items()})
            modbus = ModbusWiring(self.modbus_host.text().strip(), self.modbus_port.value(), old_b.device_id,
                                  trigger_register=old_b.trigger_register, reject_pulse_ms=old_b.reject_pulse_ms,
                                  poll_ms=old_b.poll_ms, **values)
        if self.serial.isChecked():
            serial = SerialWiring(self.serial_device.text().strip(), self.baudrate.value(),
                                  self.serial_trigger.text().strip(), self.serial_reply.isChecked(),
                                  (base.serial or SerialWiring("")).changeover)
        return LineWiring(mqtt, modbus, serial, self.queue_size.value(), base.recurrence_inspections,
                          base.recurrence_hours, dict(base.recipes), base.max_warm_products, opcua=self._opcua())

    def save(self) -> None:
        try:
            wiring = self.wiring()
            if wiring.mqtt is not None:
                parse_host_port(wiring.mqtt.url, "mqtt", 1883)
            if wiring.modbus is not None:
                wiring.modbus.validated()
            if wiring.opcua is not None:
                wiring.opcua.validated()
        except Exception as exc:  # noqa: BLE001 - one line in the dialog, nothing saved
            self.message.show_error(exc)
            return
        service, user_id = self.env.services.line, self.env.user_id
        self.buttons.setEnabled(False)
        self.env.runner.submit(lambda _ctx: service.update(wiring, user_id), name="line-settings-save", owner=self,
                               on_done=self._saved, on_error=self._refused)

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.show_error(error)

    def _saved(self, wiring: LineWiring) -> None:
        self.saved = wiring
        self.buttons.setEnabled(True)
        if self.env.line is not None:
            self.env.line.restart()
        self.accept()
