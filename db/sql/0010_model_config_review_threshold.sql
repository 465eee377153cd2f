-- The review (UNCERTAIN) threshold is configured with the image and pixel thresholds, in model_configs:
-- one row holds every threshold a product is judged with, audited and synced like them. NULL: none
-- configured yet, the memory bank's calibrated default applies.
ALTER TABLE model_configs ADD COLUMN review_threshold FLOAT;
-- The station role pushes a station's threshold changes (newest change wins, docs/readme/sync.md).
GRANT UPDATE (review_threshold) ON model_configs TO station_sync; -- pg-only
