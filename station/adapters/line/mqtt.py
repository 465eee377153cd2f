"""MQTT line link (paho-mqtt): trigger topic in, one JSON result message per trigger out, and a retained
station-status topic whose last will is ``offline`` (the broker publishes it when the station dies).

Topics default to ``station/<station id>/trigger``, ``.../result`` and ``.../status``; camera/process health
alerts go to ``.../alert`` next to the result topic (one JSON message per alert, not retained). Results,
status and alerts are published with QoS 1; paho keeps QoS 1 messages queued in memory while the broker is
unreachable and sends them on reconnection (it reconnects by itself).
"""

from __future__ import annotations

import logging
import socket
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from station.domain.errors import ConfigurationError
from station.domain.line import LineResult, LineStatus, LineTrigger, MqttWiring, parse_trigger_payload

log = logging.getLogger(__name__)


def _no_delay(client, userdata, sock) -> None:  # type: ignore[no-untyped-def]
    """Small messages go out at once: without TCP_NODELAY, Nagle's algorithm and the peer's delayed ACK
    hold a result back by up to ~40 ms (the broker needs ``set_tcp_nodelay true`` for its side)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):  # not a TCP socket (e.g. a websocket wrapper)
        pass


def alert_topic(result_topic: str, station_id: str) -> str:
    """The health alert topic: beside the result topic (``.../result`` -> ``.../alert``), else
    ``station/<station id>/alert``."""
    if result_topic.endswith("/result"):
        return result_topic[: -len("result")] + "alert"
    return f"station/{station_id}/alert"


class MqttLink:
    name = "mqtt"

    def __init__(self, wiring: MqttWiring, station_id: str, *, connect_timeout: float = 10.0) -> None:
        self.wiring = wiring
        self.station_id = station_id
        self.host, self.port = wiring.host_port()
        self.trigger_topic, self.result_topic, self.status_topic = wiring.topics(station_id)
        self.alert_topic = alert_topic(self.result_topic, station_id)
        self._timeout = connect_timeout
        self._on_trigger: Callable[[LineTrigger], None] | None = None
        self._connected = threading.Event()
        self._last_status: LineStatus | None = None
        client_id = wiring.client_id or f"station-{station_id}"
        self._client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        self._client.max_queued_messages_set(10_000)
        self._client.will_set(self.status_topic, LineStatus(station_id, "offline",
                                                             detail="connection lost").to_payload(),
                              qos=1, retain=True)
        self._client.on_connect = self._connected_cb
        self._client.on_disconnect = self._disconnected_cb
        self._client.on_message = self._message_cb
        self._client.on_subscribe = self._subscribed_cb
        self._client.on_socket_open = _no_delay

    # paho callbacks (its network thread) ---------------------------------------------------------------
    def _connected_cb(self, client, userdata, flags, reason_code, properties) -> None:  # type: ignore[no-untyped-def]
        if reason_code.is_failure:
            log.warning("MQTT broker %s:%s refused the connection: %s", self.host, self.port, reason_code)
            return
        client.subscribe(self.trigger_topic, qos=self.wiring.qos)
        if self._last_status is not None:  # the will may have replaced it while we were away
            client.publish(self.status_topic, self._last_status.to_payload(), qos=1, retain=True)

    def _subscribed_cb(self, client, userdata, mid, reason_codes, properties) -> None:  # type: ignore[no-untyped-def]
        if any(code.is_failure for code in reason_codes):
            log.warning("MQTT broker refused the subscription to %s: %s", self.trigger_topic, reason_codes)
            return
        self._connected.set()  # triggers reach the station only from here on

    def _disconnected_cb(self, client, userdata, flags, reason_code, properties) -> None:  # type: ignore[no-untyped-def]
        self._connected.clear()
        if reason_code != 0:
            log.warning("MQTT connection to %s:%s lost (%s); reconnecting", self.host, self.port, reason_code)

    def _message_cb(self, client, userdata, message) -> None:  # type: ignore[no-untyped-def]
        callback = self._on_trigger
        if callback is not None and message.topic == self.trigger_topic:
            callback(parse_trigger_payload(message.payload, "mqtt"))

    # LineLink ------------------------------------------------------------------------------------------
    def start(self, on_trigger: Callable[[LineTrigger], None]) -> None:
        self._on_trigger = on_trigger
        try:
            self._client.connect(self.host, self.port, keepalive=15)
        except OSError as exc:
            raise ConfigurationError(f"cannot reach the MQTT broker {self.host}:{self.port}: {exc}") from None
        # The broker keeps no session for the station: a trigger sent while the station is away is lost, so
        # it retries every 1-2 s rather than backing off further (one small connect attempt per try).
        self._client.reconnect_delay_set(min_delay=1, max_delay=2)
        self._client.loop_start()
        if not self._connected.wait(self._timeout):
            self._client.loop_stop()
            raise ConfigurationError(f"the MQTT broker {self.host}:{self.port} did not accept the connection and subscription")

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def publish_result(self, result: LineResult) -> None:
        info = self._client.publish(self.result_topic, result.to_payload(), qos=self.wiring.qos)
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            log.warning("MQTT result for %s not queued: %s", result.trigger.trigger_id, paho.error_string(info.rc))

    def publish_alert(self, alert: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(alert), ensure_ascii=False, separators=(",", ":")).encode()
        info = self._client.publish(self.alert_topic, payload, qos=1)
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            log.warning("MQTT health alert %s not queued: %s", alert.get("kind"), paho.error_string(info.rc))

    def publish_status(self, status: LineStatus) -> None:
        self._last_status = status
        self._client.publish(self.status_topic, status.to_payload(), qos=1, retain=True)

    def stop(self, flush_seconds: float = 3.0) -> None:
        """Sends what is queued (up to ``flush_seconds``), then disconnects; the status already says why."""
        self._on_trigger = None
        if self._connected.is_set():
            product = self._last_status.product_code if self._last_status is not None else None
            info = self._client.publish(self.status_topic, LineStatus(
                self.station_id, "offline", product, detail="stopped").to_payload(), qos=1, retain=True)
            try:
                info.wait_for_publish(flush_seconds)
            except (RuntimeError, ValueError) as exc:
                log.warning("MQTT offline status not confirmed: %s", exc)
        self._client.disconnect()
        self._client.loop_stop()
