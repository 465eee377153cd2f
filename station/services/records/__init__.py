"""What happened to each part, kept and shared: corrective actions, overrides, recurrence, reports, changes and sync with the centre."""
