"""Model weights: the sha256 manifest, the models directory and the verified fetch of weight files."""
