"""Supervisor screens: defects awaiting action, action dialog, history, dashboard, shift report."""
