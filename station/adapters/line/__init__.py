"""Line I/O adapters: MQTT, Modbus TCP and serial links behind ``station.services.shared.ports.LineLink``."""
