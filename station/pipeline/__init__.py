"""Pure image computation: preprocessing, scoring, regions, artifacts, calibration."""
