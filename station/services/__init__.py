"""Use cases of the station (Qt-free; adapters are injected through the ports in ``ports``)."""
