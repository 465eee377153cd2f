"""The inspection engine's use cases: runtime, inspection, bank build, self-configuration, evaluation, calibration, references, onboarding."""
