"""Qt user interface: every widget, dialog and worker thread of the station."""
