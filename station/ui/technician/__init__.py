"""Technician screens: camera, preprocessing and ROI, thresholds with calibration, model builds."""
