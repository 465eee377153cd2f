"""Synthetic images made by the station itself: rendered demo parts and defects painted on good images."""
