"""The station's window around the screens: application start, look and language, sign-in, main window, status bar."""
