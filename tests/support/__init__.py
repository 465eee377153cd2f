"""Test helpers shared by the feature test packages: servers, stations, images and fixtures."""
