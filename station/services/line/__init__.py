"""The station on the factory line: triggers from any wired link served through the bench workflow, and the line wiring."""
