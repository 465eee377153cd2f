"""Line I/O adapters: MQTT, Modbus TCP, serial and OPC UA links behind ``station.services.shared.ports.LineLink``."""
